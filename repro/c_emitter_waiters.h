// The blocking-wait part of the C reproducer (repro/c_emitter.cpp): the calls of the waiters,
// join and timed_wait steps and the check of which waiters returned. What they call is C in
// repro/runtime/pc_repro_waiters.c, over the runtime the executor uses too (pc_waiters.c,
// pc_timed_wait.c).
#pragma once

#include <string>
#include <vector>

#include "vocab/observation.h"
#include "vocab/ops.h"

namespace pc {

std::string c_waiters_call(const Waiters& op, const std::string& fd);
std::string c_timed_wait_call(const TimedWait& op, const std::string& fd);

// The initializers of a `struct woke` array: "{0u, 1, 0, 1, (const struct event[]){...}}, ...".
std::string c_woke_elements(const std::vector<WaiterObs>& woke);
// The statements that check the waiters a step saw return against each admitted list (any one
// may match), from the source ORACLE or PINNED.
std::string c_woke_check(const std::vector<std::vector<WaiterObs>>& admitted, const char* source);

}  // namespace pc
