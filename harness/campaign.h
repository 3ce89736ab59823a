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
  std::string uring_left_out;  // why the generator left io_uring out ("" when it did not)
  std::string inet_left_out;   // why it left TCP and UDP out ("" when it did not)
};

// The seed of sequence i of a campaign (independent of how many sequences run before it).
std::uint64_t sequence_seed(std::uint64_t campaign_seed, std::size_t i);

Trace make_sequence(std::uint64_t seq_seed, std::size_t ops, Profile profile,
                    const GenOptions& options = {});

CampaignSummary run_campaign(const CampaignConfig& config,
                             const std::function<void(const Finding&)>& on_finding = {});

// The trace of a finding, with its divergence in its header (record_finding), ready to save.
Trace annotate_finding(const Finding& f, Mutant mutant = Mutant::None);

}  // namespace pc
