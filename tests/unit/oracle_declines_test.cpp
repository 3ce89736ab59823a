// Ops the oracle must decline to predict: those whose outcome depends on when a thread they wake
// runs (the kernel was seen to answer both ways), and those whose observation the harness cannot
// tell apart.
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/params.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

// The 1-based step at which the oracle first declines to predict (0: it predicts every step).
std::size_t first_unmodeled_step(std::string_view text) {
  auto parsed = parse_trace(text, "timing.trace");
  if (const auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string();
    return 0;
  }
  const Trace& trace = std::get<Trace>(parsed);
  FixedParams fixed;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    try {
      const Expectation e = oracle.expect(trace.steps[i].op, i + 1);
      oracle.commit(trace.steps[i].op, i + 1, e.allowed.front());
    } catch (const Unmodeled&) {
      return i + 1;
    }
  }
  return 0;
}

// A thread sleeps on an epoll instance watching one end of a TCP pair. shutdown(SHUT_WR) wakes
// it at sk_state_change, and again when the ACK of its FIN moves the socket to FIN_WAIT2: if the
// thread ran in between and took the edge-triggered event, the second wakeup queues it again for
// the next epoll_wait (seen once in a soak of 10^8 ops: the ACK can come late, from ksoftirqd).
std::string shutdown_with_sleeper(std::string_view events) {
  return "pollcheck-trace 1\nprofile linux\n"
         "tcp_listen out=h0\n"
         "tcp_connect listener=h0 out=h1\n"
         "accept fd=h0 out=h2\n"
         "epoll_create1 flags=0 out=h3\n"
         "epoll_ctl epfd=h3 op=add fd=h1 events=" + std::string(events) + " data=7\n"
         "epoll_wait epfd=h3 maxevents=4\n"
         "waiters api=epoll fd=h3 n=1 maxevents=1 events=0\n"
         "shutdown fd=h1 how=wr\n"
         "epoll_wait epfd=h3 maxevents=4\n"
         "join\n";
}

TEST(OracleDeclines, ShutdownWakingAThreadOnAnEdgeTriggeredTcpItemIsNotPredicted) {
  EXPECT_EQ(first_unmodeled_step(shutdown_with_sleeper("IN|OUT|RDHUP|ET")), 8u);
}

// Level-triggered, the item is queued again after every delivery: the same either way.
TEST(OracleDeclines, ShutdownWakingAThreadOnALevelTriggeredTcpItemIsPredicted) {
  EXPECT_EQ(first_unmodeled_step(shutdown_with_sleeper("IN|OUT|RDHUP")), 0u);
}

// A poll thread holds the pipe's last read end (X-WAIT-HOLD). The fill's first write wakes it;
// once it runs it lets go of the file and the pipe has no reader, so the fill's next write
// gives EPIPE. Whether that is the second write or none of them (the pipe fills first) is the
// scheduler's choice: this kernel gave 1 write, then 178, on two runs of this trace.
TEST(OracleDeclines, FillThatWakesTheLastReadersHolderIsNotPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n"
                                 "close fd=h0\n"
                                 "fill fd=h1 len=1 value=0\n"
                                 "join\n"),
            4u);
}

// The same with one write of several skbs on an AF_UNIX stream: unix_stream_sendmsg looks at
// its peer before each skb, so the thread's release of the peer's last file can cut the write
// after any of them (the soak saw 5 of 6 skbs written, and 109632 of 150000 bytes).
TEST(OracleDeclines, StreamWriteOfSeveralSkbsThatWakesTheLastPeerHolderIsNotPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "socketpair type=stream a=h0 b=h1\n"
                                 "waiters api=poll fd=h1 n=1 maxevents=1 events=IN\n"
                                 "close fd=h1\n"
                                 "write fd=h0 len=100000 value=0\n"
                                 "join\n"),
            4u);
  // One skb's worth: the release comes after it, whenever the thread runs.
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "socketpair type=stream a=h0 b=h1\n"
                                 "waiters api=poll fd=h1 n=1 maxevents=1 events=IN\n"
                                 "close fd=h1\n"
                                 "write fd=h0 len=1000 value=0\n"
                                 "join\n"),
            0u);
}

// Without the close the thread's release drops nothing: the fill is predicted.
TEST(OracleDeclines, FillThatWakesAHolderOfAnOpenFileIsPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n"
                                 "fill fd=h1 len=1 value=0\n"
                                 "join\n"),
            0u);
}

// A read that shares its user_data with a poll on the same ring: the harness gives the read's
// buffer to the CQE that carries the user_data, and the poll's may come first, so the digest
// would land on the wrong CQE (a reduced trace of the uring-cancel-code mutant showed it).
TEST(OracleDeclines, AReadSharingItsUserDataWithAnotherRequestIsNotPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "socketpair type=stream a=h0 b=h1\n"
                                 "uring_setup entries=2 flags=0 cq_entries=0 out=h2\n"
                                 "uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=OUT user_data=0 "
                                 "target=0 new_data=0 flags=0 op_flags=0\n"
                                 "uring_prep ring=h2 opcode=read fd=h0 len=0 mask=0 user_data=0 "
                                 "target=0 new_data=0 flags=0 op_flags=0\n"),
            4u);
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "socketpair type=stream a=h0 b=h1\n"
                                 "uring_setup entries=2 flags=0 cq_entries=0 out=h2\n"
                                 "uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=OUT user_data=1 "
                                 "target=0 new_data=0 flags=0 op_flags=0\n"
                                 "uring_prep ring=h2 opcode=read fd=h0 len=0 mask=0 user_data=100 "
                                 "target=0 new_data=0 flags=0 op_flags=0\n"),
            0u);
}

}  // namespace
}  // namespace pc

namespace pc {
namespace {

// The harness keeps its own /proc files just below RLIMIT_NOFILE (pc_open_high) and may open
// them mid-sequence: a descriptor the trace would get there is the harness's doing. With the
// unit tests' limit of 1024 and a reserve of 40, numbers 984..1023 are declined; 1024 and above
// are EMFILE or EINVAL as ever, and lower numbers are predicted.
TEST(OracleDeclines, ADescriptorInTheHarnesssReserveBelowTheLimit) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "dupfd fd=h0 min=990 out=h2\n"),
            2u);
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "dupfd fd=h0 min=983 out=h2\n"
                                 "dupfd fd=h0 min=1024 out=h3\n"),
            0u);
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "fanout mode=poll fd=h0 epfd=h0 n=2000 events=IN maxevents=1\n"),
            2u)
      << "a fanout that runs into the limit passes through the reserve";
}

}  // namespace
}  // namespace pc
