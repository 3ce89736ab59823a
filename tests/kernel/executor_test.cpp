// Direct checks of the kernel executor against well-known kernel facts, independent of the
// oracle: if these fail, the executor (or the machine) is wrong, not the model.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kernel/executor.h"
#include "kernel/kernel_params.h"
#include "vocab/observation.h"
#include "vocab/ops.h"
#include "tests/util/observation_matchers.h"

namespace pc {
namespace {

constexpr OutHandle out(std::uint8_t s) { return OutHandle{s}; }
constexpr Handle h(std::uint8_t s) { return Handle{s}; }

TEST(KernelExecutor, PipeRoundTripKeepsPayload) {
  KernelExecutor ex;
  const Observation made = ex.run(MakePipe{out(0), out(1)}, 1);
  ASSERT_EQ(made.ret, 0);
  ASSERT_EQ(made.fds.size(), 2u);
  EXPECT_EQ(ex.fd_of(h(0)), made.fds[0]);
  EXPECT_EQ(ex.fd_of(h(1)), made.fds[1]);
  EXPECT_NE(made.fds[0], made.fds[1]);

  EXPECT_THAT(ex.run(Write{h(1), 100, 0x1122334455667788ull}, 2), Returns(100));
  const Observation r = ex.run(Read{h(0), 100}, 3);
  ASSERT_EQ(r.ret, 100);

  std::vector<unsigned char> expect(100);
  fill_payload(expect.data(), expect.size(), 2, 0x1122334455667788ull);
  EXPECT_EQ(r.digest, fnv1a(expect.data(), expect.size()));

  // Empty and non-blocking: the next read would block.
  const Observation again = ex.run(Read{h(0), 100}, 4);
  EXPECT_THAT(again, FailsWith(EAGAIN));
}

TEST(KernelExecutor, WriteToClosedHandleIsEbadf) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakeEventFd{false, out(3)}, 1).ret, 0);
  EXPECT_EQ(ex.run(Close{h(3)}, 2).ret, 0);
  const Observation w = ex.run(Write{h(3), 8, 1}, 3);
  EXPECT_THAT(w, FailsWith(EBADF));
  // A slot nobody bound names -1.
  EXPECT_EQ(ex.fd_of(h(9)), -1);
  EXPECT_THAT(ex.run(Write{h(9), 8, 1}, 4), FailsWith(EBADF));
}

TEST(KernelExecutor, FailedCreationUnbindsItsSlot) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakeEventFd{false, out(0)}, 1).ret, 0);
  const Observation bad = ex.run(EpollCreate1{0x1234, out(0)}, 2);
  EXPECT_THAT(bad, FailsWith(EINVAL));
  EXPECT_TRUE(bad.fds.empty());
  EXPECT_EQ(ex.fd_of(h(0)), -1);
}

TEST(KernelExecutor, EpollRefusesRegularFile) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(EpollCreate1{0, out(0)}, 1).ret, 0);
  ASSERT_EQ(ex.run(MakeRegularFile{out(1)}, 2).ret, 0);
  const Observation add = ex.run(EpollCtl{h(0), CtlOp::Add, h(1), EpollMask{EPOLLIN}, 7}, 3);
  EXPECT_THAT(add, FailsWith(EPERM));
}

TEST(KernelExecutor, EpollWaitReportsDataAndRejectsZeroMaxevents) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(EpollCreate1{0, out(0)}, 1).ret, 0);
  ASSERT_EQ(ex.run(MakePipe{out(1), out(2)}, 2).ret, 0);
  ASSERT_EQ(ex.run(EpollCtl{h(0), CtlOp::Add, h(2), EpollMask{EPOLLOUT}, 0xabcdef0123ull}, 3).ret,
            0);
  EXPECT_THAT(ex.run(EpollWait{h(0), 4}, 4),
              Reports(std::vector<EpollEventObs>{{EPOLLOUT, 0xabcdef0123ull}}));

  const Observation zero = ex.run(EpollWait{h(0), 0}, 5);
  EXPECT_THAT(zero, FailsWith(EINVAL));
  EXPECT_TRUE(zero.events.empty());
}

TEST(KernelExecutor, PollOnClosedSlotIsPollnval) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakeEventFd{false, out(0)}, 1).ret, 0);
  ASSERT_EQ(ex.run(Close{h(0)}, 2).ret, 0);
  Poll p;
  p.entries = {PollEntry{PollTarget{0}, PollMask{POLLIN}}, PollEntry{PollTarget{-5}, PollMask{POLLIN}}};
  const Observation obs = ex.run(p, 3);
  EXPECT_EQ(obs.ret, 1);
  ASSERT_EQ(obs.revents.size(), 2u);
  EXPECT_EQ(obs.revents[0], POLLNVAL);
  EXPECT_EQ(obs.revents[1], 0);  // negative fds are ignored
  EXPECT_EQ(obs.clobbered, 0u);
}

TEST(KernelExecutor, PollPastNofileLimitIsEinval) {
  KernelExecutor ex;
  Poll p;
  p.over_limit = 1;
  const Observation over = ex.run(p, 1);
  EXPECT_THAT(over, FailsWith(EINVAL));
  p.over_limit = -1;  // one under the limit: every padding entry is ignored
  const Observation under = ex.run(p, 2);
  EXPECT_EQ(under.ret, 0);
  EXPECT_EQ(under.clobbered, 0u);
}

TEST(KernelExecutor, SelectNegativeNfdsIsEinval) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 1).ret, 0);
  Select s;
  s.wr = {h(1)};
  s.nfds = Nfds{false, -1};
  const Observation obs = ex.run(s, 2);
  EXPECT_THAT(obs, FailsWith(EINVAL));
}

TEST(KernelExecutor, SelectReportsReadyBitsAndZeroTimeLeft) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 1).ret, 0);
  Select s;
  s.rd = {h(0)};
  s.wr = {h(1)};
  s.nfds = Nfds{true, 2000};  // well past FD_SETSIZE: bitmaps are sized by hand
  const Observation obs = ex.run(s, 2);
  EXPECT_EQ(obs.ret, 1);
  EXPECT_TRUE(obs.sets[0].empty());  // empty pipe: not readable
  EXPECT_EQ(obs.sets[1], std::vector<int>{ex.fd_of(h(1))});
  EXPECT_TRUE(obs.sets[2].empty());
  EXPECT_EQ(obs.timeout_left_us, 0);
}

TEST(KernelExecutor, FillWriteFillsPipeToCapacity) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 1).ret, 0);
  const int cap = ::fcntl(ex.fd_of(h(1)), F_GETPIPE_SZ);
  ASSERT_GT(cap, 0);
  const Observation obs = ex.run(FillWrite{h(1), 1, 0}, 2);
  EXPECT_EQ(obs.ret, cap);
  EXPECT_EQ(obs.writes, static_cast<std::uint32_t>(cap));
  EXPECT_EQ(obs.err, EAGAIN);
}

TEST(KernelExecutor, FillWriteOfZeroBytesStopsAfterOneWrite) {
  KernelExecutor ex;
  ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 1).ret, 0);
  const Observation obs = ex.run(FillWrite{h(1), 0, 0}, 2);
  EXPECT_EQ(obs.ret, 0);
  EXPECT_EQ(obs.writes, 1u);
  EXPECT_EQ(obs.err, 0);
}

TEST(KernelExecutor, DestructorClosesEverythingItOwns) {
  const std::set<int> before = KernelExecutor::open_fds();
  {
    KernelExecutor ex;
    ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 1).ret, 0);
    ASSERT_EQ(ex.run(MakeSocketPair{SockType::Dgram, out(2), out(3)}, 2).ret, 0);
    ASSERT_EQ(ex.run(MakeEventFd{true, out(4)}, 3).ret, 0);
    ASSERT_EQ(ex.run(MakeRegularFile{out(5)}, 4).ret, 0);
    ASSERT_EQ(ex.run(EpollCreate{1, out(6)}, 5).ret, 0);
    ASSERT_EQ(ex.run(Dup{h(0), out(7)}, 6).ret, 0);
    ASSERT_EQ(ex.run(MakePipe{out(0), out(1)}, 7).ret, 0);  // rebinding leaks nothing either
    ASSERT_EQ(ex.run(Close{h(2)}, 8).ret, 0);
    EXPECT_EQ(KernelExecutor::open_fds().size(), before.size() + 9);  // ten made, one closed
  }
  EXPECT_EQ(KernelExecutor::open_fds(), before);
}

TEST(KernelParams, ReportsPlausibleValues) {
  KernelParams kp;
  const std::uint32_t page = kp.page_size();
  EXPECT_GE(page, 4096u);
  EXPECT_EQ(page & (page - 1), 0u);
  EXPECT_EQ(kp.pipe_capacity(), 16 * page);
  EXPECT_GT(kp.unix_sndbuf(), 0u);
  EXPECT_GT(kp.nofile_limit(), 0u);
  const std::uint32_t stream1 = kp.skb_truesize(SockType::Stream, 1);
  EXPECT_GT(stream1, 1u);
  EXPECT_EQ(kp.skb_truesize(SockType::Stream, 1), stream1);  // memoized, and stable anyway
  EXPECT_GT(kp.skb_truesize(SockType::Dgram, 0), 0u);  // an empty datagram still costs an skb
}

}  // namespace
}  // namespace pc
