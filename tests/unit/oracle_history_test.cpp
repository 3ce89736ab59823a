// Linux's documented changes of behaviour, by the release the implementation reports
// (oracle/history.h): a release that differs from this host's kernel in a change (it predates
// it, or a stable update brought it one this kernel lacks) is predicted to behave as it does;
// with no release the oracle can read, as the profile.
#include <sys/epoll.h>

#include <optional>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "format/trace_format.h"
#include "oracle/history.h"
#include "oracle/oracle.h"
#include "oracle/params.h"
#include "vocab/abi.h"

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

// The one CQE the trace's last step (a reap) takes on `release`; res -1 and flags ~0 if it
// takes none or several.
CqeObs only_cqe(std::string_view text, const std::string& release) {
  const Observation o = last_step(text, release);
  EXPECT_EQ(o.cqes.size(), 1u) << release;
  if (o.cqes.size() == 1) return o.cqes.front();
  CqeObs none;
  none.res = -1;
  none.flags = ~0u;
  return none;
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

// A write-only poll on a socket whose peer shut down its writing: ready for output, and a read
// side hangup it did not ask for.
constexpr std::string_view kUringPollWriterAfterHangup = R"(pollcheck-trace 1
profile linux
socketpair type=stream a=h0 b=h1
shutdown fd=h1 how=wr
uring_setup entries=1 flags=0 cq_entries=0 out=h2
uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=OUT user_data=1 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_reap ring=h2 wait=0
)";

TEST(OracleHistory, AUringPollForOutputAfterTheReadSideHangupByRelease) {
  const auto res = [](const std::string& release) { return only_cqe(kUringPollWriterAfterHangup, release).res; };
  EXPECT_EQ(res("6.18.44"), EPOLLOUT | EPOLLRDHUP) << "this host's kernel";
  EXPECT_EQ(res("6.12.117+deb12-amd64"), EPOLLOUT | EPOLLRDHUP) << "the update before the backport";
  EXPECT_EQ(res("6.12.118+deb12-amd64"), EPOLLOUT) << "the stable update that carries it";
  EXPECT_EQ(res("6.12.130"), EPOLLOUT);
  EXPECT_EQ(res("6.1.0-57-amd64 (Debian 6.1.192-3)"), EPOLLOUT | EPOLLRDHUP) << "no 6.1 update has it";
  EXPECT_EQ(res(""), EPOLLOUT | EPOLLRDHUP);
}

// Two rings each arm a read on the same empty datagram socket; one empty datagram wakes both
// (the second ring's read first: it is nearer the wait queue's head), and the task's task work
// runs them in the order it was queued since 6.9, newest first before: the first ring's read
// then takes the datagram.
constexpr std::string_view kTwoRingsOneDatagram = R"(pollcheck-trace 1
profile linux
socketpair type=dgram a=h0 b=h1
uring_setup entries=1 flags=0 cq_entries=0 out=h2
uring_prep ring=h2 opcode=read fd=h1 len=1 mask=0 user_data=100 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_setup entries=1 flags=0 cq_entries=0 out=h3
uring_prep ring=h3 opcode=read fd=h1 len=1 mask=0 user_data=200 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h3
write fd=h0 len=0 value=0
uring_reap ring=h2 wait=0
)";

// A NOP linked behind another is queued as task work at the end of the first submit; a
// multishot poll, ready at once, queues its own in the second. The reap runs both with one CQ
// slot left: in queue order the NOP takes it and the multishot's CQE overflows, ending it
// (6.5 on); newest first, the multishot posts with F_MORE and the NOP's CQE overflows.
constexpr std::string_view kDeferredNopAndMultishot = R"(pollcheck-trace 1
profile linux
pipe rd=h0 wr=h1
uring_setup entries=3 flags=SINGLE_ISSUER|DEFER_TASKRUN cq_entries=0 out=h2
close fd=h1
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=2 target=0 new_data=0 flags=LINK op_flags=0
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=3 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=0 user_data=16 target=0 new_data=0 flags=0 op_flags=MULTI
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=4 target=0 new_data=0 flags=0 op_flags=0
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=5 target=0 new_data=0 flags=0 op_flags=0
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=6 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=7 target=0 new_data=0 flags=0 op_flags=0
uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=8 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_reap ring=h2 wait=0
)";

// The CQEs as user_data:res, with "+" for F_MORE.
std::string cqe_list(const Observation& o) {
  std::string out;
  for (const auto& c : o.cqes)
    out += fmt::format("{}{}:{}{}", out.empty() ? "" : " ", c.user_data, c.res, c.flags & 2u ? "+" : "");
  return out;
}

TEST(OracleHistory, TaskWorkOfTwoRingsByRelease) {
  EXPECT_EQ(cqe_list(last_step(kTwoRingsOneDatagram, "6.18.44")), "") << "the second ring's read took it";
  EXPECT_EQ(cqe_list(last_step(kTwoRingsOneDatagram, "6.9.0")), "");
  EXPECT_EQ(cqe_list(last_step(kTwoRingsOneDatagram, "6.8.12")), "100:0") << "newest first: the first ring's read";
  EXPECT_EQ(cqe_list(last_step(kTwoRingsOneDatagram, "6.1.0-57-amd64 (Debian 6.1.192-3)")), "100:0")
      << "as Debian's 6.1.192 gives it";
}

// The same, reaping the second ring after the first: the read that took the datagram is the
// second ring's in queue order, and the first ring's newest first (whose read on the second
// ring waits on). The witness trace leaves these reaps unpinned; this pins the prediction.
TEST(OracleHistory, TaskWorkOfTwoRingsTheSecondRingsReapByRelease) {
  const std::string both_reaps = std::string(kTwoRingsOneDatagram) + "uring_reap ring=h3 wait=0\n";
  EXPECT_EQ(cqe_list(last_step(both_reaps, "6.18.44")), "200:0");
  EXPECT_EQ(cqe_list(last_step(both_reaps, "6.1.0-57-amd64 (Debian 6.1.192-3)")), "");
}

// A poll re-armed by an update sits at the wait queue's head, before a read armed earlier;
// closing the peer with a byte unread wakes both, the poll first. In queue order the poll's
// task work sees the error first (ERR|HUP|RDHUP), then the read takes it; newest first the
// read takes it, and the poll sees HUP|RDHUP only.
constexpr std::string_view kUpdatedPollAndReadAtAReset = R"(pollcheck-trace 1
profile linux
socketpair type=stream a=h0 b=h1
uring_setup entries=3 flags=0 cq_entries=0 out=h2
uring_prep ring=h2 opcode=poll_add fd=h1 len=0 mask=0 user_data=5 target=0 new_data=0 flags=0 op_flags=0
write fd=h1 len=1 value=0
uring_prep ring=h2 opcode=read fd=h1 len=1 mask=0 user_data=0 target=0 new_data=0 flags=0 op_flags=0
uring_prep ring=h2 opcode=poll_update fd=h0 len=0 mask=0 user_data=1 target=5 new_data=1 flags=0 op_flags=UPDATE_DATA
uring_submit ring=h2
uring_reap ring=h2 wait=0
close fd=h0
uring_reap ring=h2 wait=0
)";

TEST(OracleHistory, AnUpdatedPollAndAReadAtAResetByRelease) {
  EXPECT_EQ(cqe_list(last_step(kUpdatedPollAndReadAtAReset, "6.18.44")), "1:8216 0:-104");
  EXPECT_EQ(cqe_list(last_step(kUpdatedPollAndReadAtAReset, "6.1.0-57-amd64 (Debian 6.1.192-3)")), "0:-104 1:8208")
      << "as Debian's 6.1.192 gives it";
  EXPECT_EQ(cqe_list(last_step(kUpdatedPollAndReadAtAReset, "6.12.118+deb12-amd64")), "1:24 0:-104")
      << "as Debian's 6.12.118 gives it: a poll that asks for nothing is not given RDHUP";
}

TEST(OracleHistory, DeferredTaskWorkByRelease) {
  EXPECT_EQ(cqe_list(last_step(kDeferredNopAndMultishot, "6.18.44")), "1:0 2:0 4:0 5:0 6:0 7:0 8:0 3:0 16:16");
  EXPECT_EQ(cqe_list(last_step(kDeferredNopAndMultishot, "6.5.0")), "1:0 2:0 4:0 5:0 6:0 7:0 8:0 3:0 16:16");
  EXPECT_EQ(cqe_list(last_step(kDeferredNopAndMultishot, "6.1.0-57-amd64 (Debian 6.1.192-3)")),
            "1:0 2:0 4:0 5:0 6:0 7:0 8:0 16:16+ 3:0")
      << "as Debian's 6.1.192 gives it";
}

constexpr std::string_view kDgramWriteWithoutPeerShutForWriting = R"(pollcheck-trace 1
profile linux
socketpair type=dgram a=h0 b=h1
close fd=h0
write fd=h1 len=0 value=0
shutdown fd=h1 how=wr
write fd=h1 len=0 value=0
)";

TEST(OracleHistory, ADatagramWriteWithoutPeerShutForWritingByRelease) {
  EXPECT_EQ(last_step(kDgramWriteWithoutPeerShutForWriting, "6.18.44").err, EPIPE);
  EXPECT_EQ(last_step(kDgramWriteWithoutPeerShutForWriting, "6.14.0").err, EPIPE);
  EXPECT_EQ(last_step(kDgramWriteWithoutPeerShutForWriting, "6.12.118+deb12-amd64").err, ENOTCONN)
      << "as Debian's 6.12.118 gives it";
}

constexpr std::string_view kRecvLeavingAByteOfAUnixStream = R"(pollcheck-trace 1
profile linux
socketpair type=stream a=h0 b=h1
uring_setup entries=2 flags=0 cq_entries=0 out=h2
write fd=h0 len=9 value=0
uring_prep ring=h2 opcode=recv fd=h1 len=8 mask=0 user_data=101 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
uring_reap ring=h2 wait=0
)";

TEST(OracleHistory, ARecvLeavingDataOnAUnixStreamByRelease) {
  const auto flags = [](const std::string& release) { return only_cqe(kRecvLeavingAByteOfAUnixStream, release).flags; };
  EXPECT_EQ(flags("6.18.44"), kCqeSockNonempty);
  EXPECT_EQ(flags("6.17.0"), kCqeSockNonempty);
  EXPECT_EQ(flags("6.12.118+deb12-amd64"), 0u) << "as Debian's 6.12.118 gives it";
}

TEST(OracleHistory, ADebianReleaseTakesItsStableUpdateFromThePackage) {
  EXPECT_EQ(parse_kernel_release("6.1.0-57-amd64 (Debian 6.1.192-3)"), (KernelRelease{6, 1, 192}));
  EXPECT_EQ(parse_kernel_release("6.1.0-57-amd64"), (KernelRelease{6, 1, 0}));
  EXPECT_EQ(parse_kernel_release("6.12.118+deb12-amd64 (Debian 6.12.118-1~deb12u1)"), (KernelRelease{6, 12, 118}));
  EXPECT_EQ(parse_kernel_release("6.1.0-57-amd64 (Debian 6.12.5-1)"), (KernelRelease{6, 1, 0}))
      << "a package of another series says nothing of this one";
  EXPECT_EQ(parse_kernel_release("4.4.0"), (KernelRelease{4, 4, 0}));
  EXPECT_EQ(parse_kernel_release("6.18"), (KernelRelease{6, 18, 0}));
  EXPECT_EQ(parse_kernel_release("6"), std::nullopt);
  EXPECT_EQ(parse_kernel_release("unknown"), std::nullopt);
  EXPECT_EQ(parse_kernel_release(""), std::nullopt);
}

TEST(OracleHistory, TheReportSaysWhichChangesTheReleaseDiffersIn) {
  std::string report;
  last_step(kEpollWaitBadFd, "6.1.0-57-amd64", &report);
  EXPECT_NE(report.find("release=6.1.0-57-amd64 (predicted unlike this profile: RD-EVENTFD-WRITE-LEN (lacks it: 6.9), "
                        "EP-WAIT-CHECK-ORDER (lacks it: 6.15), UR-TW-LOCAL-ORDER (lacks it: 6.5), UR-TW-ORDER (lacks it: 6.9), "
                        "UR-RECV-UNIX-INQ (lacks it: 6.17), "
                        "RD-UNIX-DGRAM-SEND-ORDER (lacks it: 6.14))"),
            std::string::npos)
      << report;
  report.clear();
  last_step(kEpollWaitBadFd, "6.12.118+deb12-amd64", &report);
  EXPECT_NE(report.find("EP-WAIT-CHECK-ORDER (lacks it: 6.15), UR-POLL-RDHUP-UNMASK (has it: 6.12.118 (stable))"
                        ", UR-RECV-UNIX-INQ (lacks it: 6.17), RD-UNIX-DGRAM-SEND-ORDER (lacks it: 6.14)"),
            std::string::npos)
      << report;
}

TEST(OracleHistory, EveryChangeConditionsALinuxProfileRuleAndLandsSomewhere) {
  for (const HistoryChange& c : kHistoryChanges) {
    const std::string_view id = rule_info(c.rule).id;
    EXPECT_EQ(rule_info(c.rule).profile, "linux") << id << ": a change of Linux's own behaviour";
    EXPECT_FALSE(c.before.empty() || c.after.empty() || c.subject.empty() || c.witness.empty()) << id;
    EXPECT_FALSE(landed_in(c).empty()) << id << ": a mainline release or a stable update";
    EXPECT_EQ(history_of(c.rule), &c) << id << ": one row per rule";
    if (c.mainline.known()) {
      EXPECT_FALSE(has_change({c.mainline.major, c.mainline.minor - 1, 99}, c)) << id;
      EXPECT_TRUE(has_change(c.mainline, c)) << id;
    }
    for (const KernelRelease& s : c.stable) {
      if (!s.known()) continue;
      EXPECT_FALSE(has_change({s.major, s.minor, s.sublevel - 1}, c)) << id;
      EXPECT_TRUE(has_change(s, c)) << id;
    }
  }
}

}  // namespace
}  // namespace pc
