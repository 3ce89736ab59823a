// pollcheck matrix: what ci/kernel-matrix's targets left, as one matrix (report/matrix_report.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "format/trace_format.h"
#include "kernel/kernel_release.h"
#include "report/matrix_report.h"
#include "tools/commands.h"

namespace pc::cli {

int matrix_command(const std::string& out, const std::vector<std::string>& targets, const std::string& known) {
  std::vector<std::pair<std::string, std::string>> named;
  for (const std::string& t : targets) {
    const std::size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) {
      fmt::print(stderr, "pollcheck matrix: {}: expected NAME=DIR (a target's name and its folder)\n", t);
      return kExitUsage;
    }
    named.emplace_back(t.substr(0, eq), t.substr(eq + 1));
  }
  const Matrix m = read_matrix(named, known, kernel_release());
  std::string why;
  if (!save_text_file_atomic(out + "/matrix.json", matrix_json(m), &why) ||
      !save_text_file_atomic(out + "/matrix.md", matrix_markdown(m), &why) ||
      !save_text_file_atomic(out + "/matrix.html", matrix_html(m), &why)) {
    fmt::print(stderr, "pollcheck matrix: {}\n", why);
    return kExitUsage;
  }
  for (const MatrixTarget& t : m.targets)
    if (t.left_out.empty())
      fmt::print("{:<10} {:<28} {:>6} sequences {:>4} findings ({})\n", t.name, t.release, t.sequences,
                 t.findings.size(), t.how);
    else fmt::print("{:<10} not run: {}\n", t.name, t.left_out);
  fmt::print("{} differences between targets, {} findings on every target\n", m.differences.size(),
             m.everywhere.size());
  for (const MatrixDifference& d : m.differences)
    fmt::print("  {}: on {}\n", d.finding.key, fmt::format("{}", fmt::join(d.found_on, ", ")));
  for (const MatrixTrace& t : m.regress)
    if (t.differs) fmt::print("  regression trace {}: {}\n", t.name, t.shown ? "shown by its program" : "not shown by its program");
  for (const MatrixChange& c : m.changes)
    fmt::print("  change {}: has it: {}; lacks it: {}{}\n", rule_info(c.change->rule).id,
               c.with.empty() ? "-" : fmt::format("{}", fmt::join(c.with, ", ")),
               c.without.empty() ? "-" : fmt::format("{}", fmt::join(c.without, ", ")),
               c.against.empty() ? "" : fmt::format("; against its row: {}", fmt::join(c.against, ", ")));
  fmt::print("written: {0}/matrix.html, matrix.md, matrix.json\n", out);
  return m.differs() ? kExitFinding : kExitAgree;
}

}  // namespace pc::cli
