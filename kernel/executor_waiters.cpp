// Blocking waits: waiter threads (kernel/waiter_pool.h) and timed waits in the harness's thread
// (the C runtime's pc_timed_wait, repro/runtime/pc_timed_wait.h).
#include <algorithm>

#include "kernel/executor.h"
#include "repro/runtime/pc_timed_wait.h"
#include "repro/runtime/pc_waiters.h"

namespace pc {

Observation KernelExecutor::exec(const Waiters& op, std::size_t) {
  Observation obs;
  // As many as fit under kMaxWaiters alive when the op begins (the oracle counts the same way,
  // whether or not the ones started return at once).
  const std::size_t room = kMaxWaiters - std::min<std::size_t>(waiters_.alive(), kMaxWaiters);
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(op.n, room));
  obs.ret = n;
  if (!waiters_.start(op.api, fd_of(op.fd), n, op.maxevents, epoll_entries(op.maxevents),
                      op.events.bits))
    obs.unsettled |= kUnsettledWaiters;
  return obs;
}

Observation KernelExecutor::exec(const JoinWaiters&, std::size_t) {
  Observation obs;
  if (!waiters_.interrupt_all()) obs.unsettled |= kUnsettledWaiters;
  return obs;
}

Observation KernelExecutor::exec(const TimedWait& op, std::size_t) {
  pc_timed_wait_obs r;
  // One try: an EINTR without a signal is an outcome the oracle admits (X-EINTR-NOTIFY).
  pc_timed_wait(runtime_wait_api(op.api), fd_of(op.fd), std::min(op.us, kTimedWaitMaxUs), static_cast<short>(op.events.bits), 1, &r);
  Observation obs;
  obs.ret = r.ret;
  obs.err = r.err;
  obs.early = r.early != 0;
  for (std::size_t i = 0; i < r.nevents; ++i) obs.events.push_back({r.events[i].events, r.events[i].data.u64});
  if (r.polled) obs.revents.push_back(r.revents);
  return obs;
}

}  // namespace pc
