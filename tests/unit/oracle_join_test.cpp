// What the oracle admits for a join whose first return releases a file and so, through the
// harness thread's task work, posts a CQE to a ring another waiter sleeps on; or wakes two
// threads sleeping on one epoll instance, which may take its events either way.
#include <algorithm>
#include <string>
#include <variant>

#include <poll.h>
#include <sys/epoll.h>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/params.h"

namespace pc {
namespace {

// The expectation of a trace's last step, every earlier step committed as Linux's outcome.
Expectation last_step_expectation(std::string_view text) {
  auto parsed = parse_trace(text, "join.trace");
  if (const auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  const Trace& trace = std::get<Trace>(parsed);
  FixedParams fixed;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  for (std::size_t i = 0; i + 1 < trace.steps.size(); ++i) {
    const Expectation e = oracle.expect(trace.steps[i].op, i + 1);
    oracle.commit(trace.steps[i].op, i + 1, e.allowed.front());
  }
  return oracle.expect(trace.steps.back().op, trace.steps.size());
}

WaiterObs returned_zero(std::uint32_t n) { return WaiterObs{n, 0, 0, {}}; }
WaiterObs eintr(std::uint32_t n) { return WaiterObs{n, -1, EINTR, {}}; }

bool admits(const Expectation& e, const std::vector<WaiterObs>& woke) {
  return std::any_of(e.allowed.begin(), e.allowed.end(), [&](const Observation& o) { return o.woke == woke; });
}

// Waiter 0 polls a pipe's write end, waiter 1 waits on a ring; the write end's descriptor is
// closed (the FIFO then takes its number, so waiter 0's poll finds nothing ready there and is
// interrupted) and the join signals both. With ring_polls_read_end, a one-shot poll on the read
// end waits for the HUP that waiter 0's return lets go of.
std::string join_trace(bool ring_polls_read_end) {
  std::string t = "pollcheck-trace 1\nprofile linux\n"
                  "pipe rd=h0 wr=h1\n"
                  "uring_setup entries=1 flags=0 cq_entries=0 out=h2\n"
                  "waiters api=poll fd=h1 n=1 maxevents=0 events=0\n";
  if (ring_polls_read_end)
    t += "uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=0 user_data=0 target=0 new_data=0 flags=0 op_flags=0\n";
  t += "waiters api=uring fd=h2 n=1 maxevents=0 events=0\n";
  if (ring_polls_read_end) t += "uring_submit ring=h2\n";
  return t + "close fd=h1\nfifo rd=h3 wr=h4 open=both\njoin\n";
}

// corpus/regress/waiters-join-task-work-cqe-wakes-ring-waiter.trace, the join's outcome set:
// the ring's waiter returns 0 when the CQE comes first (as this kernel did), EINTR when the
// signal does; nothing else.
TEST(OracleJoin, ARingWaiterWokenByTheHarnessTaskWorkMayReturnZeroOrEintr) {
  const Expectation e = last_step_expectation(join_trace(true));
  EXPECT_TRUE(admits(e, {eintr(0), returned_zero(1)}));
  EXPECT_TRUE(admits(e, {eintr(0), eintr(1)}));
  EXPECT_FALSE(admits(e, {returned_zero(0), returned_zero(1)}));
}

// Without the poll on the ring nothing posts a CQE: both waiters are interrupted, and only so.
TEST(OracleJoin, WithNoCqeTheRingWaiterIsOnlyInterrupted) {
  const Expectation e = last_step_expectation(join_trace(false));
  EXPECT_TRUE(admits(e, {eintr(0), eintr(1)}));
  EXPECT_FALSE(admits(e, {eintr(0), returned_zero(1)}));
}

WaiterObs took(std::uint32_t n, std::uint32_t events, std::uint64_t data) {
  return WaiterObs{n, 1, 0, {EpollEventObs{events, data}}};
}

// corpus/regress/waiters-join-woken-threads-take-events-either-way.trace: waiter 0's return
// readies two events on h2 and wakes waiters 3 and 2; each may take either, and waiter 1, signalled
// after, finds none (or took one of them first). The join goes on after the threads ran, so each
// order is followed to its end.
TEST(OracleJoin, TwoThreadsWokenInsideTheJoinTakeTheEventsEitherWay) {
  const Expectation e = last_step_expectation(
      "pollcheck-trace 1\nprofile linux\n"
      "pipe rd=h0 wr=h1\n"
      "fill fd=h1 len=512 value=0\n"
      "epoll_create1 flags=0 out=h2\n"
      "epoll_create1 flags=0 out=h3\n"
      "epoll_ctl epfd=h3 op=add fd=h1 events=OUT data=41\n"
      "epoll_ctl epfd=h2 op=add fd=h3 events=IN|ET data=60\n"
      "epoll_ctl epfd=h2 op=add fd=h1 events=HUP|ONESHOT data=48\n"
      "waiters api=poll fd=h0 n=1 maxevents=0 events=PRI\n"
      "close fd=h0\n"
      "waiters api=epoll fd=h2 n=3 maxevents=1 events=0\n"
      "join\n");
  const WaiterObs nval{0, 1, 0, {EpollEventObs{POLLNVAL, 0}}};
  EXPECT_TRUE(admits(e, {nval, eintr(1), took(2, EPOLLIN, 60), took(3, EPOLLERR, 48)}));
  EXPECT_TRUE(admits(e, {nval, eintr(1), took(2, EPOLLERR, 48), took(3, EPOLLIN, 60)}));
  // The first to take an event leaves the other on the ready list, and ep_done_scan wakes the
  // next sleeper, waiter 1, which may take it before the second woken thread looks.
  EXPECT_TRUE(admits(e, {nval, took(1, EPOLLIN, 60), took(2, EPOLLERR, 48), eintr(3)}));
  EXPECT_TRUE(admits(e, {nval, took(1, EPOLLIN, 60), eintr(2), took(3, EPOLLERR, 48)}));
  EXPECT_EQ(e.allowed.size(), 4u);
  // Two events, not three: the one-shot item is disarmed, the nested one edge-triggered.
  EXPECT_FALSE(admits(e, {nval, took(1, EPOLLERR, 48), took(2, EPOLLIN, 60), took(3, EPOLLERR, 48)}));
}

}  // namespace
}  // namespace pc
