#include <fmt/format.h>

#include "harness/finding.h"
#include "reduce/reducer.h"
#include "format/trace_format.h"
#include "tools/commands.h"

namespace pc::cli {
namespace {
constexpr int kReduced = 0;
constexpr int kNothingToReduce = 1;  // the input is not a finding (harness/finding.h)
}  // namespace

int reduce_command(const std::string& in, const std::string& out, const std::string& mutant,
                   std::size_t max_runs) {
  auto loaded = load_trace_file(in);
  if (auto* err = std::get_if<ParseError>(&loaded)) {
    fmt::print(stderr, "pollcheck reduce: {}\n", err->to_string());
    return kExitUsage;
  }
  const Trace& trace = std::get<Trace>(loaded);

  ReduceOptions options;
  options.max_runs = max_runs;
  if (!trace_mutant("reduce", mutant, trace, in, options.mutant)) return kExitUsage;

  const ReduceResult r = reduce(trace, options);
  if (r.unsettled) {
    fmt::print("{}: unsettled, no verdict, nothing to reduce: {}\n", in, r.why);
    return kExitUnsettled;
  }
  if (!r.found) {
    fmt::print("{}: nothing to reduce{}: {}\n", in,
               options.mutant == Mutant::None ? "" : fmt::format(" (mutant {})", mutant_info(options.mutant).name),
               r.why);
    return kNothingToReduce;
  }
  std::string error;
  if (!save_trace_file_atomic(out, r.trace, &error)) {
    fmt::print(stderr, "pollcheck reduce: cannot write {}: {}\n", out, error);
    return kExitUsage;
  }
  fmt::print("reduced {} -> {} ops in {:.2f} s ({} runs)\n", r.ops_before, r.ops_after,
             std::chrono::duration<double>(r.elapsed).count(), r.runs);
  fmt::print("signature: {}\n", to_string(r.key));
  if (!r.stopped_early.empty())
    fmt::print("stopped early: {}; {} is the smallest trace found so far\n", r.stopped_early, out);
  return kReduced;
}

}  // namespace pc::cli
