// Matchers over an Observation, so that a test reads as the sentence it checks, as gVisor's
// SyscallSucceeds / SyscallFailsWithErrno do:
//   EXPECT_THAT(ex.run(Read{h(0), 100}, 4), FailsWith(EAGAIN));
//   EXPECT_THAT(ex.run(Write{h(1), 100, 0}, 2), Returns(100));
//   EXPECT_THAT(ex.run(EpollWait{h(0), 4}, 4), Reports({{EPOLLOUT, 7}}));
// A mismatch names the return value and the errno by name.
#pragma once

#include <gmock/gmock.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vocab/observation.h"

namespace pc {

inline std::string ret_and_errno(const Observation& o) {
  return o.ret == -1 ? "-1 " + errno_name(o.err) : "ret=" + std::to_string(o.ret);
}

// The call succeeded and returned n.
MATCHER_P(Returns, n, "returns " + ::testing::PrintToString(n)) {
  *result_listener << "it gave " << ret_and_errno(arg);
  return arg.ret == static_cast<std::int64_t>(n) && (arg.ret != -1 || arg.err == 0);
}

// The call failed with errno e.
MATCHER_P(FailsWith, e, "fails with " + errno_name(e)) {
  *result_listener << "it gave " << ret_and_errno(arg);
  return arg.ret == -1 && arg.err == e;
}

// epoll_wait returned exactly these events, in this order.
MATCHER_P(Reports, events, "reports " + ::testing::PrintToString(events.size()) + " events") {
  std::vector<EpollEventObs> want(events);
  *result_listener << "it gave " << ret_and_errno(arg) << " " << describe_observation(EpollWait{}, arg);
  return arg.ret == static_cast<std::int64_t>(want.size()) && arg.events == want;
}

}  // namespace pc
