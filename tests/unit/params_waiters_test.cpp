// Where the implementation offers no sound signal to settle waiter threads by
// (ParamSource::waiters_unavailable), the oracle declines them as a missing feature, with the
// reason; a timed wait, which blocks in the caller's own thread, and a join with no thread to
// interrupt are still predicted.
#include <algorithm>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "tests/util/parse_or_fail.h"
#include "format/trace_format.h"
#include "gen/chooser.h"
#include "gen/generator.h"
#include "oracle/oracle.h"
#include "oracle/params.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {


TEST(WaitersUnavailable, TheOracleDeclinesWaiterThreadsAsAMissingFeature) {
  FixedParams fixed;
  fixed.waiters_why = "status has no context-switch counts";
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  const Trace trace = parse_or_fail("pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\n"
                            "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n"
                            "timed_wait api=poll fd=h0 us=1000 events=IN\n"
                            "join\n");
  ASSERT_EQ(trace.steps.size(), 4u);
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    if (i == 1) {
      try {
        (void)oracle.expect(trace.steps[i].op, i + 1);
        ADD_FAILURE() << "the waiters op was predicted";
      } catch (const Unmodeled& u) {
        EXPECT_TRUE(u.missing_feature);
        EXPECT_EQ(std::string(u.what()), "waiter threads left out: status has no context-switch counts");
      }
      continue;
    }
    const Expectation e = oracle.expect(trace.steps[i].op, i + 1);
    ASSERT_FALSE(e.allowed.empty()) << "step " << i + 1;
    EXPECT_TRUE(e.allowed.front().woke.empty()) << "step " << i + 1;
    oracle.commit(trace.steps[i].op, i + 1, e.allowed.front());
  }
  EXPECT_EQ(params.report().back(), "waiters: left out (status has no context-switch counts)");
}

TEST(WaitersUnavailable, WithASettleSignalTheyArePredicted) {
  FixedParams fixed;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  const Trace trace = parse_or_fail("pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\n"
                            "waiters api=poll fd=h0 n=1 maxevents=1 events=IN\n");
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    const Expectation e = oracle.expect(trace.steps[i].op, i + 1);
    oracle.commit(trace.steps[i].op, i + 1, e.allowed.front());
  }
  EXPECT_EQ(params.waiters_unavailable(), "");
}

// Calibration names the mechanism and its reason, and the generator then makes no waiter thread.
TEST(WaitersUnavailable, CalibrationLeavesThemOutOfGeneratedSequences) {
  FixedParams fixed;
  fixed.waiters_why = "status has no context-switch counts";
  LearnedParams params(fixed);
  const LearnedParams::Calibration c = params.calibrate(Profile::Linux);
  ASSERT_TRUE(c.leaves_out("waiters"));
  EXPECT_NE(std::find(c.left_out.begin(), c.left_out.end(),
                      LeftOut{"waiters", "status has no context-switch counts"}),
            c.left_out.end());
  GenOptions options;
  options.waiters = false;
  std::size_t timed = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    RandomChooser chooser(seed);
    const Trace t = generate_trace(chooser, 100, Profile::Linux, options);
    for (const Step& s : t.steps) {
      EXPECT_FALSE(std::holds_alternative<Waiters>(s.op)) << "seed " << seed << ": " << print_op(s.op);
      timed += std::holds_alternative<TimedWait>(s.op);
    }
  }
  EXPECT_GT(timed, 0u) << "timed waits need no settle and stay";
}

}  // namespace
}  // namespace pc
