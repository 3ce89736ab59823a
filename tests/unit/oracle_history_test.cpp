// Linux's documented changes of behaviour, by the release the implementation reports
// (oracle/history.h): before the release a change landed in, the oracle predicts the older
// behaviour; at or after it, or with no release it can read, the current one.
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "oracle/history.h"
#include "oracle/oracle.h"
#include "oracle/params.h"

namespace pc {
namespace {

// What the oracle predicts for the trace's last step on an implementation reporting `release`.
Observation last_step(std::string_view text, const std::string& release, std::string* report = nullptr) {
  auto parsed = parse_trace(text, "history.trace");
  EXPECT_TRUE(std::holds_alternative<Trace>(parsed));
  const Trace& trace = std::get<Trace>(parsed);
  FixedParams fixed;
  fixed.release = release;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  Observation o;
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    const Expectation e = oracle.expect(trace.steps[i].op, i + 1);
    EXPECT_EQ(e.allowed.size(), 1u);
    o = e.allowed.front();
    oracle.commit(trace.steps[i].op, i + 1, o);
  }
  if (report) {
    for (const std::string& line : params.report()) *report += line + "\n";
  }
  return o;
}

constexpr std::string_view kEventFdLongWrite = R"(pollcheck-trace 1
profile linux
eventfd semaphore=false out=h0
write fd=h0 len=9 value=0
)";

constexpr std::string_view kEpollWaitBadFd = R"(pollcheck-trace 1
profile linux
epoll_wait epfd=h5 maxevents=0
)";

TEST(OracleHistory, AnEventfdWriteOfNineBytesByRelease) {
  EXPECT_EQ(last_step(kEventFdLongWrite, "6.18.44").err, EINVAL);
  EXPECT_EQ(last_step(kEventFdLongWrite, "6.9.0").err, EINVAL) << "the release the change landed in";
  const Observation old = last_step(kEventFdLongWrite, "6.1.0-57-amd64");
  EXPECT_EQ(old.ret, 8);
  EXPECT_EQ(old.err, 0);
  EXPECT_EQ(last_step(kEventFdLongWrite, "6.8.12").ret, 8);
  EXPECT_EQ(last_step(kEventFdLongWrite, "").err, EINVAL) << "no release: the current behaviour";
  EXPECT_EQ(last_step(kEventFdLongWrite, "unknown").err, EINVAL);
}

TEST(OracleHistory, EpollWaitOnABadDescriptorWithNoRoomByRelease) {
  EXPECT_EQ(last_step(kEpollWaitBadFd, "6.15.0").err, EBADF);
  EXPECT_EQ(last_step(kEpollWaitBadFd, "6.12.118+deb12-amd64").err, EINVAL);
  EXPECT_EQ(last_step(kEpollWaitBadFd, "4.4.0").err, EINVAL);
  EXPECT_EQ(last_step(kEpollWaitBadFd, "").err, EBADF);
}

TEST(OracleHistory, TheReportSaysWhichChangesTheReleasePredates) {
  std::string report;
  last_step(kEpollWaitBadFd, "6.1.0-57-amd64", &report);
  EXPECT_NE(report.find("release=6.1.0-57-amd64 (predicted as before: RD-EVENTFD-WRITE-LEN (6.9), "
                        "EP-WAIT-CHECK-ORDER (6.15))"),
            std::string::npos)
      << report;
}

TEST(OracleHistory, EveryChangeConditionsALinuxProfileRule) {
  for (const HistoryChange& c : kHistoryChanges) {
    EXPECT_EQ(rule_info(c.rule).profile, "linux") << rule_info(c.rule).id << ": a change of Linux's own behaviour";
    EXPECT_FALSE(c.before.empty());
    EXPECT_TRUE(predates_change(std::pair{c.major, c.minor - 1}, c.rule));
    EXPECT_FALSE(predates_change(std::pair{c.major, c.minor}, c.rule));
  }
}

}  // namespace
}  // namespace pc
