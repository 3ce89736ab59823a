// The fanout op in the C reproducer (repro/c_emitter.cpp): the call of do_fanout
// (repro/runtime/pc_repro_fanout.c over pc_fanout.c, which the executor calls too).
#pragma once

#include <string>

#include "vocab/ops.h"

namespace pc {

std::string c_fanout_call(const Fanout& op, const std::string& fd, const std::string& epfd);

}  // namespace pc
