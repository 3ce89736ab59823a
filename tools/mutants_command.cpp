// pollcheck mutants: the bug zoo. --list names each mutant and the real bug it models; without
// it, a bounded campaign runs against each one and a table says which were detected, how fast,
// and how small the first finding reduces (the suite's mutation score).
#include <fmt/format.h>

#include "format/trace_format.h"
#include "report/mutation_score.h"
#include "tools/commands.h"
#include "tools/stop_signals.h"

namespace pc::cli {

int mutants_list() {
  for (const MutantInfo& m : mutant_catalog())
    fmt::print("{:<20} {}\n{:<20} models: {}\n", m.name, m.description, "", m.models);
  return kExitAgree;
}

int mutants_command(const MutantsOptions& o) {
  if (o.list) return mutants_list();
  MutantBudget b;
  b.time = o.time_each;
  b.jobs = o.jobs;
  catch_stop_signals();
  b.stop = &g_stop_signal;
  fmt::print("pollcheck mutants: {} mutants, at most {} s each, {} job{}\n", mutant_catalog().size(),
             b.time.count(), b.jobs, b.jobs == 1 ? "" : "s");
  std::fflush(stdout);
  const std::vector<MutantResult> results = score_mutants(b, [](const MutantResult& r) {
    if (r.detected)
      fmt::print("  {:<22} detected in {:6.2f} s, {:>8} ops: {} ({} steps, reduced to {}); reproducer {}\n",
                 r.mutant->name, r.seconds, r.ops, r.finding, r.first_ops, r.reduced_ops, repro_outcome(r));
    else fmt::print("  {:<22} NOT detected: {}\n", r.mutant->name, r.note);
    std::fflush(stdout);
  });
  release_stop_signals();
  const std::string md = mutants_markdown(results, b);
  fmt::print("\n{}", md);
  if (!o.out.empty()) {
    std::string why;
    if (!save_text_file_atomic(o.out + "/mutants.md", md, &why) ||
        !save_text_file_atomic(o.out + "/mutants.json", mutants_json(results, b), &why)) {
      fmt::print(stderr, "pollcheck mutants: {}\n", why);
      return kExitUsage;
    }
    fmt::print("written: {0}/mutants.md, {0}/mutants.json\n", o.out);
  }
  if (g_stop_signal) return 128 + g_stop_signal;
  // A mutant missed, or a reproducer that does not fail under its mutant, is a weakness of the suite.
  for (const MutantResult& r : results)
    if (!reproduced(r)) return kExitFinding;
  return results.size() == mutant_catalog().size() ? kExitAgree : kExitFinding;
}

}  // namespace pc::cli
