// A campaign: many generated sequences through the differ, with the figures a summary needs.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/differ.h"
#include "harness/finding.h"
#include "gen/generator.h"
#include "oracle/rules.h"

namespace pc {

struct CampaignConfig {
  std::uint64_t seed = 1;
  std::size_t sequences = 100;
  std::size_t ops = 100;
  Profile profile = Profile::Linux;
  // Directory, or "" to keep nothing: the first finding of each key is written there.
  std::string save_failures;
  // Stop once this many distinct findings (keys, harness/finding.h) were found. A finding
  // found again only counts up its key, so one common finding cannot hide the rarer ones.
  std::size_t max_findings = 20;
  Mutant mutant = Mutant::None;   // run against the kernel decorated with this bug
  // Mechanisms (LearnedParams kMechanisms) the run must not leave out: if calibration would,
  // the run stops before any sequence, with the reason (exit 2).
  std::vector<std::string> require;
  // Mechanisms (kMechanisms) to leave out of the sequences although this kernel has them: a
  // campaign on the others alone. They are reported as left out, "by request".
  std::vector<std::string> leave_out;
  // Worker processes running sequences (harness/campaign_workers.h). The findings and the
  // summary do not depend on it: sequence i is the seed's, whichever worker ran it, and the
  // outcomes are taken in sequence order.
  std::size_t jobs = 1;
  // Set by a signal handler to stop the campaign early: what ran is summed up, and every
  // finding received was saved already.
  const volatile std::sig_atomic_t* stop = nullptr;
};

struct CampaignSummary;
// Called with the summary after each sequence's outcome is added, in sequence order; false
// stops the campaign there (a time budget), as a signal would, but with no signal.
using CampaignProgress = std::function<bool(const CampaignSummary&)>;

struct Finding {
  std::uint64_t sequence_seed = 0;
  std::size_t sequence_index = 0;  // i of sequence_seed(campaign seed, i)
  // The steps the finding needs (finding_length), annotated (annotate_finding).
  Trace trace;
  std::string account;     // the divergence described (describe_divergence), or the message
  std::string saved_path;  // where it was written, if it was
  std::string save_error;  // why it was not, when it should have been
};

// Every finding of one key: how many sequences found it, and the first of them.
struct FindingGroup {
  FindingKey key;
  std::size_t count = 0;
  Finding first;
};

struct CampaignSummary {
  std::size_t sequences_asked = 0;  // CampaignConfig::sequences
  // Set when the campaign stopped at CampaignConfig::max_findings distinct findings, before
  // it ran every sequence asked for.
  bool stopped_at_max_findings = false;
  std::size_t findings = 0;          // sequences that ended in a finding
  std::vector<FindingGroup> groups;  // by key, in the order their first finding came
  std::size_t sequences = 0, agree = 0;
  // Sequences cut short by a step that did not settle (Verdict::Unsettled): no verdict, and no
  // finding; the first few messages.
  std::size_t unsettled = 0;
  std::vector<std::string> unsettled_messages;
  std::uint64_t skipped_ops = 0;  // ops neither side ran: behaviour not modeled yet
  std::uint64_t ops = 0;
  std::chrono::nanoseconds wall{0}, kernel{0};
  RuleCounts counts;
  std::vector<std::string> unmodeled_messages;
  std::vector<std::string> learned;
  std::map<std::string, std::uint64_t> skip_reasons;  // ops skipped, by the oracle's reason
  // What calibration left out of the generated sequences, and why.
  std::vector<LeftOut> left_out;
  // Why nothing ran: a parameter no mechanism does without, or a required mechanism left out.
  std::optional<std::string> not_run;
  // Sequences that stopped at an op needing what the implementation lacks (Verdict::Skip, a
  // parameter that fell outside its bounds only there), by reason: neither agreements nor findings.
  std::size_t skipped_sequences = 0;
  std::map<std::string, std::uint64_t> skipped_sequence_reasons;
  // Sequences with no verdict because the worker running them died or stalled (a harness
  // problem, not a finding): how many, and the first few reasons.
  std::size_t lost = 0;
  std::vector<std::string> lost_messages;
  // Stopped by CampaignConfig::stop before every sequence asked for had run.
  bool interrupted = false;
  // Stopped because the progress callback said so (run_campaign's on_progress).
  bool stopped_by_caller = false;
  std::size_t jobs = 1;  // worker processes used
};

// The seed of sequence i of a campaign (independent of how many sequences run before it).
std::uint64_t sequence_seed(std::uint64_t campaign_seed, std::size_t i);

// What the generator may use, given what calibration left out.
GenOptions generation_options(const LearnedParams::Calibration& calibration);

Trace make_sequence(std::uint64_t seq_seed, std::size_t ops, Profile profile,
                    const GenOptions& options = {});

// on_new_finding: called as each key's first finding comes (after it was saved), so that a
// long campaign can say what it found as it goes.
CampaignSummary run_campaign(const CampaignConfig& config,
                             const std::function<void(const FindingGroup&)>& on_new_finding = {},
                             const CampaignProgress& on_progress = {});

// The left-out mechanism that puts a rule out of reach, if any: its rules are not a gap of the
// generator.
const LeftOut* rule_left_out(const RuleInfo& r, const std::vector<LeftOut>& left_out);

// The trace of a finding (cut to the steps it needs), with its divergence in its header
// (record_finding), ready to save.
Trace annotate_finding(Trace trace, std::uint64_t sequence_seed, const TraceResult& r,
                       Mutant mutant = Mutant::None);

}  // namespace pc
