// A campaign over worker processes (harness/campaign_workers.h): outcomes come back in sequence
// order whatever the number of workers; a worker that dies or stalls loses only the sequence it
// ran; the stop flag ends the run with what came back; and a campaign's findings and summary do
// not depend on --jobs.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <vector>

#include <gtest/gtest.h>

#include "harness/campaign.h"
#include "harness/campaign_workers.h"

namespace pc {
namespace {

SequenceOutcome numbered(std::size_t i) {
  SequenceOutcome o;
  o.index = i;
  o.steps_run = i * 3;  // something of the sequence's own, to see it come back
  o.message = "sequence " + std::to_string(i);
  return o;
}

std::vector<SequenceOutcome> run_all(std::size_t n, WorkerOptions options, const RunOne& run_one) {
  std::vector<SequenceOutcome> got;
  run_in_workers(n, options, {}, run_one, [&](SequenceOutcome&& o) {
    got.push_back(std::move(o));
    return true;
  });
  return got;
}

TEST(CampaignWorkers, OutcomesComeInSequenceOrderWhateverTheJobs) {
  for (std::size_t jobs : {1u, 2u, 5u}) {
    WorkerOptions options;
    options.jobs = jobs;
    options.chunk = 3;
    const std::vector<SequenceOutcome> got = run_all(40, options, [](std::size_t i) {
      if (i % 7 == 0) ::usleep(2000);  // workers finish out of order
      return numbered(i);
    });
    ASSERT_EQ(got.size(), 40u) << jobs << " jobs";
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].index, i);
      EXPECT_EQ(got[i].steps_run, i * 3);
      EXPECT_EQ(got[i].message, "sequence " + std::to_string(i));
      EXPECT_TRUE(got[i].lost.empty());
    }
  }
}

TEST(CampaignWorkers, AWorkerThatDiesLosesOnlyTheSequenceItRan) {
  WorkerOptions options;
  options.jobs = 2;
  options.chunk = 4;
  const std::vector<SequenceOutcome> got = run_all(20, options, [](std::size_t i) {
    if (i == 5) ::kill(::getpid(), SIGKILL);  // a crash, whatever a sanitizer does with SIGSEGV
    if (i == 13) ::_exit(3);
    return numbered(i);
  });
  ASSERT_EQ(got.size(), 20u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].index, i);
    if (i == 5) EXPECT_NE(got[i].lost.find("signal 9"), std::string::npos) << got[i].lost;
    else if (i == 13) EXPECT_NE(got[i].lost.find("status 3"), std::string::npos) << got[i].lost;
    else EXPECT_TRUE(got[i].lost.empty()) << i << ": " << got[i].lost;
  }
}

TEST(CampaignWorkers, AWorkerThatStallsIsKilledAndTheRestGoOn) {
  WorkerOptions options;
  options.jobs = 2;
  options.chunk = 4;
  options.stall = std::chrono::seconds(1);
  const std::vector<SequenceOutcome> got = run_all(12, options, [](std::size_t i) {
    if (i == 2) ::pause();  // stuck, as a call past every bound would be
    return numbered(i);
  });
  ASSERT_EQ(got.size(), 12u);
  EXPECT_NE(got[2].lost.find("sent nothing"), std::string::npos) << got[2].lost;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (i != 2) EXPECT_TRUE(got[i].lost.empty()) << i;
}

TEST(CampaignWorkers, TheStopFlagEndsTheRunWithWhatCameBack) {
  static volatile std::sig_atomic_t stop = 0;
  stop = 0;
  WorkerOptions options;
  options.jobs = 2;
  options.chunk = 2;
  options.stop = &stop;
  std::vector<SequenceOutcome> got;
  const WorkersResult r = run_in_workers(
      1000, options, {}, [](std::size_t i) {
        ::usleep(1000);
        return numbered(i);
      },
      [&](SequenceOutcome&& o) {
        if (o.index == 10) stop = 1;  // as a signal handler would, mid-run
        got.push_back(std::move(o));
        return true;
      });
  EXPECT_TRUE(r.stopped_by_signal);
  ASSERT_GE(got.size(), 11u);
  EXPECT_LT(got.size(), 1000u);
  for (std::size_t i = 0; i + 1 < got.size(); ++i) EXPECT_LT(got[i].index, got[i + 1].index);
}

TEST(CampaignWorkers, AnOutcomeSurvivesItsWireFormat) {
  SequenceOutcome o = numbered(7);
  o.verdict = Verdict::Diverge;
  o.skipped = 2;
  o.skip_reasons = {{"not modeled \"here\"\n", 2}};
  o.kernel_ns = 123456789;
  o.counts.checked[3] = 9;
  o.learned = {{SockType::Stream, 100, 768}};
  o.key = FindingKey{Verdict::Diverge, Signature{"epoll_wait", "EP-ET", "ret+events"}};
  o.account = "step 3: ...\n";
  o.trace_text = "profile linux\npipe rd=h0 wr=h1\n";
  const SequenceOutcome back = parse_outcome(encode_outcome(o));
  EXPECT_EQ(encode_outcome(back), encode_outcome(o));
  EXPECT_EQ(back.skip_reasons, o.skip_reasons);
  EXPECT_EQ(back.counts.checked, o.counts.checked);
  EXPECT_EQ(back.learned, o.learned);
  ASSERT_TRUE(back.key);
  EXPECT_EQ(*back.key, *o.key);
  EXPECT_THROW(parse_outcome("{\"index\": 1}"), std::runtime_error);
}

// An unsettled sequence is no finding, but its trace travels too, so that the campaign can
// save it for a look at the harness.
TEST(CampaignWorkers, AnUnsettledOutcomeKeepsItsTrace) {
  SequenceOutcome o = numbered(8);
  o.verdict = Verdict::Unsettled;
  o.message = "step 2: close fd=h0: waiter threads still moving";
  o.trace_text = "profile linux\npipe rd=h0 wr=h1\nclose fd=h0\n";
  const SequenceOutcome back = parse_outcome(encode_outcome(o));
  EXPECT_FALSE(back.key);
  EXPECT_EQ(back.verdict, Verdict::Unsettled);
  EXPECT_EQ(back.trace_text, o.trace_text);
}

// The same campaign with 1 and with 3 jobs: the same findings, counted the same, first found in
// the same sequences.
TEST(Campaign, FindingsDoNotDependOnTheNumberOfJobs) {
  auto campaign = [](std::size_t jobs) {
    CampaignConfig config;
    config.sequences = 60;
    config.ops = 60;
    config.mutant = Mutant::DoubleAddOk;
    config.jobs = jobs;
    return run_campaign(config);
  };
  const CampaignSummary one = campaign(1), three = campaign(3);
  EXPECT_EQ(three.jobs, 3u);
  EXPECT_EQ(one.sequences, three.sequences);
  EXPECT_EQ(one.findings, three.findings);
  EXPECT_EQ(one.agree, three.agree);
  ASSERT_EQ(one.groups.size(), three.groups.size());
  ASSERT_FALSE(one.groups.empty());
  for (std::size_t i = 0; i < one.groups.size(); ++i) {
    EXPECT_EQ(one.groups[i].key, three.groups[i].key);
    EXPECT_EQ(one.groups[i].count, three.groups[i].count);
    EXPECT_EQ(one.groups[i].first.sequence_index, three.groups[i].first.sequence_index);
    EXPECT_EQ(one.groups[i].first.account, three.groups[i].first.account);
  }
}

}  // namespace
}  // namespace pc
