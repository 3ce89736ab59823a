// Checking an observation against a step's pin, and pinning an observation (vocab/pin.h holds
// the Pin itself; format/trace_format.h its text form).
#pragma once

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/pin.h"

namespace pc {

// "" when the observation has every pinned value, else which pinned field differs and how.
std::string check_pin(const Pin& pin, const Observation& obs);

// The pin of everything that matters for this op's observation (what `pollcheck pin` writes).
// Descriptor numbers are left out unless with_fds, since they depend on the process.
Pin pin_of(const Op& op, const Observation& obs, bool with_fds = false);

}  // namespace pc
