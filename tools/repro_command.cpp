// pollcheck repro IN.trace -o OUT.c: the trace as a standalone C reproducer (repro/c_emitter.h).
#include <cstdio>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include "oracle/unmodeled.h"
#include "repro/c_emitter.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "format/trace_format.h"
#include "vocab/observation.h"
#include "tools/commands.h"

namespace pc::cli {

int repro_command(const std::string& trace_path, const std::string& out_path) {
  auto loaded = load_trace_file(trace_path);
  if (auto* err = std::get_if<ParseError>(&loaded)) {
    fmt::print(stderr, "pollcheck repro: {}\n", err->to_string());
    return kExitUsage;
  }
  const Trace& trace = std::get<Trace>(loaded);
  KernelParams source;
  LearnedParams params(source);
  CEmitStats stats;
  std::string program;
  try {
    program = emit_c_reproducer(trace, params, kernel_release(), &stats);
  } catch (const Unmodeled& u) {
    if (!u.missing_feature) throw;  // the emitter writes those as comments
    fmt::print(stderr, "pollcheck repro: {}: skipped: this implementation lacks what the trace needs: {}\n",
               trace_path, u.what());
    return kExitSkip;
  } catch (const std::exception& e) {
    fmt::print(stderr, "pollcheck repro: {}: cannot emit a reproducer: {}\n", trace_path, e.what());
    return kExitUsage;
  }
  if (std::string why; !save_text_file_atomic(out_path, program, &why)) {
    fmt::print(stderr, "pollcheck repro: {}\n", why);
    return kExitUsage;
  }
  fmt::print("pollcheck repro: wrote {}: {} steps checked", out_path, stats.checked);
  if (stats.skipped) fmt::print(", {} not modeled (left as comments)", stats.skipped);
  fmt::print("\n");
  return kExitAgree;
}

}  // namespace pc::cli
