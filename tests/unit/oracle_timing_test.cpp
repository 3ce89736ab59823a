// Ops whose outcome depends on when a thread they wake runs: the oracle must not predict one
// outcome for them. Each case is a trace the kernel was seen to answer both ways.
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

// A poll thread holds the pipe's last read end (X-WAIT-HOLD). The fill's first write wakes it;
// once it runs it lets go of the file and the pipe has no reader, so the fill's next write
// gives EPIPE. Whether that is the second write or none of them (the pipe fills first) is the
// scheduler's choice: this kernel gave 1 write, then 178, on two runs of this trace.
TEST(OracleTiming, FillThatWakesTheLastReadersHolderIsNotPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n"
                                 "close fd=h0\n"
                                 "fill fd=h1 len=1 value=0\n"
                                 "join\n"),
            4u);
}

// Without the close the thread's release drops nothing: the fill is predicted.
TEST(OracleTiming, FillThatWakesAHolderOfAnOpenFileIsPredicted) {
  EXPECT_EQ(first_unmodeled_step("pollcheck-trace 1\nprofile linux\n"
                                 "pipe rd=h0 wr=h1\n"
                                 "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n"
                                 "fill fd=h1 len=1 value=0\n"
                                 "join\n"),
            0u);
}

}  // namespace
}  // namespace pc
