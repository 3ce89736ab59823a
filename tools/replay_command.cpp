#include <fmt/format.h>

#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "format/trace_format.h"
#include "tools/commands.h"

namespace pc::cli {

int replay_command(const std::string& path, bool verbose, const std::string& mutant_name) {
  auto loaded = load_trace_file(path);
  if (auto* err = std::get_if<ParseError>(&loaded)) {
    fmt::print(stderr, "pollcheck replay: {}\n", err->to_string());
    return kExitUsage;
  }
  const Trace& trace = std::get<Trace>(loaded);
  Mutant mutant = Mutant::None;
  if (!trace_mutant("replay", mutant_name, trace, path, mutant)) return kExitUsage;
  KernelParams source;
  LearnedParams params(source);
  RuleCounts counts;
  StepObserver show;
  if (verbose)
    show = [](std::size_t step, const Op& op, const Expectation&, const Observation& o) {
      fmt::print("{:>4} {:<60} {}\n", step, print_op(op), describe_observation(op, o));
    };
  const TraceResult r = run_trace(trace, params, &counts, show, mutant);
  switch (r.verdict) {
    case Verdict::Agree:
      fmt::print("{}: {} steps agree (profile {})\n", path, r.steps_run, profile_name(trace.profile));
      if (r.skipped) {
        fmt::print("{}: {} ops skipped on both sides, first: {}\n", path, r.skipped, r.message);
        return kExitUnmodeled;
      }
      return kExitAgree;
    case Verdict::Diverge:
      fmt::print("{}: divergence\n{}", path, describe_divergence(*r.divergence));
      return kExitFinding;
    case Verdict::Skip:
      fmt::print("{}: skipped: this implementation lacks what the trace needs: {}\n", path, r.message);
      return kExitSkip;
    case Verdict::Leak:
      fmt::print("{}: {}: {}\n", path, verdict_name(r.verdict), r.message);
      return kExitFinding;
    case Verdict::Unsettled:
      fmt::print("{}: unsettled, no verdict: {}\n", path, r.message);
      return kExitUnsettled;
  }
  return kExitFinding;
}

}  // namespace pc::cli
