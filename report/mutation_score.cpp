#include "report/mutation_score.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/finding.h"
#include "reduce/reducer.h"

namespace pc {
namespace {

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
  return r;
}

std::size_t detected_count(const std::vector<MutantResult>& results) {
  std::size_t n = 0;
  for (const MutantResult& r : results) n += r.detected;
  return n;
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

std::string mutants_markdown(const std::vector<MutantResult>& results, const MutantBudget& b) {
  std::string md = fmt::format(
      "Mutation score: {} of {} mutants detected (seed {}, {} ops per sequence, at most {} s each, {} job{}).\n\n",
      detected_count(results), results.size(), b.seed, b.ops, b.time.count(), b.jobs, b.jobs == 1 ? "" : "s");
  md += "| mutant | models | detected | seconds | ops | first finding | steps (reduced) |\n"
        "|---|---|---|---:|---:|---|---|\n";
  for (const MutantResult& r : results)
    md += fmt::format("| {} | {} | {} | {:.2f} | {} | {} | {} |\n", r.mutant->name, r.mutant->models,
                      r.detected ? "yes" : "**no**", r.seconds, r.ops, r.detected ? r.finding : r.note,
                      r.detected ? fmt::format("{} ({}{})", r.first_ops, r.reduced_ops,
                                               r.reduced_still_diverges ? "" : ", did not reduce")
                                 : "");
  return md;
}

std::string mutants_json(const std::vector<MutantResult>& results, const MutantBudget& b) {
  nlohmann::json j;
  j["detected"] = detected_count(results);
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
                            {"note", r.note}});
  return j.dump(2) + "\n";
}

}  // namespace pc
