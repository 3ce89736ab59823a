// Blocking waits: waiter threads (kernel/waiter_pool.h) and timed waits in the harness's thread.
#include <linux/io_uring.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "kernel/executor.h"

namespace pc {
namespace {

// As io_uring_enter's EXT_ARG reads it (the kernel's struct __kernel_timespec).
struct KernelTimespec {
  std::int64_t tv_sec;
  long long tv_nsec;
};

}  // namespace

Observation KernelExecutor::exec(const Waiters& op, std::size_t) {
  Observation obs;
  // As many as fit under kMaxWaiters alive when the op begins (the oracle counts the same way,
  // whether or not the ones started return at once).
  const std::size_t room = kMaxWaiters - std::min<std::size_t>(waiters_.alive(), kMaxWaiters);
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(op.n, room));
  obs.ret = n;
  if (!waiters_.start(op.api, fd_of(op.fd), n, op.maxevents, epoll_entries(op.maxevents),
                      op.events.bits))
    obs.unsettled = true;
  return obs;
}

Observation KernelExecutor::exec(const JoinWaiters&, std::size_t) {
  Observation obs;
  if (!waiters_.interrupt_all()) obs.unsettled = true;
  return obs;
}

Observation KernelExecutor::exec(const TimedWait& op, std::size_t) {
  const std::uint32_t ms = std::min(op.ms, kTimedWaitMaxMs);
  const int fd = fd_of(op.fd);
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  Observation obs;
  const auto begin = std::chrono::steady_clock::now();
  long r = -1;
  switch (op.api) {
    case WaitApi::Epoll: {
      epoll_event buf[kTimedWaitMaxEvents];
      r = ::syscall(SYS_epoll_pwait2, fd, buf, kTimedWaitMaxEvents, &ts, nullptr, 0);
      obs.err = r < 0 ? errno : 0;
      for (long i = 0; i < r; ++i) obs.events.push_back({buf[i].events, buf[i].data.u64});
      break;
    }
    case WaitApi::Poll: {
      pollfd p{fd, static_cast<short>(op.events.bits), 0};
      r = ::ppoll(&p, 1, &ts, nullptr);
      obs.err = r < 0 ? errno : 0;
      if (r >= 0) obs.revents.push_back(static_cast<std::uint16_t>(p.revents));
      break;
    }
    case WaitApi::Uring: {
      KernelTimespec kts{ts.tv_sec, ts.tv_nsec};
      io_uring_getevents_arg arg{};
      arg.ts = reinterpret_cast<std::uintptr_t>(&kts);
      r = ::syscall(SYS_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                    &arg, sizeof arg);
      obs.err = r < 0 ? errno : 0;
      break;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  obs.ret = r < 0 ? -1 : r;
  // io_uring_enter returns 0 when a CQE came and fails with ETIME when the time ran out.
  const bool timed_out = op.api == WaitApi::Uring ? r < 0 && obs.err == ETIME : r == 0;
  obs.early = timed_out && elapsed < std::chrono::milliseconds(ms);
  return obs;
}

}  // namespace pc
