// What a finding is and how findings group (harness/finding.h), as `run` and `reduce` both ask:
// the keys of every kind of finding, a campaign's groups, and --max-findings counting distinct
// findings.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "harness/campaign.h"
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
  EXPECT_EQ(key_text(k), to_string(k));
  EXPECT_EQ(finding_length(r, 10), 4u);
}

TEST(Finding, ALeakIsKeyedByWhatHappenedToTheDescriptors) {
  TraceResult r;
  r.verdict = Verdict::Leak;
  r.fds_before = 3;
  r.fds_after = 5;
  r.message = "descriptor count 3 before the sequence, 5 after";
  EXPECT_EQ(to_string(finding_key(r)), "leak: descriptors left open");
  EXPECT_EQ(key_text(finding_key(r)), "descriptors left open");
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

// A mutant's campaign finds its bug in many sequences: each key is one group with its count and
// its first finding, the counts add up, and only the first of each key is saved.
TEST(Campaign, GroupsFindingsByKeyAndSavesTheFirstOfEach) {
  const std::string dir = ::testing::TempDir() + "finding_test_" + std::to_string(::getpid());
  CampaignConfig config;
  config.sequences = 120;
  config.ops = 60;
  config.mutant = Mutant::DoubleAddOk;
  config.save_failures = dir;
  std::size_t announced = 0;
  const CampaignSummary s = run_campaign(config, [&](const FindingGroup& g) {
    ++announced;
    EXPECT_EQ(g.count, 1u);
  });
  ASSERT_GT(s.findings, s.groups.size()) << "wanted a finding found more than once";
  EXPECT_EQ(announced, s.groups.size());
  EXPECT_FALSE(s.stopped_at_max_findings);
  EXPECT_EQ(s.sequences, s.sequences_asked);
  std::size_t total = 0;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const FindingGroup& g = s.groups[i];
    total += g.count;
    ASSERT_TRUE(g.first.trace.finding) << "a divergence's trace keeps its finding line";
    EXPECT_EQ(g.first.trace.finding->signature, g.key.signature);
    EXPECT_TRUE(std::filesystem::exists(g.first.saved_path)) << g.first.save_error;
    for (std::size_t j = 0; j < i; ++j) EXPECT_FALSE(s.groups[j].key == g.key);
  }
  EXPECT_EQ(total, s.findings);
  EXPECT_EQ(s.agree + s.findings + s.skipped_sequences + s.unsettled, s.sequences);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, s.groups.size());
  std::filesystem::remove_all(dir);
}

// --max-findings counts distinct findings: a finding found again does not stop the campaign,
// and where it stops, the summary says so and how far it got.
TEST(Campaign, MaxFindingsCountsDistinctFindings) {
  CampaignConfig config;
  config.sequences = 120;
  config.ops = 60;
  config.mutant = Mutant::DoubleAddOk;
  config.max_findings = 1000;
  const CampaignSummary all = run_campaign(config);
  EXPECT_FALSE(all.stopped_at_max_findings);
  EXPECT_EQ(all.sequences, config.sequences);
  ASSERT_GT(all.findings, all.groups.size() + 1) << "wanted findings found more than once";

  // As many as there are distinct findings, and one more: many more findings than that, yet
  // the campaign runs to the end.
  config.max_findings = all.groups.size() + 1;
  const CampaignSummary more = run_campaign(config);
  EXPECT_FALSE(more.stopped_at_max_findings);
  EXPECT_EQ(more.sequences, config.sequences);
  EXPECT_EQ(more.findings, all.findings);

  config.max_findings = 1;
  const CampaignSummary one = run_campaign(config);
  ASSERT_EQ(one.groups.size(), 1u);
  EXPECT_EQ(one.findings, 1u);  // it stopped at the first
  EXPECT_TRUE(one.stopped_at_max_findings);
  EXPECT_LT(one.sequences, one.sequences_asked);
}

}  // namespace
}  // namespace pc
