// The Observation matchers themselves: each accepts what it names and nothing near it.
#include <cerrno>
#include <sys/epoll.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/util/observation_matchers.h"

namespace pc {
namespace {

using ::testing::Not;

Observation gave(std::int64_t ret, int err = 0) {
  Observation o;
  o.ret = ret;
  o.err = err;
  return o;
}

TEST(ObservationMatchers, ReturnsAndFailsWithTellSuccessFromErrno) {
  EXPECT_THAT(gave(3), Returns(3));
  EXPECT_THAT(gave(3), Not(Returns(4)));
  EXPECT_THAT(gave(-1, EBADF), Not(Returns(-1)));  // -1 with an errno is a failure
  EXPECT_THAT(gave(-1, EBADF), FailsWith(EBADF));
  EXPECT_THAT(gave(-1, EBADF), Not(FailsWith(EAGAIN)));
  EXPECT_THAT(gave(0, EBADF), Not(FailsWith(EBADF)));  // an errno left over from success
}

TEST(ObservationMatchers, ReportsWantsTheEventsInOrderAndTheCount) {
  Observation o = gave(2);
  o.events = {{EPOLLIN, 7}, {EPOLLOUT, 8}};
  EXPECT_THAT(o, Reports(std::vector<EpollEventObs>{{EPOLLIN, 7}, {EPOLLOUT, 8}}));
  EXPECT_THAT(o, Not(Reports(std::vector<EpollEventObs>{{EPOLLOUT, 8}, {EPOLLIN, 7}})));
  o.ret = 1;
  EXPECT_THAT(o, Not(Reports(std::vector<EpollEventObs>{{EPOLLIN, 7}, {EPOLLOUT, 8}})));
}

}  // namespace
}  // namespace pc
