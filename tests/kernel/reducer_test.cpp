// The reducer on real findings: for several mutants, the first finding of a short campaign
// shrinks to a trace that still diverges with the same signature, and reducing is
// deterministic and idempotent.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "harness/campaign.h"
#include "kernel/kernel_params.h"
#include "harness/signature.h"
#include "reduce/reducer.h"
#include "format/trace_format.h"

namespace pc {
namespace {

// The first finding whose trace runs every op: where the oracle skips an op (io-wq may post
// at any moment, say) the divergence can hang on timing the reducer cannot keep. Sequences
// as a campaign with seed 1 makes them, stopping at the first that qualifies.
struct FirstFinding {
  Trace trace;
  TraceResult result;
};

FirstFinding first_finding(Mutant mutant) {
  KernelParams source;
  LearnedParams params(source);
  const GenOptions gen = generation_options(params.calibrate(Profile::Linux));
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::uint64_t seed = sequence_seed(1, i);
    Trace trace = make_sequence(seed, 100, Profile::Linux, gen);
    TraceResult r = run_trace(trace, params, nullptr, {}, mutant);
    if (r.verdict != Verdict::Diverge || r.skipped != 0) continue;
    trace.steps.resize(r.divergence->step);
    return FirstFinding{std::move(trace), std::move(r)};
  }
  throw std::runtime_error("no finding without skipped ops in 1000 sequences");
}

TraceResult replay(const Trace& t, Mutant mutant) {
  KernelParams source;
  LearnedParams params(source);
  return run_trace(t, params, nullptr, {}, mutant);
}

class ReducerOnMutant : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ReducerOnMutant, KeepsTheSignatureAndIsDeterministic) {
  const Mutant mutant = *mutant_from_name(GetParam());
  const FirstFinding f = first_finding(mutant);
  ASSERT_TRUE(f.result.divergence);
  const Signature original = f.result.divergence->signature;

  ReduceOptions options;
  options.mutant = mutant;
  const ReduceResult r = reduce(f.trace, options);
  ASSERT_TRUE(r.found) << r.why;
  EXPECT_TRUE(r.stopped_early.empty()) << r.stopped_early;
  EXPECT_EQ(r.key.signature, original);
  EXPECT_EQ(r.key.verdict, Verdict::Diverge);
  EXPECT_EQ(r.ops_before, f.trace.steps.size());
  EXPECT_EQ(r.ops_after, r.trace.steps.size());
  EXPECT_LE(r.ops_after, r.ops_before);
  EXPECT_GT(r.runs, 0u);

  // The reduced trace, as saved, diverges the same way at its last step.
  const auto reparsed = parse_trace(print_trace(r.trace), "reduced");
  ASSERT_TRUE(std::holds_alternative<Trace>(reparsed));
  const TraceResult again = replay(std::get<Trace>(reparsed), mutant);
  ASSERT_EQ(again.verdict, Verdict::Diverge);
  EXPECT_EQ(again.divergence->step, r.ops_after);
  EXPECT_EQ(again.divergence->signature, original);
  EXPECT_EQ(r.trace.mutant, std::string(GetParam()));

  // Same input, same output; and a reduced trace is a fixpoint.
  const ReduceResult twice = reduce(f.trace, options);
  EXPECT_EQ(twice.trace, r.trace);
  const ReduceResult of_reduced = reduce(r.trace, options);
  ASSERT_TRUE(of_reduced.found);
  EXPECT_EQ(of_reduced.trace.steps, r.trace.steps);
}

INSTANTIATE_TEST_SUITE_P(Mutants, ReducerOnMutant,
                         ::testing::Values("et-no-refire", "oneshot-no-disarm", "close-dup-removes",
                                           "double-add-ok", "no-pollnval", "select-stale-bit",
                                           "no-round-robin", "uring-no-more", "uring-link-no-cancel",
                                           "uring-overflow-drop", "uring-cancel-code",
                                           "uring-oneshot-twice", "nest-no-wake", "lt-no-chain",
                                           "add-no-wake", "exclusive-lost"),
                         [](const auto& info) {
                           std::string name(info.param);
                           std::erase(name, '-');
                           return name;
                         });

TEST(Reducer, ATraceThatAgreesHasNothingToReduce) {
  Trace t;
  t.steps.push_back(Step{{}, MakePipe{OutHandle{0}, OutHandle{1}}, {}});
  t.steps.push_back(Step{{}, Close{Handle{0}}, {}});
  t.steps.push_back(Step{{}, Close{Handle{1}}, {}});
  const ReduceResult r = reduce(t, ReduceOptions{});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.why.find("agree"), std::string::npos) << r.why;
}

TEST(Reducer, AFailingPinIsKeptAndIsTheSignature) {
  Pin wrong;
  wrong.ret = 50;  // the read below returns 64
  Trace t;
  t.steps.push_back(Step{{}, MakePipe{OutHandle{0}, OutHandle{1}}, {}});
  t.steps.push_back(Step{{}, MakeEventFd{false, OutHandle{2}}, {}});
  t.steps.push_back(Step{{}, Write{Handle{1}, 100, 7}, {}});
  t.steps.push_back(Step{{}, Read{Handle{0}, 64}, wrong});
  t.steps.push_back(Step{{}, Close{Handle{0}}, {}});
  const ReduceResult r = reduce(t, ReduceOptions{});
  ASSERT_TRUE(r.found) << r.why;
  EXPECT_EQ(r.key.signature.difference, "pin:ret");
  EXPECT_LT(r.ops_after, 4u);
  ASSERT_FALSE(r.trace.steps.empty());
  EXPECT_EQ(r.trace.steps.back().pin, wrong);
}

TEST(Reducer, ARunBudgetReturnsTheBestSoFarAndSaysSo) {
  const FirstFinding f = first_finding(Mutant::EtNoRefire);
  ReduceOptions options;
  options.mutant = Mutant::EtNoRefire;
  options.max_runs = 5;
  const ReduceResult r = reduce(f.trace, options);
  ASSERT_TRUE(r.found) << r.why;
  EXPECT_FALSE(r.stopped_early.empty());
  EXPECT_LE(r.runs, 5u + 2u);  // the input's first run and the result's last run on top
  EXPECT_EQ(r.key.signature, f.result.divergence->signature);

  options.max_runs = ReduceOptions{}.max_runs;
  options.time_budget = std::chrono::milliseconds{0};
  const ReduceResult timed = reduce(f.trace, options);
  ASSERT_TRUE(timed.found) << timed.why;
  EXPECT_NE(timed.stopped_early.find("time budget"), std::string::npos) << timed.stopped_early;
  EXPECT_EQ(timed.trace.steps.size(), f.trace.steps.size());  // the input is the best so far
}

TEST(Campaign, SavedFindingsNameTheirMutant) {
  const std::string dir = ::testing::TempDir() + "reducer_test_" + std::to_string(::getpid());
  CampaignConfig config;
  config.sequences = 300;
  config.max_findings = 1;
  config.mutant = Mutant::DoubleAddOk;
  config.save_failures = dir;
  const CampaignSummary s = run_campaign(config);
  ASSERT_EQ(s.groups.size(), 1u);
  const auto loaded = load_trace_file(s.groups[0].first.saved_path);
  ASSERT_TRUE(std::holds_alternative<Trace>(loaded));
  EXPECT_EQ(std::get<Trace>(loaded).mutant, "double-add-ok");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pc
