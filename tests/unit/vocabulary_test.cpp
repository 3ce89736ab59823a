// The helpers around ops and observations that every layer relies on.
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>

#include <gtest/gtest.h>

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/trace.h"

namespace pc {
namespace {

TEST(Ops, NameComesFromTheAlternative) {
  EXPECT_EQ(op_name(Op(MakePipe{})), "pipe");
  EXPECT_EQ(op_name(Op(MakeRegularFile{})), "memfd");
  EXPECT_EQ(op_name(Op(FillWrite{})), "fill");
  EXPECT_EQ(op_name(Op(Select{})), "select");
}

TEST(Ops, OutputsAreTheOutHandlesInFieldOrder) {
  EXPECT_EQ(op_outputs(MakeSocketPair{SockType::Dgram, OutHandle{4}, OutHandle{3}}),
            (std::vector<OutHandle>{OutHandle{4}, OutHandle{3}}));
  EXPECT_EQ(op_outputs(Dup{Handle{1}, OutHandle{9}}), std::vector<OutHandle>{OutHandle{9}});
  EXPECT_TRUE(op_outputs(Close{Handle{1}}).empty());
  EXPECT_TRUE(op_outputs(Poll{}).empty());
}

TEST(Ops, ProfileNames) {
  EXPECT_EQ(profile_name(Profile::Linux), "linux");
  EXPECT_EQ(profile_name(Profile::Doc), "doc");
}

TEST(Observation, PayloadIsValueThenPattern) {
  unsigned char buf[12];
  fill_payload(buf, sizeof buf, 5, 0x0102030405060708ull);
  const unsigned char head[8] = {8, 7, 6, 5, 4, 3, 2, 1};
  for (int k = 0; k < 8; ++k) EXPECT_EQ(buf[k], head[k]) << k;
  for (std::size_t k = 8; k < sizeof buf; ++k) EXPECT_EQ(buf[k], pattern_byte(5, k)) << k;

  unsigned char shorter[3] = {0, 0, 0};
  fill_payload(shorter, 3, 5, 0x0102030405060708ull);
  EXPECT_EQ(shorter[0], 8);
  EXPECT_EQ(shorter[2], 6);
}

TEST(Observation, ErrnoNamesReadBack) {
  EXPECT_EQ(errno_name(EAGAIN), "EAGAIN");
  EXPECT_EQ(errno_name(ETIME), "ETIME");
  EXPECT_EQ(errno_name(0), "0");
  EXPECT_EQ(errno_name(12345), "E12345");
  for (int err : {EAGAIN, EBADF, EINVAL, EPIPE, ENOTSOCK, EPERM, EEXIST, ENOENT, ECONNRESET,
                  ECONNREFUSED, ENOTCONN, EMSGSIZE, ESPIPE, ELOOP, EFAULT, EMFILE, ENOMEM,
                  EOPNOTSUPP, EISCONN, EINTR, EALREADY, ECANCELED, EBUSY, ETIME, ENOSYS, 12345})
    EXPECT_EQ(errno_from_name(errno_name(err)), err) << errno_name(err);
  EXPECT_EQ(errno_from_name("EWHATEVER"), 0);
  EXPECT_EQ(errno_from_name("E"), 0);
  EXPECT_EQ(errno_from_name(""), 0);
}

TEST(Observation, MaskNames) {
  EXPECT_EQ(epoll_mask_name(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET), "IN|OUT|RDHUP|ET");
  EXPECT_EQ(epoll_mask_name(0), "0");
  EXPECT_EQ(epoll_mask_name(EPOLLIN | 0x08000000u), "IN|0x8000000");
  EXPECT_EQ(poll_mask_name(POLLIN | POLLNVAL), "IN|NVAL");
  EXPECT_EQ(poll_mask_name(0x8000), "0x8000");
}

TEST(Observation, DescribeShowsWhatMattersForTheOp) {
  Observation created;
  created.fds = {5, 6};
  EXPECT_EQ(describe_observation(MakePipe{}, created), "fds=[5,6]");

  Observation failed;
  failed.ret = -1;
  failed.err = EINVAL;
  EXPECT_EQ(describe_observation(EpollCreate{}, failed), "-1 EINVAL");
  EXPECT_EQ(describe_observation(Close{}, failed), "-1 EINVAL");

  Observation wrote;
  wrote.ret = 100;
  EXPECT_EQ(describe_observation(Write{}, wrote), "ret=100");

  Observation read;
  read.ret = 3;
  read.digest = 0xabc;
  EXPECT_EQ(describe_observation(Read{}, read), "ret=3 digest=0x0000000000000abc");

  Observation filled;
  filled.ret = 65536;
  filled.writes = 16;
  filled.err = EAGAIN;
  EXPECT_EQ(describe_observation(FillWrite{}, filled), "ret=65536 writes=16 err=EAGAIN");

  Observation waited;
  waited.ret = 2;
  waited.events = {{EPOLLIN | EPOLLOUT, 7}, {EPOLLHUP, 0}};
  EXPECT_EQ(describe_observation(EpollWait{}, waited), "ret=2 [IN|OUT data=7, HUP data=0]");

  Observation polled;
  polled.ret = 2;
  polled.revents = {POLLIN, 0, POLLNVAL};
  EXPECT_EQ(describe_observation(Poll{}, polled), "ret=2 revents=[IN, 0, NVAL]");
  polled.clobbered = 1;
  EXPECT_EQ(describe_observation(Poll{}, polled), "ret=2 revents=[IN, 0, NVAL] clobbered=1");

  Observation selected;
  selected.ret = 1;
  selected.sets[0] = {3};
  EXPECT_EQ(describe_observation(Select{}, selected), "ret=1 rd=[3] wr=[] ex=[] tv=0");

  EXPECT_EQ(describe_observation(Close{}, Observation{}), "ret=0");
}

// Observations compare exactly, so unequal ones must not render the same.
TEST(Observation, DescribeShowsUnexpectedFieldsToo) {
  Observation odd;
  odd.digest = 1;
  odd.err = EBADF;
  EXPECT_EQ(describe_observation(Close{}, odd), "ret=0 err=EBADF digest=0x0000000000000001");

  Observation created;
  created.ret = 7;
  created.fds = {7};
  EXPECT_EQ(describe_observation(MakeEventFd{}, created), "fds=[7] ret=7");
}

}  // namespace
}  // namespace pc
