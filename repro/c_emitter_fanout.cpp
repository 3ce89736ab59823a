#include "repro/c_emitter_fanout.h"

#include <algorithm>

#include <fmt/format.h>

#include "repro/c_literals.h"

namespace pc {

std::string c_fanout_call(const Fanout& op, const std::string& fd, const std::string& epfd) {
  const char* mode = op.mode == FanoutMode::Epoll  ? "PC_FANOUT_EPOLL"
                     : op.mode == FanoutMode::Poll ? "PC_FANOUT_POLL"
                                                   : "PC_FANOUT_SELECT";
  return fmt::format("do_fanout({}, {}, {}, {}u, {}, {});\n", mode, fd, epfd, std::min(op.n, kFanoutMax),
                     c_epoll_mask(op.events.bits), c_i32(op.maxevents));
}

}  // namespace pc
