// `pollcheck pin`: replays a trace against the kernel and writes it back with every step's
// outcome pinned (pin_of), so that a hand-checked trace keeps failing loudly if that outcome
// ever changes, even where the oracle would admit the new one.
#include <fmt/format.h>

#include "format/pin_check.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "format/trace_format.h"
#include "tools/commands.h"

namespace pc::cli {

int pin_command(const std::string& in_path, const std::string& out_path, bool with_fds) {
  auto loaded = load_trace_file(in_path);
  if (auto* err = std::get_if<ParseError>(&loaded)) {
    fmt::print(stderr, "pollcheck pin: {}\n", err->to_string());
    return kExitUsage;
  }
  Trace trace = std::get<Trace>(std::move(loaded));
  KernelParams source;
  LearnedParams params(source);
  std::vector<std::optional<Pin>> pins(trace.steps.size());
  const StepObserver record = [&](std::size_t step, const Op& op, const Expectation&,
                                  const Observation& observed) {
    pins[step - 1] = pin_of(op, observed, with_fds);
  };
  const TraceResult r = run_trace(trace, params, nullptr, record);
  switch (r.verdict) {
    case Verdict::Agree:
      break;
    case Verdict::Diverge:
      fmt::print("{}: divergence, nothing written\n{}", in_path, describe_divergence(*r.divergence));
      return kExitFinding;
    case Verdict::Skip:
      fmt::print("{}: skipped, nothing written: this implementation lacks what the trace needs: {}\n",
                 in_path, r.message);
      return kExitSkip;
    case Verdict::Leak:
      fmt::print("{}: {}: {}, nothing written\n", in_path, verdict_name(r.verdict), r.message);
      return kExitFinding;
    case Verdict::Unsettled:
      fmt::print("{}: unsettled, no verdict, nothing written: {}\n", in_path, r.message);
      return kExitUnsettled;
  }
  // A skipped step has no outcome to pin; a trace pinned only in part would look complete.
  if (r.skipped) {
    fmt::print("{}: {} ops skipped on both sides, nothing written; first: {}\n", in_path,
               r.skipped, r.message);
    return kExitUnmodeled;
  }
  for (std::size_t i = 0; i < trace.steps.size(); ++i) trace.steps[i].pin = pins[i];
  std::string error;
  if (!save_trace_file_atomic(out_path, trace, &error)) {
    fmt::print(stderr, "pollcheck pin: {}\n", error);
    return kExitUsage;
  }
  fmt::print("{}: {} steps agree, pinned into {}\n", in_path, r.steps_run, out_path);
  return kExitAgree;
}

}  // namespace pc::cli
