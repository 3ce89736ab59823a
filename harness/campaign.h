// A campaign: many generated sequences through the differ, with the figures a summary needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/differ.h"
#include "gen/generator.h"

namespace pc {

struct CampaignConfig {
  std::uint64_t seed = 1;
  std::size_t sequences = 100;
  std::size_t ops = 100;
  Profile profile = Profile::Linux;
  std::string save_failures;  // directory, or "" to keep nothing
  std::size_t max_findings = 20;  // stop after this many findings
  Mutant mutant = Mutant::None;   // run against the kernel decorated with this bug
  // Mechanisms (LearnedParams kMechanisms) the run must not leave out: if calibration would,
  // the run stops before any sequence, with the reason (exit 2).
  std::vector<std::string> require;
};

struct Finding {
  std::uint64_t sequence_seed;
  Trace trace;  // the prefix up to and including the failing step
  TraceResult result;
  std::string saved_path;  // where it was written, if it was
};

struct CampaignSummary {
  std::size_t sequences = 0, agree = 0;
  // Sequences cut short by a step that did not settle (Verdict::Unsettled): no verdict, and no
  // finding; the first few messages.
  std::size_t unsettled = 0;
  std::vector<std::string> unsettled_messages;
  std::uint64_t skipped_ops = 0;  // ops neither side ran: behaviour not modeled yet
  std::uint64_t ops = 0;
  std::chrono::nanoseconds wall{0}, kernel{0};
  RuleCounts counts;
  std::vector<Finding> findings;
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
};

// The seed of sequence i of a campaign (independent of how many sequences run before it).
std::uint64_t sequence_seed(std::uint64_t campaign_seed, std::size_t i);

// What the generator may use, given what calibration left out.
GenOptions generation_options(const LearnedParams::Calibration& calibration);

Trace make_sequence(std::uint64_t seq_seed, std::size_t ops, Profile profile,
                    const GenOptions& options = {});

CampaignSummary run_campaign(const CampaignConfig& config,
                             const std::function<void(const Finding&)>& on_finding = {});

// The trace of a finding, with its divergence in its header (record_finding), ready to save.
Trace annotate_finding(const Finding& f, Mutant mutant = Mutant::None);

}  // namespace pc
