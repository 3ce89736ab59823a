// The fanout op in the C reproducer (repro/c_emitter.cpp): n dups of one descriptor polled,
// selected or watched by epoll, as kernel/executor_fanout.cpp does it.
#pragma once

#include <string>

#include "vocab/ops.h"

namespace pc {

std::string c_fanout_helpers();  // C definitions: do_fanout()
std::string c_fanout_call(const Fanout& op, const std::string& fd, const std::string& epfd);

}  // namespace pc
