#include <sched.h>

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "harness/finding.h"
#include "kernel/kernel_release.h"
#include "tools/commands.h"
#include "tools/stop_signals.h"

namespace pc::cli {

std::size_t usable_cores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
}

namespace {

// Below this much time in the executor's calls, the harness's share of the wall time says more
// about start-up than about the harness: the ratio is not printed.
constexpr double kMinKernelSecondsForRatio = 0.1;

// One line as each key's first finding comes, so that a long campaign says what it found.
void announce(const FindingGroup& g, std::size_t n) {
  fmt::print("  new finding {} ({}) in sequence {}: {}\n", n, verdict_name(g.key.verdict),
             g.first.sequence_index, key_text(g.key));
  std::fflush(stdout);
}

void print_group(const FindingGroup& g, std::size_t n, std::size_t total, std::size_t sequences) {
  const Finding& f = g.first;
  fmt::print("\nFINDING {} of {} ({}): {}\n", n, total, verdict_name(g.key.verdict), key_text(g.key));
  fmt::print("  found in {} of {} sequences; the first, sequence {} (seed {}):\n", g.count, sequences,
             f.sequence_index, f.sequence_seed);
  const std::string& account = f.account;
  for (std::size_t at = 0; at < account.size();) {
    const std::size_t nl = account.find('\n', at);
    fmt::print("  {}\n", account.substr(at, nl - at));
    at = nl == std::string::npos ? account.size() : nl + 1;
  }
  if (!f.saved_path.empty()) fmt::print("  saved:    {}\n", f.saved_path);
  else if (!f.save_error.empty()) fmt::print("  saved:    no: {}\n", f.save_error);
  else fmt::print("  saved:    no (--save-failures DIR writes the first trace of each finding)\n");
}

}  // namespace

int run_command(CampaignConfig config) {
  const std::string release = kernel_release();
  fmt::print("pollcheck run: seed {}, {} sequences x {} ops, profile {}, kernel {}, {} job{}{}\n",
             config.seed, config.sequences, config.ops, profile_name(config.profile), release,
             config.jobs, config.jobs == 1 ? "" : "s",
             config.mutant == Mutant::None ? "" : fmt::format(", mutant {}", mutant_info(config.mutant).name));
  std::fflush(stdout);
  catch_stop_signals();
  config.stop = &g_stop_signal;
  std::size_t announced = 0;
  const CampaignSummary s =
      run_campaign(config, [&](const FindingGroup& g) { announce(g, ++announced); });
  for (const LeftOut& l : s.left_out) fmt::print("left out   {}: {}\n", l.mechanism, l.reason);
  if (s.not_run) {
    for (const std::string& l : s.learned) fmt::print("learned    {}\n", l);
    fmt::print(stderr, "pollcheck run: nothing ran: {}\n", *s.not_run);
    return kExitUsage;
  }

  for (std::size_t i = 0; i < s.groups.size(); ++i)
    print_group(s.groups[i], i + 1, s.groups.size(), s.sequences);

  const double secs = std::chrono::duration<double>(s.wall).count();
  const double kernel_secs = std::chrono::duration<double>(s.kernel).count();
  fmt::print("\nsequences  {} of {} (agree {}, findings {}", s.sequences, s.sequences_asked, s.agree,
             s.findings);
  if (s.findings) fmt::print(": {} distinct", s.groups.size());
  if (s.unsettled) fmt::print(", unsettled {}", s.unsettled);
  if (s.lost) fmt::print(", lost {}", s.lost);
  fmt::print(")\n");
  if (s.interrupted)
    fmt::print("stopped    by {} after {} of {} sequences; every finding above was saved as it came\n",
               strsignal(g_stop_signal), s.sequences, s.sequences_asked);
  for (const std::string& m : s.lost_messages) fmt::print("lost       no verdict: {}\n", m);
  if (s.stopped_at_max_findings)
    fmt::print("stopped    at --max-findings {}: {} distinct finding{} after {} of {} sequences\n",
               config.max_findings, s.groups.size(), s.groups.size() == 1 ? "" : "s", s.sequences,
               s.sequences_asked);
  for (const std::string& m : s.unsettled_messages) fmt::print("unsettled  no verdict: {}\n", m);
  if (s.skipped_sequences) {
    fmt::print("cut short  {} sequences at an op needing what this implementation lacks (not findings):\n",
               s.skipped_sequences);
    for (const auto& [why, n] : s.skipped_sequence_reasons) fmt::print("  {:>8}  {}\n", n, why);
  }
  if (s.skipped_ops) {
    fmt::print("skipped    {} ops on both sides: they reach behaviour the oracle does not model yet\n",
               s.skipped_ops);
    for (const auto& [why, n] : s.skip_reasons) fmt::print("  {:>8}  {}\n", n, why);
    for (const std::string& m : s.unmodeled_messages) fmt::print("           e.g. {}\n", m);
  }
  fmt::print("ops        {} in {:.2f} s: {:.0f} ops/s\n", s.ops, secs, secs > 0 ? s.ops / secs : 0.0);
  if (kernel_secs >= kMinKernelSecondsForRatio)
    fmt::print("kernel     {:.2f} s in the executor's calls ({:.0f} ops/s raw); harness/raw cost {:.1f}x\n",
               kernel_secs, s.ops / kernel_secs, secs / kernel_secs);
  else
    fmt::print("kernel     {:.4f} s in the executor's calls; too little for a harness/raw ratio "
               "(it needs {} s)\n",
               kernel_secs, kMinKernelSecondsForRatio);
  for (const std::string& l : s.learned) fmt::print("learned    {}\n", l);

  fmt::print("\nrules checked:\n");
  std::size_t zero = 0;
  for (const RuleInfo& r : rule_catalog()) {
    const std::uint64_t n = s.counts.checked[static_cast<std::size_t>(r.rule)];
    const LeftOut* out = rule_left_out(r, s.left_out);
    zero += n == 0 && !out;
    fmt::print("  {:<22} {:>10}{}\n", r.id, n,
               n != 0 ? ""
               : out  ? fmt::format("   ({} left out)", out->mechanism)
                      : "   <- never checked");
  }
  if (s.findings == 0) fmt::print("\n0 findings, {} rules never checked\n", zero);
  else
    fmt::print("\n{} finding{}, {} distinct{}, {} rules never checked\n", s.findings,
               s.findings == 1 ? "" : "s", s.groups.size(),
               s.stopped_at_max_findings
                   ? fmt::format(" (stopped at --max-findings {} after {} of {} sequences)",
                                 config.max_findings, s.sequences, s.sequences_asked)
                   : "",
               zero);
  return campaign_exit_code(s);
}

}  // namespace pc::cli
