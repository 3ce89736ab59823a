#include "report/mutation_score.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "format/trace_format.h"
#include "harness/finding.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "reduce/reducer.h"
#include "report/repro_run.h"
#include "repro/c_emitter.h"

namespace pc {
namespace {

void run_reproducer(const Trace& trace, const MutantBudget& b, MutantResult& r);

MutantResult score_one(const MutantInfo& m, const MutantBudget& b) {
  MutantResult r;
  r.mutant = &m;
  CampaignConfig config;
  config.seed = b.seed;
  config.sequences = b.sequences;
  config.ops = b.ops;
  config.jobs = b.jobs;
  config.mutant = m.mutant;
  config.max_findings = 1;
  config.stop = b.stop;
  const auto deadline = std::chrono::steady_clock::now() + b.time;
  const CampaignSummary s = run_campaign(config, {}, [&](const CampaignSummary& now) {
    if (!r.detected && !now.groups.empty()) {
      r.detected = true;
      r.seconds = std::chrono::duration<double>(now.wall).count();
      r.ops = now.ops;
    }
    return std::chrono::steady_clock::now() < deadline;
  });
  if (s.not_run) {
    r.note = "not run: " + *s.not_run;
    return r;
  }
  if (!r.detected) {
    r.seconds = std::chrono::duration<double>(s.wall).count();
    r.ops = s.ops;
    r.note = fmt::format("not detected in {} sequences", s.sequences);
    return r;
  }
  const FindingGroup& g = s.groups.front();
  r.sequence = g.first.sequence_index;
  r.finding = key_text(g.key);
  r.first_ops = g.first.trace.steps.size();
  ReduceOptions ro;
  ro.mutant = m.mutant;
  ro.time_budget = b.reduce_budget;
  const ReduceResult reduced = reduce(g.first.trace, ro);
  r.reduced_still_diverges = reduced.found;
  r.reduced_ops = reduced.found ? reduced.ops_after : 0;
  if (!reduced.found) r.note = reduced.why;
  else if (!reduced.stopped_early.empty()) r.note = "reduction stopped early: " + reduced.stopped_early;
  run_reproducer(reduced.found ? reduced.trace : g.first.trace, b, r);
  return r;
}

// The reproducer, in a folder of its own that is removed after.
void run_reproducer(const Trace& trace, const MutantBudget& b, MutantResult& r) {
  KernelParams source;
  LearnedParams params(source);
  std::string program;
  try {
    program = emit_c_reproducer(trace, params, kernel_release());
  } catch (const std::exception& e) {
    r.repro_note = std::string("no reproducer: ") + e.what();
    return;
  }
  std::string dir = (std::filesystem::temp_directory_path() / "pollcheck-mutant-XXXXXX").string();
  if (!::mkdtemp(dir.data())) {
    r.repro_note = fmt::format("cannot make a folder for the reproducer: {}", std::strerror(errno));
    return;
  }
  std::string why;
  if (!save_text_file_atomic(dir + "/repro.c", program, &why)) {
    r.repro_note = why;
  } else {
    const ReproRuns ran = compile_and_run_repro(dir, program, b.cc, b.repro_timeout, std::string(r.mutant->name));
    if (!ran.not_built.empty()) r.repro_note = ran.not_built;
    r.repro_exit_kernel_alone = ran.here.exit_code;
    if (ran.under_mutant) {
      r.repro_exit_under_mutant = ran.under_mutant->exit_code;
      if (ran.under_mutant->exit_code < 0) r.repro_note = ran.under_mutant->note;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

std::vector<MutantResult> score_mutants(const MutantBudget& budget,
                                        const std::function<void(const MutantResult&)>& on_result) {
  std::vector<MutantResult> out;
  for (const MutantInfo& m : mutant_catalog()) {
    if (budget.stop && *budget.stop) break;
    out.push_back(score_one(m, budget));
    if (on_result) on_result(out.back());
  }
  return out;
}

std::size_t detected_count(const std::vector<MutantResult>& results) {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const MutantResult& r) { return r.detected; }));
}

std::size_t reproduced_count(const std::vector<MutantResult>& results) {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), reproduced));
}

std::string score_line(const std::vector<MutantResult>& results) {
  return fmt::format("{} of {} mutants detected, and {} reproducers fail under their mutant's conditions",
                     detected_count(results), results.size(), reproduced_count(results));
}

std::string repro_outcome(const MutantResult& r) {
  if (!r.detected) return "";
  if (r.repro_exit_under_mutant < 0) return "not run: " + r.repro_note;
  return fmt::format("exits {} under the mutant, {} on the kernel alone", r.repro_exit_under_mutant,
                     r.repro_exit_kernel_alone);
}

ReportTable mutants_table(const std::vector<MutantResult>& results) {
  ReportTable t{{"mutant", "models", "detected", "seconds", "ops", "first finding", "steps (reduced)",
                 "reproducer"},
                {},
                {},
                {3, 4}};
  for (const MutantResult& r : results) {
    t.rows.push_back({std::string(r.mutant->name), std::string(r.mutant->models), r.detected ? "yes" : "no",
                      fmt::format("{:.2f}", r.seconds), std::to_string(r.ops), r.detected ? r.finding : r.note,
                      r.detected ? fmt::format("{} ({}{})", r.first_ops, r.reduced_ops,
                                               r.reduced_still_diverges ? "" : ", did not reduce")
                                 : "",
                      repro_outcome(r)});
    t.bad.push_back(!reproduced(r));
  }
  return t;
}

std::string mutants_markdown(const std::vector<MutantResult>& results, const MutantBudget& b) {
  return fmt::format("Mutation score: {} (seed {}, {} ops per sequence, at most {} s each, {} job{}).\n\n",
                     score_line(results), b.seed, b.ops, b.time.count(), b.jobs, b.jobs == 1 ? "" : "s") +
         table_markdown(mutants_table(results));
}

std::string mutants_json(const std::vector<MutantResult>& results, const MutantBudget& b) {
  nlohmann::json j;
  j["detected"] = detected_count(results);
  j["reproduced"] = reproduced_count(results);
  j["mutants"] = results.size();
  j["budget"] = {{"seconds", b.time.count()}, {"sequences", b.sequences}, {"ops", b.ops}, {"seed", b.seed},
                 {"jobs", b.jobs}};
  j["results"] = nlohmann::json::array();
  for (const MutantResult& r : results)
    j["results"].push_back({{"mutant", r.mutant->name},
                            {"models", r.mutant->models},
                            {"detected", r.detected},
                            {"seconds", r.seconds},
                            {"ops", r.ops},
                            {"sequence", r.sequence},
                            {"finding", r.finding},
                            {"first_ops", r.first_ops},
                            {"reduced_ops", r.reduced_ops},
                            {"reduced_still_diverges", r.reduced_still_diverges},
                            {"repro_exit_under_mutant", r.repro_exit_under_mutant},
                            {"repro_exit_kernel_alone", r.repro_exit_kernel_alone},
                            {"repro_note", r.repro_note},
                            {"note", r.note}});
  return j.dump(2) + "\n";
}

}  // namespace pc
