// The kept waiter threads (kernel/waiter_threads.h): a thread taken again makes its next call
// unharmed by a signal meant for the one before, and a sequence with waiters leaves the
// descriptor table as it found it (the differ's leak check counts it before and after).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "kernel/executor.h"
#include "kernel/waiter_pool.h"
#include "kernel/waiter_threads.h"
#include "repro/runtime/pc_waiters.h"

namespace pc {
namespace {

TEST(WaiterThreads, ASignalLeftPendingBetweenCallsDoesNotInterruptTheNext) {
  if (!waiter_settle_unavailable().empty()) GTEST_SKIP() << waiter_settle_unavailable();
  WaiterPool pool;  // installs the signal's handler
  WaiterThread* t = acquire_waiter_thread();
  ASSERT_NE(t, nullptr);
  // As a late signal for its last call would: sent while the thread is idle between calls.
  ASSERT_EQ(::syscall(SYS_tgkill, ::getpid(), waiter_thread_tid(t), pc_interrupt_signal()), 0);
  release_waiter_thread(t);  // the next acquire takes this one again
  int p[2];
  ASSERT_EQ(::pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_TRUE(pool.start(WaitApi::Poll, p[0], 1, 1, 1, POLLIN));
  ASSERT_TRUE(pool.settle());
  EXPECT_TRUE(pool.collect().empty()) << "the call returned at once: the stale signal reached it";
  ASSERT_TRUE(pool.interrupt_all());
  const std::vector<WaiterObs> woke = pool.collect();
  ASSERT_EQ(woke.size(), 1u);
  EXPECT_EQ(woke[0].ret, -1);
  EXPECT_EQ(woke[0].err, EINTR);
  ::close(p[0]);
  ::close(p[1]);
}

TEST(WaiterThreads, ASequenceWithWaitersLeavesTheDescriptorTableAsItFoundIt) {
  if (!waiter_settle_unavailable().empty()) GTEST_SKIP() << waiter_settle_unavailable();
  for (int round = 0; round < 3; ++round) {
    const std::set<int> before = KernelExecutor::open_fds();
    {
      KernelExecutor ex;
      ASSERT_EQ(ex.run(MakePipe{OutHandle{0}, OutHandle{1}}, 1).ret, 0);
      const Observation started = ex.run(Waiters{WaitApi::Poll, Handle{0}, 3, 1, PollMask{POLLIN}}, 2);
      ASSERT_EQ(started.ret, 3);
      ASSERT_EQ(started.unsettled, 0u);
      if (round == 1) EXPECT_EQ(ex.run(JoinWaiters{}, 3).woke.size(), 3u);
      // Otherwise the executor's end interrupts them.
    }
    EXPECT_EQ(KernelExecutor::open_fds(), before) << "round " << round;
  }
}

}  // namespace
}  // namespace pc
