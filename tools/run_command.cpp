#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "kernel/kernel_release.h"
#include "tools/commands.h"

namespace pc::cli {
namespace {

void print_finding(const Finding& f) {
  fmt::print("\nFINDING ({}) in sequence seed {}:\n", verdict_name(f.result.verdict), f.sequence_seed);
  if (f.result.divergence) fmt::print("{}", describe_divergence(*f.result.divergence));
  else fmt::print("  {}\n", f.result.message);
  if (!f.saved_path.empty()) fmt::print("  saved:    {}\n", f.saved_path);
  std::fflush(stdout);
}

// The rules only waiter threads reach (a campaign with them left out checks none of these).
constexpr RuleId kWaiterRules[] = {RuleId::PO_WAKE,       RuleId::EP_WAKE_ONE,  RuleId::EP_WAKE_LT,
                                   RuleId::EP_WAKE_CTL,   RuleId::EP_WAKE_ORDER, RuleId::EP_EXCLUSIVE,
                                   RuleId::X_EINTR,       RuleId::X_WAIT_HOLD};

// The left-out mechanism that puts a rule out of reach, if any: its rules are not a gap of the
// generator.
const LeftOut* left_out_for(const RuleInfo& r, const std::vector<LeftOut>& left_out) {
  for (const LeftOut& l : left_out) {
    const bool reaches = l.mechanism == "io_uring" ? r.mechanism == "io_uring" || r.rule == RuleId::X_AGREE
                         : l.mechanism == "fifo"   ? r.id.starts_with("RD-FIFO-")
                         : l.mechanism == "waiters"
                             ? std::find(std::begin(kWaiterRules), std::end(kWaiterRules), r.rule) != std::end(kWaiterRules)
                             : r.mechanism == l.mechanism;
    if (reaches) return &l;
  }
  return nullptr;
}

}  // namespace

int run_command(const CampaignConfig& config) {
  const std::string release = kernel_release();
  fmt::print("pollcheck run: seed {}, {} sequences x {} ops, profile {}, kernel {}{}\n", config.seed,
             config.sequences, config.ops, profile_name(config.profile), release,
             config.mutant == Mutant::None ? "" : fmt::format(", mutant {}", mutant_info(config.mutant).name));
  std::fflush(stdout);
  const CampaignSummary s = run_campaign(config, print_finding);
  for (const LeftOut& l : s.left_out) fmt::print("left out   {}: {}\n", l.mechanism, l.reason);
  if (s.not_run) {
    for (const std::string& l : s.learned) fmt::print("learned    {}\n", l);
    fmt::print(stderr, "pollcheck run: nothing ran: {}\n", *s.not_run);
    return kExitUsage;
  }

  const double secs = std::chrono::duration<double>(s.wall).count();
  const double kernel_secs = std::chrono::duration<double>(s.kernel).count();
  fmt::print("\nsequences  {} (agree {}, findings {}{})\n", s.sequences, s.agree, s.findings.size(),
             s.unsettled ? fmt::format(", unsettled {}", s.unsettled) : "");
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
  if (kernel_secs > 0)
    fmt::print("kernel     {:.2f} s in the executor's calls ({:.0f} ops/s raw); harness/raw cost {:.1f}x\n",
               kernel_secs, s.ops / kernel_secs, secs / kernel_secs);
  for (const std::string& l : s.learned) fmt::print("learned    {}\n", l);

  fmt::print("\nrules checked:\n");
  std::size_t zero = 0;
  for (const RuleInfo& r : rule_catalog()) {
    const std::uint64_t n = s.counts.checked[static_cast<std::size_t>(r.rule)];
    const LeftOut* out = left_out_for(r, s.left_out);
    zero += n == 0 && !out;
    fmt::print("  {:<22} {:>10}{}\n", r.id, n,
               n != 0 ? ""
               : out  ? fmt::format("   ({} left out)", out->mechanism)
                      : "   <- never checked");
  }
  fmt::print("\n{} divergences, {} rules never checked\n",
             s.findings.size(), zero);
  return !s.findings.empty() ? kExitFinding : s.unsettled ? kExitUnsettled : kExitAgree;
}

}  // namespace pc::cli
