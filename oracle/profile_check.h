// The doc and compat profiles, as a check over an observation. doc admits every outcome the man
// pages allow; compat admits Linux's outcome with any buffer accounting (a write may take what
// the documentation allows, writability of a non-empty buffer is free). Each contains the linux
// profile's prediction.
#pragma once

#include <functional>
#include <string>

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/trace.h"

namespace pc {

class Model;

// pre: the model before the op; linux_outcome: what the model predicts (Linux's semantics, with
// the profile's accounting); capacity_checked: the prediction asked whether a buffer had room
// (it used a rule only the linux profile judges exactly). Not for the linux profile, which
// compares outcomes exactly.
std::function<std::string(const Observation&)> make_profile_check(Profile profile, const Model& pre,
                                                                  const Op& op,
                                                                  const Observation& linux_outcome,
                                                                  bool capacity_checked);

}  // namespace pc
