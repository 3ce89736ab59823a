#include "report/campaign_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/differ.h"
#include "oracle/rules.h"

namespace pc {
namespace {

constexpr std::string_view kSchema = "pollcheck-campaign-report/1";

// Markdown table cells hold no '|' or newline.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

}  // namespace

double ops_per_second(const CampaignSummary& s) {
  const double secs = std::chrono::duration<double>(s.wall).count();
  return secs > 0 ? static_cast<double>(s.ops) / secs : 0.0;
}

std::vector<std::pair<std::string, std::uint64_t>> skip_reasons_by_count(const CampaignSummary& s) {
  std::vector<std::pair<std::string, std::uint64_t>> reasons(s.skip_reasons.begin(), s.skip_reasons.end());
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return reasons;
}

std::vector<RuleCoverage> rule_coverage(const CampaignReport& r) {
  const CampaignSummary& s = *r.summary;
  std::vector<RuleCoverage> rows;
  for (const RuleInfo& info : rule_catalog()) {
    RuleCoverage row{&info};
    row.checked = s.counts.checked[static_cast<std::size_t>(info.rule)];
    for (const FindingGroup& g : s.groups)
      if (g.key.signature.rule == info.id) row.findings += g.count;
    row.left_out = rule_left_out(info, s.left_out);
    rows.push_back(row);
  }
  return rows;
}

std::string report_json(const CampaignReport& r) {
  const CampaignSummary& s = *r.summary;
  nlohmann::json j;
  j["schema"] = kSchema;
  j["command"] = r.command;
  j["kernel"] = r.kernel;
  j["started"] = r.started;
  j["seed"] = r.seed;
  j["ops_per_sequence"] = r.ops_per_sequence;
  j["profile"] = profile_name(r.profile);
  j["jobs"] = s.jobs;
  j["stopped"] = r.stopped;
  j["time_budget_seconds"] = r.time_budget ? nlohmann::json(r.time_budget->count()) : nlohmann::json();
  j["totals"] = {{"sequences", s.sequences},
                 {"sequences_asked", r.time_budget ? nlohmann::json() : nlohmann::json(s.sequences_asked)},
                 {"agree", s.agree},                  {"findings", s.findings},
                 {"distinct_findings", s.groups.size()}, {"unsettled", s.unsettled},
                 {"lost", s.lost},                    {"ops", s.ops},
                 {"skipped_ops", s.skipped_ops},      {"wall_seconds", std::chrono::duration<double>(s.wall).count()},
                 {"ops_per_second", ops_per_second(s)}};
  j["left_out"] = nlohmann::json::array();
  for (const LeftOut& l : s.left_out) j["left_out"].push_back({{"mechanism", l.mechanism}, {"reason", l.reason}});
  j["learned"] = s.learned;
  j["uring_opcodes"] = nlohmann::json::array();
  for (const UringOpcodeSupport& u : r.uring_opcodes)
    j["uring_opcodes"].push_back({{"name", u.name}, {"kernel_name", u.kernel_name}, {"supported", u.supported}});
  j["rules"] = nlohmann::json::array();
  for (const RuleCoverage& row : rule_coverage(r))
    j["rules"].push_back({{"id", row.info->id},
                          {"mechanism", row.info->mechanism},
                          {"profile", row.info->profile},
                          {"source", row.info->source},
                          {"checked", row.checked},
                          {"findings", row.findings},
                          {"left_out", row.left_out ? nlohmann::json(row.left_out->mechanism) : nlohmann::json()}});
  j["findings"] = nlohmann::json::array();
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const FindingGroup& g = s.groups[i];
    nlohmann::json f = {{"verdict", verdict_name(g.key.verdict)},
                        {"op", g.key.signature.op_kind},
                        {"rule", g.key.signature.rule},
                        {"difference", g.key.signature.difference},
                        {"count", g.count},
                        {"first_sequence", g.first.sequence_index},
                        {"sequence_seed", g.first.sequence_seed}};
    if (i < r.folders.size()) {
      const FindingFolder& d = r.folders[i];
      f["folder"] = "findings/" + d.name;
      f["folder_existed"] = d.existed;
      f["first_ops"] = d.first_ops;
      f["reduced_ops"] = d.reduced_ops;
      f["repro_exit"] = d.repro_exit;
      f["repro_note"] = d.repro_note;
      if (d.repro_exit_kernel_alone) f["repro_exit_kernel_alone"] = *d.repro_exit_kernel_alone;
      if (!d.error.empty()) f["folder_error"] = d.error;
    }
    j["findings"].push_back(std::move(f));
  }
  j["mutation_score"] = r.mutants.empty() ? nlohmann::json() : nlohmann::json::parse(mutants_json(r.mutants, r.mutants_budget));
  j["skipped_ops_by_reason"] = nlohmann::json::array();
  for (const auto& [why, n] : s.skip_reasons) j["skipped_ops_by_reason"].push_back({{"reason", why}, {"ops", n}});
  j["cut_short_by_reason"] = nlohmann::json::array();
  for (const auto& [why, n] : s.skipped_sequence_reasons)
    j["cut_short_by_reason"].push_back({{"reason", why}, {"sequences", n}});
  j["unsettled_examples"] = s.unsettled_messages;
  j["lost_examples"] = s.lost_messages;
  j["throughput"] = nlohmann::json::array();
  for (const ThroughputSample& t : r.throughput)
    j["throughput"].push_back({{"seconds", t.seconds}, {"ops", t.ops}, {"sequences", t.sequences}});
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string report_markdown(const CampaignReport& r) {
  const CampaignSummary& s = *r.summary;
  std::string md = "# pollcheck campaign report\n\n";
  md += fmt::format("- kernel release (uname -r): {}\n- started: {}\n- seed {}, {} ops per sequence, profile {}, {} job{}\n",
                    r.kernel, r.started, r.seed, r.ops_per_sequence, profile_name(r.profile), s.jobs,
                    s.jobs == 1 ? "" : "s");
  md += fmt::format("- ran {} sequences ({} ops) in {:.1f} s, {:.0f} ops/s; ended: {}\n",
                    s.sequences, s.ops, std::chrono::duration<double>(s.wall).count(), ops_per_second(s), r.stopped);
  md += fmt::format("- verdicts: {} agree, {} findings ({} distinct), {} unsettled, {} lost\n", s.agree, s.findings,
                    s.groups.size(), s.unsettled, s.lost);
  md += fmt::format("- to run it again: `{}`\n\n", r.command);

  md += "## Findings\n\n";
  if (s.groups.empty()) md += "None.\n\n";
  else {
    md += "| finding | sequences | first | steps (reduced) | reproducer here |\n|---|---:|---:|---|---|\n";
    for (std::size_t i = 0; i < s.groups.size(); ++i) {
      const FindingGroup& g = s.groups[i];
      const FindingFolder* d = i < r.folders.size() ? &r.folders[i] : nullptr;
      const std::string name = d ? fmt::format("[{}](findings/{}/README.md)", cell(key_text(g.key)), d->name)
                                 : cell(key_text(g.key));
      md += fmt::format("| {} | {} | {} | {} | {} |\n", name, g.count, g.first.sequence_index,
                        d ? fmt::format("{} ({})", d->first_ops, d->reduced_ops ? std::to_string(d->reduced_ops) : "-")
                          : "",
                        d ? cell(d->existed ? "folder from an earlier run, kept" : d->repro_note) : "");
    }
    md += "\n";
  }

  md += "## What was left out\n\n";
  if (s.left_out.empty()) md += "Nothing: every mechanism ran.\n\n";
  for (const LeftOut& l : s.left_out) md += fmt::format("- {}: {}\n", l.mechanism, l.reason);
  if (!s.left_out.empty()) md += "\n";
  if (!r.uring_opcodes.empty()) {
    md += "io_uring opcodes the suite uses, as the kernel's probe reports them:\n\n";
    for (const UringOpcodeSupport& u : r.uring_opcodes)
      md += fmt::format("- `{}` ({}): {}\n", u.name, u.kernel_name, u.supported ? "supported" : "not supported");
    md += "\n";
  }

  md += "## Rules\n\nTimes each rule was checked, and the findings that name it, by mechanism.\n\n";
  md += "| mechanism | rule | profile | checked | findings | source |\n|---|---|---|---:|---:|---|\n";
  for (const RuleCoverage& row : rule_coverage(r))
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", row.info->mechanism, row.info->id, row.info->profile,
                      row.left_out ? fmt::format("left out ({})", row.left_out->mechanism) : std::to_string(row.checked),
                      row.findings, cell(row.info->source));
  md += "\n## Ops skipped\n\n";
  if (s.skip_reasons.empty()) md += "None.\n";
  else {
    md += fmt::format("{} ops reached behaviour the oracle does not model; neither side ran them.\n\n| ops | reason |\n|---:|---|\n",
                      s.skipped_ops);
    for (const auto& [why, n] : skip_reasons_by_count(s)) md += fmt::format("| {} | {} |\n", n, cell(why));
  }
  if (!s.skipped_sequence_reasons.empty()) {
    md += "\nSequences cut short at an op needing what this implementation lacks:\n\n";
    for (const auto& [why, n] : s.skipped_sequence_reasons) md += fmt::format("- {}: {}\n", n, why);
  }
  for (const std::string& m : s.unsettled_messages) md += fmt::format("\nUnsettled (no verdict): {}\n", m);
  for (const std::string& m : s.lost_messages) md += fmt::format("\nLost (no verdict): {}\n", m);
  md += "\n## Throughput\n\n| seconds | ops | sequences |\n|---:|---:|---:|\n";
  for (const ThroughputSample& t : r.throughput)
    md += fmt::format("| {:.1f} | {} | {} |\n", t.seconds, t.ops, t.sequences);
  if (!r.mutants.empty()) md += "\n## Mutation score\n\nThe bug zoo, run on this kernel after the campaign.\n\n" + mutants_markdown(r.mutants, r.mutants_budget);
  md += "\n## What the implementation told the oracle\n\n";
  for (const std::string& l : s.learned) md += fmt::format("- {}\n", l);
  return md;
}

}  // namespace pc
