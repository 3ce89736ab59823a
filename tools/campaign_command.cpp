// pollcheck campaign: the main job. A parallel run against this kernel for a time budget (or a
// number of sequences) with a progress line, then a folder per distinct finding (reduced, with a
// C reproducer run here) and the reports, all under --out. A campaign run again into the same
// --out adds to it: finding folders already there are kept, and the reports it replaces move to
// history/.
#include <time.h>

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "format/trace_format.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "report/campaign_report.h"
#include "report/mutation_score.h"
#include "report/finding_folder.h"
#include "tools/commands.h"
#include "tools/progress_display.h"
#include "tools/stop_signals.h"
#include "vocab/uring_opcodes.h"

namespace pc::cli {
namespace {

struct ReportFile {
  const char* name;
  std::string (*write)(const CampaignReport&);
};
constexpr ReportFile kReportFiles[] = {{"report.json", report_json},
                                       {"report.md", report_markdown},
                                       {"report.html", report_html},
                                       {"report.ktap", report_ktap}};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string command_line(const CampaignOptions& o) {
  std::string c = fmt::format("pollcheck campaign --seed {} --ops {} --profile {}", o.config.seed, o.config.ops,
                              profile_name(o.config.profile));
  if (o.config.mutant != Mutant::None) c += fmt::format(" --mutant {}", mutant_info(o.config.mutant).name);
  for (const std::string& m : o.config.leave_out) c += " --leave-out " + m;
  if (o.time) c += fmt::format(" --time {}s", o.time->count());
  else c += fmt::format(" --sequences {}", o.config.sequences);
  return c + fmt::format(" --jobs {} --out {}", o.config.jobs, o.out);
}

std::vector<UringOpcodeSupport> uring_support(const CampaignSummary& s) {
  std::vector<UringOpcodeSupport> out;
  for (const LeftOut& l : s.left_out)
    if (l.mechanism == "io_uring") return out;
  KernelParams probe;
  for (const UringOpcodeInfo& u : kUringOpcodes)
    out.push_back({std::string(u.name), std::string(u.kernel_name), probe.uring_opcode_supported(u.kernel)});
  return out;
}

// The reports a campaign into this --out wrote before: kept under history/<its start>/.
void keep_earlier_reports(const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(out + "/report.json", ec)) return;
  const fs::path old = fs::path(out) / "history" / fmt::format("before-{}", utc_now());
  fs::create_directories(old, ec);
  for (const ReportFile& f : kReportFiles) fs::rename(fs::path(out) / f.name, old / f.name, ec);
}

bool write_reports(const std::string& out, const CampaignReport& r) {
  for (const ReportFile& f : kReportFiles)
    if (std::string why; !save_text_file_atomic(out + "/" + f.name, f.write(r), &why)) {
      fmt::print(stderr, "pollcheck campaign: {}\n", why);
      return false;
    }
  return true;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  std::uint64_t n = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (n > 10'000'000) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  const std::string_view unit = text.substr(i);
  const std::uint64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (!scale || n == 0) return std::nullopt;
  return std::chrono::seconds(n * scale);
}

// The mutation score of this binary on this kernel, into the report: how the campaign's
// silence reads depends on it. False when the reports cannot be written.
bool score_the_zoo(const CampaignOptions& o, CampaignReport& report) {
  MutantBudget b;
  b.time = o.mutants_time_each;
  b.jobs = o.config.jobs;
  b.ops = o.config.ops;
  catch_stop_signals();
  b.stop = &g_stop_signal;
  fmt::print("mutation score: the bug zoo, {} mutants, at most {} s each ...", mutant_catalog().size(), b.time.count());
  std::fflush(stdout);
  report.mutants = score_mutants(b);
  release_stop_signals();
  report.mutants_budget = b;
  fmt::print(" {}\n", score_line(report.mutants));
  for (const MutantResult& m : report.mutants)
    if (!pc::reproduced(m))
      fmt::print("  {}: {}\n", m.mutant->name, m.detected ? "its reproducer " + repro_outcome(m) : "not detected: " + m.note);
  return write_reports(o.out, report);
}

int campaign_command(CampaignOptions o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) {
    fmt::print(stderr, "pollcheck campaign: cannot make {}: {}\n", o.out, ec.message());
    return kExitUsage;
  }
  CampaignReport report;
  report.command = command_line(o);
  report.kernel = kernel_release();
  report.started = utc_now();
  report.seed = o.config.seed;
  report.ops_per_sequence = o.config.ops;
  report.profile = o.config.profile;
  report.time_budget = o.time;
  fmt::print("pollcheck campaign: kernel release {}, seed {}, {}, {} job{}, into {}\n", report.kernel, o.config.seed,
             o.time ? fmt::format("for {} s", o.time->count()) : fmt::format("{} sequences", o.config.sequences),
             o.config.jobs, o.config.jobs == 1 ? "" : "s", o.out);
  std::fflush(stdout);

  catch_stop_signals();
  o.config.stop = &g_stop_signal;
  ProgressDisplay progress(stdout, o.time, o.config.sequences);
  std::size_t announced = 0;
  const auto deadline = o.time ? std::optional(std::chrono::steady_clock::now() + *o.time) : std::nullopt;
  const CampaignSummary s = run_campaign(
      o.config, [&](const FindingGroup& g) { progress.new_finding(g, ++announced); },
      [&](const CampaignSummary& now) {
        progress.update(now);
        return !deadline || std::chrono::steady_clock::now() < *deadline;
      });
  release_stop_signals();
  if (s.not_run) {
    fmt::print(stderr, "pollcheck campaign: nothing ran: {}\n", *s.not_run);
    return kExitUsage;
  }
  progress.done(s);
  for (const LeftOut& l : s.left_out) fmt::print("left out: {}: {}\n", l.mechanism, l.reason);

  report.summary = &s;
  report.throughput = progress.samples();
  report.uring_opcodes = uring_support(s);
  report.stopped = s.interrupted         ? fmt::format("stopped by {}", strsignal(g_stop_signal))
                   : s.stopped_by_caller ? "time budget"
                   : s.stopped_at_max_findings
                       ? fmt::format("{} distinct findings (--max-findings)", o.config.max_findings)
                       : "every sequence ran";
  // The reports first, with the findings as found, then again as each folder is made: a second
  // Ctrl-C while folders are made loses none of the campaign.
  keep_earlier_reports(o.out);
  if (!write_reports(o.out, report)) return kExitUsage;

  KernelParams source;
  LearnedParams params(source);
  FindingFolderOptions fo;
  fo.reduce_budget = o.reduce_budget;
  fo.kernel = report.kernel;
  for (const FindingGroup& g : s.groups) {
    fmt::print("finding {}: reducing and writing its folder ...", key_text(g.key));
    std::fflush(stdout);
    report.folders.push_back(write_finding_folder(o.out + "/findings", g, params, fo));
    const FindingFolder& f = report.folders.back();
    if (!f.error.empty()) fmt::print(" not written: {}\n", f.error);
    else if (f.existed) fmt::print(" {} was there already, kept\n", f.path);
    else
      fmt::print(" {}: {} steps, reduced to {}; the reproducer {}\n", f.path, f.first_ops, f.reduced_ops,
                 f.repro_note);
    if (!write_reports(o.out, report)) return kExitUsage;
  }
  if (o.mutants_time_each.count() > 0 && o.config.mutant == Mutant::None && !s.interrupted) {
    if (!score_the_zoo(o, report)) return kExitUsage;
  }
  fmt::print("reports: {0}/report.html, report.md, report.json, report.ktap\n", o.out);
  fmt::print("{} sequences, {} ops, {} findings ({} distinct), {} unsettled, {} lost\n", s.sequences, s.ops,
             s.findings, s.groups.size(), s.unsettled, s.lost);
  return campaign_exit_code(s);
}

}  // namespace pc::cli
