#include "format/pin_check.h"
#include "harness/differ.h"

#include <algorithm>

#include <sstream>
#include "harness/signature.h"

#include <fmt/format.h>

#include "kernel/executor.h"
#include "harness/mutant_executor.h"
#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "kernel/held_descriptors.h"
#include "oracle/unmodeled.h"

namespace pc {

namespace {
std::unique_ptr<Executor> make_executor(Mutant mutant, LearnedParams& params,
                                        const std::set<int>& occupied) {
  if (mutant == Mutant::None) return std::make_unique<KernelExecutor>();
  return std::make_unique<MutantExecutor>(mutant, params, occupied);
}
}  // namespace

TraceResult run_trace(const Trace& trace, LearnedParams& params, RuleCounts* counts,
                      const StepObserver& on_step, Mutant mutant) {
  TraceResult result;
  const HeldDescriptors placeholders(trace.held);  // the numbers it was found with
  const std::set<int> fds_before = KernelExecutor::open_fds();
  for (int fd : fds_before)
    if (fd > 2) result.held.push_back(fd);
  {
    Oracle oracle(trace.profile, params, fds_before);
    const std::unique_ptr<Executor> kernel = make_executor(mutant, params, fds_before);
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      const std::size_t step = i + 1;
      const Op& op = trace.steps[i].op;
      Expectation expected;
      try {
        expected = oracle.expect(op, step);
      } catch (const Unmodeled& u) {
        if (u.missing_feature) {
          // What follows may depend on the op (a ring that was never set up), so nothing after
          // it is judged either.
          result.verdict = Verdict::Skip;
          result.message = fmt::format("step {}: {}: {}", step, print_op(op), u.what());
          result.missing = u.what();
          return result;
        }
        // Neither side performs the op, so both stay in step; the summary counts the skip.
        ++result.skipped;
        ++result.skip_reasons[u.what()];
        if (result.message.empty())
          result.message = fmt::format("step {}: {}: {}", step, print_op(op), u.what());
        continue;
      }
      const auto t0 = std::chrono::steady_clock::now();
      Observation observed = kernel->run(op, step);
      result.kernel_time += std::chrono::steady_clock::now() - t0;
      result.steps_run = step;
      if (observed.unsettled) {
        // What the step left behind could not be read back settled: nothing to compare.
        result.verdict = Verdict::Unsettled;
        result.message = fmt::format("step {}: {}: {} still moving after the executor's bounded wait",
                                     step, print_op(op), unsettled_what(observed.unsettled));
        return result;
      }
      const std::optional<Pin>& pin = trace.steps[i].pin;
      std::string why = expected.why_not(observed);
      if (why.empty() && pin) why = check_pin(cqes_in_observed_order(*pin, observed), observed);  // on top of the oracle
      if (!why.empty()) {
        result.verdict = Verdict::Diverge;
        Signature sig = signature_of(op, expected, observed, pin);
        result.divergence = Divergence{step,        op,  std::move(expected), std::move(observed),
                                       std::move(why), pin, std::move(sig)};
        return result;
      }
      if (counts) counts->add(expected);
      if (on_step) on_step(step, op, expected, observed);
      try {
        oracle.commit(op, step, observed);
      } catch (const Unmodeled& u) {
        // Following the implementation's choice reached what it lacks (a parameter out of
        // bounds) or what the model lacks: it cannot follow any further.
        const std::string why = fmt::format("step {}: {}: {}", step, print_op(op), u.what());
        if (u.missing_feature) {
          result.verdict = Verdict::Skip;
          result.message = why;
          result.missing = u.what();
          return result;
        }
        ++result.skipped;
        ++result.skip_reasons[u.what()];
        if (result.message.empty()) result.message = why;
        break;
      }
    }
  }
  const std::set<int> fds_after = KernelExecutor::open_fds();
  if (fds_after != fds_before) {
    result.verdict = Verdict::Leak;
    result.fds_before = fds_before.size();
    result.fds_after = fds_after.size();
    result.message = fmt::format("descriptor count {} before the sequence, {} after",
                                 fds_before.size(), fds_after.size());
  }
  return result;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Agree: return "agree";
    case Verdict::Diverge: return "divergence";
    case Verdict::Leak: return "leak";
    case Verdict::Skip: return "skip";
    case Verdict::Unsettled: return "unsettled";
  }
  return "?";
}

std::string describe_divergence(const Divergence& d) {
  std::string rules;
  for (RuleId r : d.expected.rules) rules += fmt::format("{}{}", rules.empty() ? "" : " ", rule_info(r).id);
  std::string out = fmt::format("step {}: {}\n", d.step, print_op(d.op));
  out += fmt::format("  profile:  {}\n", profile_name(d.expected.profile));
  for (const Observation& a : d.expected.allowed)
    out += fmt::format("  expected: {}\n", describe_observation(d.op, a));
  if (d.pin) out += fmt::format("  pinned:   {}\n", print_pin(*d.pin));
  out += fmt::format("  observed: {}\n", describe_observation(d.op, d.observed));
  out += fmt::format("  rules:    {}\n", rules);
  out += fmt::format("  because:  {}\n", d.reason);
  return out;
}

void record_finding(Trace& trace, const Divergence& d, Mutant mutant) {
  trace.finding = FindingHeader{d.step, d.signature};
  trace.mutant = mutant == Mutant::None ? std::string() : std::string(mutant_info(mutant).name);
  std::istringstream lines(describe_divergence(d));
  for (std::string line; std::getline(lines, line);) trace.comments.push_back(line);
}

}  // namespace pc
