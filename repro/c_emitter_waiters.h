// The blocking-wait part of the C reproducer (repro/c_emitter.cpp): waiter threads started,
// settled and interrupted the way kernel/waiter_pool.cpp does it, timed waits as
// kernel/executor_waiters.cpp makes them, and the check of which waiters returned.
#pragma once

#include <string>
#include <vector>

#include "vocab/observation.h"
#include "vocab/ops.h"

namespace pc {

// C definitions: waiters_start(), waiters_join(), waiters_settle(), timed_wait(),
// check_woke(), woke_seen(), check_early().
std::string c_waiter_helpers();

std::string c_waiters_call(const Waiters& op, const std::string& fd);
std::string c_timed_wait_call(const TimedWait& op, const std::string& fd);

// The statements that check the waiters a step saw return against each admitted list (any one
// may match), from the source ORACLE or PINNED.
std::string c_woke_check(const std::vector<std::vector<WaiterObs>>& admitted, const char* source);

}  // namespace pc
