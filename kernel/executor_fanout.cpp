// One file under thousands of descriptors (op fanout): poll, select and epoll at scale, made by
// the C runtime's pc_fanout (repro/runtime/pc_fanout.h), as the reproducer makes it.
#include <new>

#include "kernel/executor.h"
#include "repro/runtime/pc_fanout.h"

namespace pc {

Observation KernelExecutor::exec(const Fanout& op, std::size_t) {
  const int mode = op.mode == FanoutMode::Epoll  ? PC_FANOUT_EPOLL
                   : op.mode == FanoutMode::Poll ? PC_FANOUT_POLL
                                                 : PC_FANOUT_SELECT;
  pc_fanout_obs r{};
  if (pc_fanout(mode, fd_of(op.fd), fd_of(op.epfd), std::min(op.n, kFanoutMax), op.events.bits,
                op.maxevents, &r) != 0)
    throw std::bad_alloc();
  Observation obs;
  obs.ret = r.ret;
  obs.err = r.err;
  obs.writes = r.writes;
  obs.fds.assign(r.fds, r.fds + r.nfds);
  obs.digest = r.digest;
  return obs;
}

}  // namespace pc
