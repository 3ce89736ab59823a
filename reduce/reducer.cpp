#include "reduce/reducer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "harness/campaign.h"
#include "harness/signature.h"
#include "reduce/ddmin.h"
#include "kernel/kernel_params.h"
#include "reduce/reduce_simplify.h"
#include "format/trace_format.h"

namespace pc {
namespace {

using Clock = std::chrono::steady_clock;

std::string candidate_key(const std::vector<Step>& steps) {
  std::string key;
  for (const Step& s : steps) key += print_op(s.op) + '\n';
  return key;
}

// Runs candidates and judges them against the signature being kept, within the budgets. Each
// distinct candidate runs once: repeats (ddmin and simplification revisit traces) hit a cache.
class Judge {
 public:
  Judge(const Trace& header, const ReduceOptions& options)
      : header_(header), options_(options), start_(Clock::now()) {
    header_.steps.clear();
  }

  TraceResult run(const std::vector<Step>& steps, const StepObserver& on_step = {}) {
    ++runs_;
    Trace t = header_;
    t.steps = steps;
    return run_trace(t, params_, nullptr, on_step, options_.mutant);
  }

  // The finding to keep: its key, and its cause (divergence_cause) where it has one.
  void keep(const FindingKey& k, std::string cause) {
    want_ = k;
    want_cause_ = std::move(cause);
  }
  bool is_kept(const TraceResult& r) const {
    return is_finding(r) && finding_key(r) == want_ && (!r.divergence || divergence_cause(r.divergence->reason) == want_cause_);
  }

  // Whether the candidate is the kept finding, without skipping ops; if it is, the candidate is
  // cut to the steps the finding needs (after its diverging step).
  bool same(std::vector<Step>& steps) {
    if (!stopped_.empty()) return false;
    const std::string key = candidate_key(steps);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      if (!within_budget()) return false;
      ++candidates_;
      const TraceResult r = run(steps);
      const bool same = r.skipped == 0 && is_kept(r);
      it = cache_.emplace(key, same ? std::optional(finding_length(r, steps.size())) : std::nullopt).first;
    }
    if (!it->second) return false;
    steps.resize(*it->second);
    return true;
  }

  std::size_t runs() const { return runs_; }
  const std::string& stopped() const { return stopped_; }
  std::chrono::nanoseconds elapsed() const { return Clock::now() - start_; }

 private:
  bool within_budget() {
    if (candidates_ >= options_.max_runs)
      stopped_ = fmt::format("the budget of {} candidate runs ran out", options_.max_runs);
    else if (elapsed() > options_.time_budget)
      stopped_ = fmt::format("the time budget ({:.1f} s) ran out",
                             std::chrono::duration<double>(options_.time_budget).count());
    return stopped_.empty();
  }

  Trace header_;
  const ReduceOptions& options_;
  Clock::time_point start_;
  KernelParams source_;
  LearnedParams params_{source_};
  FindingKey want_;
  std::string want_cause_;
  // candidate -> the steps its finding needs; nullopt: not the same finding
  std::map<std::string, std::optional<std::size_t>> cache_;
  std::size_t runs_ = 0, candidates_ = 0;
  std::string stopped_;
};

// Greedy: for each step, take the first simpler op that keeps the signature, until none does.
void simplify_arguments(std::vector<Step>& steps, Judge& judge) {
  std::uint32_t bound = 0;  // slots bound by the steps before i
  for (std::size_t i = 0; i < steps.size(); ++i) {
    for (bool progress = true; progress && i < steps.size();) {
      progress = false;
      for (Op& op : simpler_ops(steps[i].op, bound)) {
        std::vector<Step> candidate = steps;
        candidate[i].op = std::move(op);
        if (judge.same(candidate)) {
          steps = std::move(candidate);
          progress = true;
          break;
        }
      }
    }
    if (i < steps.size()) bound |= slots_bound_by(steps[i].op);  // a success may cut the trace
  }
}

void lower_handles(std::vector<Step>& steps, Judge& judge) {
  Trace t;
  t.steps = steps;
  std::vector<Step> candidate = renumber_handles(t).steps;
  if (candidate != steps && judge.same(candidate)) steps = std::move(candidate);
}

Trace annotate(const Trace& original, std::vector<Step> steps, const TraceResult& r,
               const ReduceOptions& options, const std::string& stopped) {
  Trace t = original;
  t.steps = std::move(steps);
  t.held = r.held;  // the descriptors of the run it was judged by
  t.comments.clear();
  t.finding.reset();
  t.comments.push_back(fmt::format("reduced from {} to {} ops: {}", original.steps.size(),
                                   t.steps.size(), to_string(finding_key(r))));
  if (!stopped.empty()) t.comments.push_back(fmt::format("reduction stopped early: {}", stopped));
  if (r.divergence) {
    record_finding(t, *r.divergence, options.mutant);
  } else {  // a finding of the whole sequence: no `finding` line, which names a step
    t.mutant = options.mutant == Mutant::None ? std::string() : std::string(mutant_info(options.mutant).name);
    t.comments.push_back(fmt::format("{}: {}", verdict_name(r.verdict), r.message));
  }
  return t;
}

}  // namespace

std::string divergence_cause(std::string_view reason) {
  static const std::regex digest(R"(digest=0x[0-9a-f]+)");
  std::string cause;
  std::size_t start = 0;
  while (start <= reason.size()) {
    std::size_t end = reason.find("; ", start);
    if (end == std::string_view::npos) end = reason.size();
    std::string part(reason.substr(start, end - start));
    const std::string field = part.substr(0, part.find(':'));
    if (field == "fds" || field == "digest") part = field;
    else part = std::regex_replace(part, digest, "digest=*");
    cause += (cause.empty() ? "" : "; ") + part;
    start = end + 2;
  }
  return cause;
}

ReduceResult reduce(const Trace& trace, const ReduceOptions& options) {
  ReduceResult result;
  result.ops_before = trace.steps.size();
  Judge judge(trace, options);
  std::vector<Step> steps = trace.steps;

  // The first run says where it diverges and which steps the oracle skipped: both sides leave
  // those out, so removing them changes nothing but saves ddmin the work.
  std::vector<bool> admitted(steps.size(), false);
  TraceResult first = judge.run(steps, [&](std::size_t step, const Op&, const Expectation&,
                                           const Observation&) { admitted[step - 1] = true; });
  auto finish = [&](std::string why) {
    result.why = std::move(why);
    result.runs = judge.runs();
    result.elapsed = judge.elapsed();
    return result;
  };
  if (!is_finding(first)) {
    result.unsettled = first.verdict == Verdict::Unsettled;
    if (result.unsettled) return finish(first.message);  // reduce says "unsettled, no verdict"
    if (first.verdict == Verdict::Agree)
      return finish(fmt::format("not a finding: all {} steps agree with the oracle{}", first.steps_run,
                                first.skipped ? fmt::format(" ({} skipped)", first.skipped) : ""));
    return finish(fmt::format("not a finding: {}: {}", verdict_name(first.verdict), first.message));
  }
  const std::size_t needed = finding_length(first, steps.size());
  if (first.divergence) admitted[needed - 1] = true;
  const FindingKey want = finding_key(first);
  // Pins pass up to the divergence; unless one of them is what fails, they would only hold
  // back simplification (a pinned write count fails as soon as the length shrinks).
  const bool pin_failed = want.signature.difference.starts_with("pin:");
  std::vector<Step> cut;
  for (std::size_t i = 0; i < needed; ++i)
    if (admitted[i]) {
      cut.push_back(steps[i]);
      if (!pin_failed) cut.back().pin.reset();
    }

  judge.keep(want, first.divergence ? divergence_cause(first.divergence->reason) : std::string());
  if (judge.same(cut)) {
    steps = std::move(cut);
    while (true) {
      const std::vector<Step> before = steps;
      steps = ddmin(std::move(steps), [&](std::vector<Step>& c) { return judge.same(c); });
      simplify_arguments(steps, judge);
      lower_handles(steps, judge);
      if (steps == before) break;
    }
  } else if (judge.stopped().empty()) {
    return finish(fmt::format("it is a finding ({}), but no longer once cut after step {} without "
                              "the ops the oracle skips", to_string(want), needed));
  }  // else out of budget already: the input itself is the best so far

  const TraceResult last = judge.run(steps);  // for the account of the final finding
  if (!judge.is_kept(last))
    return finish("the reduced trace is not the same finding when run again (flaky?)");
  result.found = true;
  result.key = want;
  result.ops_after = steps.size();
  result.stopped_early = judge.stopped();
  result.trace = annotate(trace, std::move(steps), last, options, judge.stopped());
  return finish("");
}

}  // namespace pc
