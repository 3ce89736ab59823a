#include "reduce/reducer.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/campaign.h"
#include "reduce/ddmin.h"
#include "kernel/kernel_params.h"
#include "reduce/reduce_simplify.h"
#include "format/trace_format.h"

namespace pc {
namespace {

using Clock = std::chrono::steady_clock;

// The specificity grades of reducer.h. Rules not listed (nor of an object's mechanism) are
// situation rules, grade 4.
constexpr std::string_view kCallRules[] = {
    "FD-LOWEST", "EP-CREATE", "EP-CTL-ORDER", "EP-WAIT-EINVAL", "EP-MASK", "EP-ONCE", "EP-ORDER",
    "SE-NFDS", "SE-EBADF", "SE-SETS", "SE-RESULT", "SE-SETSIZE", "SE-TIMEOUT",
    "PO-LIMIT", "PO-EVENTS-UNTOUCHED", "PO-RESULT", "PO-REVENTS", "PO-NEGFD",
    "UR-ENTER", "UR-ORDER", "UR-TASKRUN"};
constexpr std::string_view kObjectRules[] = {"PO-DEFAULT-MASK", "EP-NEST-READY",
                                             "EP-NEST-NOCONSUME", "EP-ERRHUP", "EP-ET-WAKEUPS"};
constexpr std::string_view kRequestedModes[] = {"EP-ET", "EP-ONESHOT"};
constexpr std::string_view kErrorRules[] = {"EP-CTL-EBADF", "EP-CTL-EINVAL", "EP-CTL-EPERM",
                                            "EP-CTL-LOOP",
                                            "EP-CTL-EEXIST", "EP-CTL-ENOENT", "EP-CTL-EXCL",
                                            "FD-CLOSE-EBADF", "FD-ACCESS-MODE", "PO-NVAL"};

int grade(RuleId r) {
  const RuleInfo& info = rule_info(r);
  const auto in = [&](const auto& list) { return std::ranges::find(list, info.id) != std::end(list); };
  if (in(kCallRules)) return 0;
  if (in(kObjectRules) || info.mechanism == "pipe" || info.mechanism == "unix" ||
      info.mechanism == "eventfd" || info.mechanism == "inet" || info.mechanism == "socket")
    return 1;
  if (info.id == "EP-LT") return 2;
  if (in(kRequestedModes)) return 3;
  if (in(kErrorRules)) return 5;
  return 4;
}

// The names of the fields in which two observations differ, in Observation's field order.
std::vector<std::string_view> differing_fields(const Observation& e, const Observation& o) {
  std::vector<std::string_view> d;
  if (e.ret != o.ret) d.push_back("ret");
  if (e.err != o.err) d.push_back("errno");
  if (e.fds != o.fds) d.push_back("fds");
  if (e.digest != o.digest) d.push_back("digest");
  if (e.writes != o.writes) d.push_back("writes");
  if (e.events != o.events) d.push_back("events");
  if (e.revents != o.revents) d.push_back("revents");
  constexpr std::string_view kSets[] = {"rd", "wr", "ex"};
  for (int k = 0; k < 3; ++k)
    if (e.sets[k] != o.sets[k]) d.push_back(kSets[k]);
  if (e.timeout_left_us != o.timeout_left_us) d.push_back("timeout");
  if (e.clobbered != o.clobbered) d.push_back("clobbered");
  if (e.sq_entries != o.sq_entries || e.cq_entries != o.cq_entries) d.push_back("ring");
  if (e.cqes != o.cqes) d.push_back("cqes");
  if (e.unsettled != o.unsettled) d.push_back("unsettled");
  return d;
}

// The pinned fields the observation breaks, named as differing_fields names them.
std::vector<std::string_view> broken_pin_fields(const Pin& p, const Observation& o) {
  std::vector<std::string_view> d;
  if (p.ret && *p.ret != o.ret) d.push_back("ret");
  if (p.err && *p.err != o.err) d.push_back("errno");
  if (p.fds && *p.fds != o.fds) d.push_back("fds");
  if (p.digest && *p.digest != o.digest) d.push_back("digest");
  if (p.writes && *p.writes != o.writes) d.push_back("writes");
  if (p.events && *p.events != o.events) d.push_back("events");
  if (p.revents && *p.revents != o.revents) d.push_back("revents");
  constexpr std::string_view kSets[] = {"rd", "wr", "ex"};
  for (int k = 0; k < 3; ++k)
    if (p.sets && (*p.sets)[k] != o.sets[k]) d.push_back(kSets[k]);
  return d;
}

// Whether the kernel left out something the oracle predicted: an event, a revents bit, a set
// member, an error. If not, it only added to (or reordered) a correct outcome.
bool left_out(const Observation& e, const Observation& o) {
  std::vector<EpollEventObs> missing = e.events;
  for (const EpollEventObs& ev : o.events)
    if (auto it = std::ranges::find(missing, ev); it != missing.end()) missing.erase(it);
  if (!missing.empty()) return true;
  for (std::size_t i = 0; i < e.revents.size(); ++i)
    if (e.revents[i] & ~(i < o.revents.size() ? o.revents[i] : 0)) return true;
  for (int k = 0; k < 3; ++k)
    for (int fd : e.sets[k])
      if (std::ranges::find(o.sets[k], fd) == o.sets[k].end()) return true;
  std::vector<CqeObs> missing_cqes = e.cqes;
  for (const CqeObs& c : o.cqes)
    if (auto it = std::ranges::find(missing_cqes, c); it != missing_cqes.end()) missing_cqes.erase(it);
  if (!missing_cqes.empty()) return true;
  if (e.err != o.err) return e.err != 0;  // an error left out, or one added to a success
  // Lists that differ with nothing missing: the kernel added or reordered. Otherwise a scalar
  // outcome differs (a count, the data read), which has nothing to add to.
  return e.events == o.events && e.revents == o.revents && e.sets == o.sets && e.cqes == o.cqes;
}

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

  void keep(const Signature& s) { want_ = s; }

  // Whether the candidate diverges with the kept signature, and without skipping ops; if it
  // does, the candidate is cut after its diverging step.
  bool same(std::vector<Step>& steps) {
    if (!stopped_.empty()) return false;
    const std::string key = candidate_key(steps);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      if (!within_budget()) return false;
      ++candidates_;
      const TraceResult r = run(steps);
      const bool same = r.verdict == Verdict::Diverge && r.skipped == 0 && r.divergence &&
                        signature_of(*r.divergence) == want_;
      it = cache_.emplace(key, same ? r.divergence->step : 0).first;
    }
    if (it->second == 0) return false;
    steps.resize(it->second);
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
  Signature want_;
  std::map<std::string, std::size_t> cache_;  // candidate -> its diverging step, 0: not the same
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

Trace annotate(const Trace& original, std::vector<Step> steps, const Divergence& d,
               const ReduceOptions& options, const std::string& stopped) {
  Trace t = original;
  t.steps = std::move(steps);
  t.comments.clear();
  if (options.mutant != Mutant::None) t.comments.push_back(mutant_comment(options.mutant));
  t.comments.push_back(fmt::format("reduced from {} to {} ops: {}", original.steps.size(),
                                   t.steps.size(), to_string(signature_of(d))));
  if (!stopped.empty()) t.comments.push_back(fmt::format("reduction stopped early: {}", stopped));
  std::istringstream lines(describe_divergence(d));
  for (std::string line; std::getline(lines, line);) t.comments.push_back(line);
  return t;
}

}  // namespace

std::string signature_rule(const std::vector<RuleId>& rules, bool kernel_left_out) {
  const RuleId* best = nullptr;
  // Strict comparisons: among equals, the rule applied first.
  if (kernel_left_out)
    for (const RuleId& r : rules)
      if (grade(r) >= 2 && (!best || grade(r) > grade(*best))) best = &r;
  if (!best)
    for (const RuleId& r : rules)
      if (!best || (grade(r) == 0 && grade(*best) != 0)) best = &r;
  return best ? std::string(rule_info(*best).id) : std::string{};
}

Signature signature_of(const Divergence& d) {
  const auto join = [](const std::vector<std::string_view>& fields) {
    std::string out;
    for (std::string_view f : fields) out += fmt::format("{}{}", out.empty() ? "" : "+", f);
    return out;
  };
  if (d.pin && d.expected.admits(d.observed))  // the oracle admits it: what failed is the pin
    return Signature{std::string(op_name(d.op)), signature_rule(d.expected.rules, false),
                     "pin:" + join(broken_pin_fields(*d.pin, d.observed))};
  std::vector<std::string_view> fields;
  const Observation* closest = nullptr;
  for (const Observation& a : d.expected.allowed) {
    std::vector<std::string_view> f = differing_fields(a, d.observed);
    if (!closest || f.size() < fields.size()) {
      fields = std::move(f);
      closest = &a;
    }
  }
  const bool missing = closest && left_out(*closest, d.observed);
  std::string difference = join(fields);
  // Only the doc profile can reject an outcome equal to the one Linux is expected to give.
  if (difference.empty()) difference = std::holds_alternative<UringReap>(d.op) ? "cqe-order" : "doc";
  return Signature{std::string(op_name(d.op)), signature_rule(d.expected.rules, missing), difference};
}

std::string to_string(const Signature& s) {
  return fmt::format("{} {} {}", s.op_kind, s.rule.empty() ? "(no rule)" : s.rule, s.difference);
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
  if (first.verdict != Verdict::Diverge || !first.divergence) {
    if (first.verdict == Verdict::Agree)
      return finish(fmt::format("all {} steps agree with the oracle{}", first.steps_run,
                                first.skipped ? fmt::format(" ({} skipped)", first.skipped) : ""));
    return finish(fmt::format("{}: {}", verdict_name(first.verdict), first.message));
  }
  const std::size_t diverging = first.divergence->step;
  admitted[diverging - 1] = true;
  const Signature want = signature_of(*first.divergence);
  // Pins pass up to the divergence; unless one of them is what fails, they would only hold
  // back simplification (a pinned write count fails as soon as the length shrinks).
  const bool pin_failed = want.difference.starts_with("pin:");
  std::vector<Step> cut;
  for (std::size_t i = 0; i < diverging; ++i)
    if (admitted[i]) {
      cut.push_back(steps[i]);
      if (!pin_failed) cut.back().pin.reset();
    }

  judge.keep(want);
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
    return finish(fmt::format("it diverges ({}) but not again once cut after step {} without "
                              "the ops the oracle skips", to_string(want), diverging));
  }  // else out of budget already: the input itself is the best so far

  const TraceResult last = judge.run(steps);  // for the account of the final divergence
  if (!last.divergence || signature_of(*last.divergence) != want)
    return finish("the reduced trace does not diverge the same way when run again (flaky?)");
  result.diverged = true;
  result.signature = want;
  result.ops_after = steps.size();
  result.stopped_early = judge.stopped();
  result.trace = annotate(trace, std::move(steps), *last.divergence, options, judge.stopped());
  return finish("");
}

}  // namespace pc
