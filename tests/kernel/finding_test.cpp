// What a finding is and how findings group (harness/finding.h), as `run` and `reduce` both ask:
// the keys of every kind of finding.
#include <gtest/gtest.h>

#include "harness/finding.h"
#include "oracle/params.h"

namespace pc {
namespace {

TEST(Finding, DivergencesAndLeaksAreFindingsAgreementAndSkipsAreNot) {
  TraceResult r;
  EXPECT_FALSE(is_finding(r));
  r.skipped = 3;  // ops skipped on both sides: still agreement
  EXPECT_FALSE(is_finding(r));
  r.verdict = Verdict::Skip;
  EXPECT_FALSE(is_finding(r));
  r.verdict = Verdict::Unsettled;  // no verdict on the step, so nothing to find
  EXPECT_FALSE(is_finding(r));
  for (Verdict v : {Verdict::Diverge, Verdict::Leak}) {
    r.verdict = v;
    EXPECT_TRUE(is_finding(r)) << verdict_name(v);
  }
}

TEST(Finding, ADivergenceIsKeyedByItsSignature) {
  TraceResult r;
  r.verdict = Verdict::Diverge;
  r.divergence = Divergence{};
  r.divergence->step = 4;
  r.divergence->signature = Signature{"epoll_wait", "EP-ET", "ret+events"};
  const FindingKey k = finding_key(r);
  EXPECT_EQ(k.verdict, Verdict::Diverge);
  EXPECT_EQ(k.signature, r.divergence->signature);
  EXPECT_EQ(to_string(k), "epoll_wait EP-ET ret+events");  // as reduce's signature: line
  EXPECT_EQ(finding_length(r, 10), 4u);
}

TEST(Finding, ALeakIsKeyedByWhatHappenedToTheDescriptors) {
  TraceResult r;
  r.verdict = Verdict::Leak;
  r.fds_before = 3;
  r.fds_after = 5;
  r.message = "descriptor count 3 before the sequence, 5 after";
  EXPECT_EQ(to_string(finding_key(r)), "leak: descriptors left open");
  TraceResult more = r;
  more.fds_after = 9;  // another leak of the same kind: the same key
  EXPECT_EQ(finding_key(more), finding_key(r));
  r.fds_after = 2;
  EXPECT_EQ(to_string(finding_key(r)), "leak: descriptors closed");
  r.fds_after = 3;
  EXPECT_EQ(to_string(finding_key(r)), "leak: descriptors replaced");
  EXPECT_EQ(finding_length(r, 10), 10u);  // a leak needs the whole sequence
}

// A learned value outside its documented bounds is what the implementation lacks, not a
// finding: run does not count it, and reduce (asking the same predicate) has nothing to reduce.
TEST(Finding, AParameterOutOfBoundsIsASkipNotAFinding) {
  FixedParams source;
  source.pipe = 1024;  // below one page: pipe(7) rules it out
  LearnedParams params(source);
  Trace t;
  t.steps.push_back(Step{{}, MakePipe{OutHandle{0}, OutHandle{1}}, {}});
  t.steps.push_back(Step{{}, Write{Handle{1}, 10, 0}, {}});
  t.steps.push_back(Step{{}, Close{Handle{0}}, {}});
  t.steps.push_back(Step{{}, Close{Handle{1}}, {}});
  const TraceResult r = run_trace(t, params);
  ASSERT_EQ(r.verdict, Verdict::Skip) << r.message;
  EXPECT_FALSE(is_finding(r));
}

}  // namespace
}  // namespace pc
