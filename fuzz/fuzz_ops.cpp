// fuzz_ops: bytes decode to an op sequence over the whole vocabulary (core/fuzz_decoder.h),
// which runs through the differ at the linux profile against this kernel. A divergence, a
// descriptor leak or a learned parameter out of bounds prints the trace and aborts, so that
// libFuzzer keeps the input; `pollcheck import-fuzz INPUT -o X.trace` turns it into a trace.
// POLLCHECK_MUTANT=NAME runs against the kernel decorated with that bug of the zoo.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/differ.h"
#include "core/fuzz_decoder.h"
#include "core/kernel_params.h"
#include "core/trace_format.h"
#include "oracle/mutants.h"

namespace {

pc::Mutant g_mutant = pc::Mutant::None;

pc::LearnedParams& params() {
  static pc::KernelParams source;
  static pc::LearnedParams learned(source);
  return learned;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* name = std::getenv("POLLCHECK_MUTANT"); name && *name) {
    const auto m = pc::mutant_from_name(name);
    if (!m) {
      std::fprintf(stderr, "fuzz_ops: unknown mutant \"%s\" in POLLCHECK_MUTANT\n", name);
      std::exit(2);
    }
    g_mutant = *m;
    std::fprintf(stderr, "fuzz_ops: running against mutant %s\n", name);
  }
  // Docker's default seccomp profile refuses io_uring: its ops are then skipped, and said so.
  if (const std::string& why = params().uring_unavailable(); !why.empty())
    std::fprintf(stderr, "fuzz_ops: io_uring left out: %s\n", why.c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const pc::Trace trace = pc::decode_fuzz_input({data, size});
  const pc::TraceResult r = pc::run_trace(trace, params(), nullptr, {}, g_mutant);
  if (r.verdict == pc::Verdict::Agree) return 0;
  pc::Trace shown = trace;
  if (r.divergence) shown.steps.resize(r.divergence->step);
  std::fprintf(stderr, "fuzz_ops: %s\n%s%s\n--- trace ---\n%s", std::string(pc::verdict_name(r.verdict)).c_str(),
               r.divergence ? pc::describe_divergence(*r.divergence).c_str() : "", r.message.c_str(),
               pc::print_trace(shown).c_str());
  std::abort();
}
