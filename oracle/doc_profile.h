// The doc profile: what the man pages promise, as a check over an observation. It admits every
// outcome the documentation allows, so it always contains the linux profile's prediction.
#pragma once

#include <functional>
#include <string>

#include "vocab/observation.h"
#include "vocab/ops.h"

namespace pc {

class Model;

// pre: the model before the op; linux_outcome: what Linux would return.
std::function<std::string(const Observation&)> make_doc_check(const Model& pre, const Op& op,
                                                              const Observation& linux_outcome);

}  // namespace pc
