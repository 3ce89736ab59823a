#include "repro/c_emitter_fanout.h"

#include <algorithm>

#include <fmt/format.h>

#include "repro/c_literals.h"

namespace pc {

std::string c_fanout_helpers() {
  return R"C(
/* ---- fanout: the runtime's pc_fanout, its report copied into the observation. */
static void do_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents) {
  struct pc_fanout_obs r;
  if (pc_fanout(mode, fd, epfd, n, events, maxevents, &r) != 0) {
    printf("step %d: %s: out of memory\n", cur_step, cur_op);
    exit(2);
  }
  o.ret = r.ret;
  o.err = r.err;
  o.writes = r.writes;
  o.nfds = r.nfds;
  o.fds[0] = r.fds[0];
  o.fds[1] = r.fds[1];
  o.digest = r.digest;
}
)C";
}

std::string c_fanout_call(const Fanout& op, const std::string& fd, const std::string& epfd) {
  const char* mode = op.mode == FanoutMode::Epoll  ? "PC_FANOUT_EPOLL"
                     : op.mode == FanoutMode::Poll ? "PC_FANOUT_POLL"
                                                   : "PC_FANOUT_SELECT";
  return fmt::format("do_fanout({}, {}, {}, {}u, {}, {});\n", mode, fd, epfd, std::min(op.n, kFanoutMax),
                     c_epoll_mask(op.events.bits), c_i32(op.maxevents));
}

}  // namespace pc
