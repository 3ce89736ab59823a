// What the oracle admits for a join whose first return releases a file and so, through the
// harness thread's task work, posts a CQE to a ring another waiter sleeps on.
#include <algorithm>
#include <string>
#include <variant>

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

}  // namespace
}  // namespace pc
