// A campaign's reports: report.json (the data; its schema is in the README), and report.md,
// the same for a person. Both are made from one CampaignReport, and written atomically.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "harness/campaign.h"
#include "oracle/rules.h"
#include "report/finding_folder.h"
#include "report/mutation_score.h"

namespace pc {

struct ThroughputSample {
  double seconds = 0;          // since the campaign started
  std::uint64_t ops = 0;       // ops run by then
  std::size_t sequences = 0;   // sequences run by then
};

struct UringOpcodeSupport {
  std::string name;         // "poll_add"
  std::string kernel_name;  // "IORING_OP_POLL_ADD"
  bool supported = false;
};

struct CampaignReport {
  std::string command;     // the command line that runs this campaign again
  std::string kernel;      // the release
  std::string started;     // UTC, ISO 8601
  std::uint64_t seed = 0;
  std::size_t ops_per_sequence = 0;
  Profile profile = Profile::Linux;
  std::string stopped;     // why it ended: "every sequence ran", "time budget", "stopped by ..."
  std::optional<std::chrono::seconds> time_budget;  // --time, if the campaign had one
  const CampaignSummary* summary = nullptr;
  std::vector<FindingFolder> folders;  // summary->groups' folders, in the same order
  std::vector<ThroughputSample> throughput;
  std::vector<UringOpcodeSupport> uring_opcodes;  // empty when io_uring was left out
  // The bug zoo run after the campaign on the same kernel (empty when it was not run).
  std::vector<MutantResult> mutants;
  MutantBudget mutants_budget;
};

// One row per rule of the catalog, in catalog order (its mechanisms come grouped).
struct RuleCoverage {
  const RuleInfo* info;
  std::uint64_t checked = 0;
  std::size_t findings = 0;  // sequences whose finding's signature names the rule
  const LeftOut* left_out = nullptr;
};
std::vector<RuleCoverage> rule_coverage(const CampaignReport& r);
double ops_per_second(const CampaignSummary& s);
// The skip reasons, the most frequent first.
std::vector<std::pair<std::string, std::uint64_t>> skip_reasons_by_count(const CampaignSummary& s);

std::string report_json(const CampaignReport& r);
std::string report_markdown(const CampaignReport& r);
// Self-contained (no fetches): the same as report.md, with throughput over time as an SVG plot.
std::string report_html(const CampaignReport& r);  // report/report_html.cpp
// KTAP (Documentation/dev-tools/ktap.rst): a test per mechanism, a subtest per rule; a rule is
// "not ok" when a finding names it, SKIP when never checked.
std::string report_ktap(const CampaignReport& r);  // report/report_ktap.cpp

}  // namespace pc
