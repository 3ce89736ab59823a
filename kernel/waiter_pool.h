// Threads that block in epoll_wait, poll or io_uring_enter with no timeout, for the executor's
// `waiters` and `join` ops. Every wait the pool itself makes is bounded: it watches the threads
// through /proc (the system call they sleep in, their state and run count), never by sleeping
// for a while. The calls, the watching and its bounds are the C runtime's
// (repro/runtime/pc_waiters.h), which the reproducer runs too; the pool owns the waiters and
// their results, and runs each call on a kept thread (kernel/waiter_threads.h).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vocab/c/pc_limits.h"
#include "repro/runtime/pc_waiters.h"
#include "vocab/observation.h"
#include "vocab/ops.h"

namespace pc {

// How long the pool waits for a thread to fall asleep, to return, or for all to settle.
inline constexpr int kWaiterSettleMs = PC_WAITER_SETTLE_MS;

// The runtime's name of a wait API (PC_WAIT_*).
inline int runtime_wait_api(WaitApi api) {
  switch (api) {
    case WaitApi::Epoll: return PC_WAIT_EPOLL;
    case WaitApi::Poll: return PC_WAIT_POLL;
    case WaitApi::Uring: return PC_WAIT_URING;
  }
  return PC_WAIT_EPOLL;
}

// The settle signal this implementation offers, probed once per process on a scratch thread
// (pc_waiters_probe): "" where waiters settle soundly, else why not (then they are left out).
// Call it before the trace's own threads start.
const std::string& waiter_settle_unavailable();

class WaiterPool {
 public:
  WaiterPool();  // installs the interrupting signal's handler (once per process)
  ~WaiterPool();  // interrupts every waiter still in its call and gives back its thread
  WaiterPool(const WaiterPool&) = delete;
  WaiterPool& operator=(const WaiterPool&) = delete;

  // Starts n waiters on fd, one at a time: each must be asleep in its call, or have returned,
  // before the next starts. epoll_entries: the size of an epoll waiter's event buffer. False if
  // one did neither within kWaiterSettleMs.
  bool start(WaitApi api, int fd, std::uint32_t n, std::int32_t maxevents,
             std::size_t epoll_entries, std::uint16_t poll_events);
  // Waits until every waiter still in its call sleeps there and none moves between two looks;
  // false if that did not happen within kWaiterSettleMs.
  bool settle();
  // The waiters that returned since the last collect, by number.
  std::vector<WaiterObs> collect();
  // Signals every waiter still blocked, in number order, each one once the previous one has
  // returned and the rest have settled again; then gives every thread back. False if one did not
  // return within kWaiterSettleMs of its signal (its thread is never used again).
  bool interrupt_all();

  bool empty() const { return threads_.empty(); }
  std::size_t alive() const;

 private:
  struct Waiter;
  std::vector<std::unique_ptr<Waiter>> threads_;
  std::vector<pc_waiter_watch*> watches_;  // of threads_, for the runtime's settle
  std::vector<pc_task_look> scratch_;
};

}  // namespace pc
