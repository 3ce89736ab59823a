// report.ktap: the kernel's test-result format, so that a CI for kernels that ingests
// kselftests can ingest a campaign too. One test per rule mechanism (fd, epoll, io_uring, ...),
// one subtest per rule in it, and a last test for the harness itself (sequences with no verdict).
#include <fmt/format.h>

#include "harness/differ.h"
#include "report/campaign_report.h"

namespace pc {
namespace {

// A KTAP description or directive holds no '#' or newline.
std::string plain(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '#' || c == '\n' ? ' ' : c;
  return out;
}

}  // namespace

std::string report_ktap(const CampaignReport& r) {
  const CampaignSummary& s = *r.summary;
  const std::vector<RuleCoverage> rows = rule_coverage(r);
  std::vector<std::string_view> mechanisms;
  for (const RuleCoverage& row : rows)
    if (mechanisms.empty() || mechanisms.back() != row.info->mechanism) mechanisms.push_back(row.info->mechanism);

  std::string k = "KTAP version 1\n";
  k += fmt::format("# pollcheck campaign on kernel release {}: seed {}, {} sequences, {} ops, profile {}\n", plain(r.kernel),
                   r.seed, s.sequences, s.ops, profile_name(r.profile));
  k += fmt::format("1..{}\n", mechanisms.size() + 1);
  std::size_t number = 0;
  for (std::string_view mechanism : mechanisms) {
    std::string sub;
    std::size_t n = 0, failed = 0, run = 0;
    for (const RuleCoverage& row : rows) {
      if (row.info->mechanism != mechanism) continue;
      ++n;
      if (row.findings) {
        ++failed;
        sub += fmt::format("    not ok {} {} # {} sequence{} diverged on it\n", n, row.info->id, row.findings,
                           row.findings == 1 ? "" : "s");
      } else if (row.left_out) {
        sub += fmt::format("    ok {} {} # SKIP {} left out: {}\n", n, row.info->id, row.left_out->mechanism,
                           plain(row.left_out->reason));
      } else if (row.checked == 0) {
        sub += fmt::format("    ok {} {} # SKIP never checked in this campaign\n", n, row.info->id);
      } else {
        ++run;
        sub += fmt::format("    ok {} {}\n", n, row.info->id);
      }
    }
    k += fmt::format("    KTAP version 1\n    # Subtest: {}\n    1..{}\n", mechanism, n);
    k += sub;
    ++number;
    if (failed) k += fmt::format("not ok {} {}\n", number, mechanism);
    else if (run == 0) k += fmt::format("ok {} {} # SKIP no rule of it was checked\n", number, mechanism);
    else k += fmt::format("ok {} {}\n", number, mechanism);
  }
  // Findings without a rule (a descriptor leak), and sequences with no verdict.
  std::size_t unruled = 0;
  for (const FindingGroup& g : s.groups)
    if (g.key.signature.rule.empty()) unruled += g.count;
  ++number;
  if (unruled || s.unsettled || s.lost)
    k += fmt::format("not ok {} harness # {} finding{} without a rule, {} unsettled, {} lost\n", number, unruled,
                     unruled == 1 ? "" : "s", s.unsettled, s.lost);
  else k += fmt::format("ok {} harness\n", number);
  return k;
}

}  // namespace pc
