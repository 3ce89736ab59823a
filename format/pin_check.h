// Checking an observation against a step's pin, and pinning an observation (vocab/pin.h holds
// the Pin itself; format/trace_format.h its text form).
#pragma once

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/pin.h"

namespace pc {

// "" when the observation has every pinned value, else which pinned field differs and how.
std::string check_pin(const Pin& pin, const Observation& obs);

// A pin fixes which CQEs a reap takes; their order is the oracle's to judge (io-wq and task
// work may post in either order where it allows both). So a pinned list that holds the same CQEs
// as the observation in another order is returned in the observed order, and the pin then
// admits exactly the orders the oracle's set admits. Any other pin is returned as it is.
Pin cqes_in_observed_order(Pin pin, const Observation& obs);

// The pin of everything that matters for this op's observation (what `pollcheck pin` writes).
// Descriptor numbers are left out unless with_fds, since they depend on the process.
Pin pin_of(const Op& op, const Observation& obs, bool with_fds = false);

}  // namespace pc
