// What the differential fuzz targets share: the learned parameters, the mutant from the
// environment, and running a decoded trace so that any verdict but Agree (or Unsettled, which is
// none) aborts (libFuzzer then keeps the input).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "kernel/loopback_net.h"
#include "format/trace_format.h"
#include "oracle/mutants.h"

namespace pc::fuzz {

inline LearnedParams& params() {
  static KernelParams source;
  static LearnedParams learned(source);
  return learned;
}

// POLLCHECK_MUTANT=NAME: run against the kernel decorated with that bug of the zoo.
inline Mutant mutant_from_env(const char* target) {
  const char* name = std::getenv("POLLCHECK_MUTANT");
  if (!name || !*name) return Mutant::None;
  const auto m = mutant_from_name(name);
  if (!m) {
    std::fprintf(stderr, "%s: unknown mutant \"%s\" in POLLCHECK_MUTANT\n", target, name);
    std::exit(2);
  }
  std::fprintf(stderr, "%s: running against mutant %s\n", target, name);
  return *m;
}

// TCP and UDP pairs need a network namespace of the target's own, over loopback only. Call it
// first in LLVMFuzzerInitialize, while this is the only thread: the namespace is per thread
// until others inherit it. Without one, TCP and UDP are left out, and said so.
inline void enter_netns(const char* target) {
  if (const std::string& why = enter_loopback_netns(); !why.empty())
    std::fprintf(stderr, "%s: TCP and UDP left out: %s\n", target, why.c_str());
}

// Docker's default seccomp profile refuses io_uring: its ops are then left out, and said so.
inline bool uring_usable(const char* target) {
  const std::string& why = params().uring_unavailable();
  if (!why.empty()) std::fprintf(stderr, "%s: io_uring left out: %s\n", target, why.c_str());
  return why.empty();
}

inline void run_or_abort(const char* target, const Trace& trace, Mutant mutant) {
  const TraceResult r = run_trace(trace, params(), nullptr, {}, mutant);
  // A skip (the implementation lacks what the input needs) is no finding.
  if (r.verdict == Verdict::Agree || r.verdict == Verdict::Skip) return;
  if (r.verdict == Verdict::Unsettled) {  // no verdict, so no finding to keep
    std::fprintf(stderr, "%s: unsettled, no verdict: %s\n", target, r.message.c_str());
    return;
  }
  Trace shown = trace;
  if (r.divergence) shown.steps.resize(r.divergence->step);
  std::fprintf(stderr, "%s: %s\n%s%s\n--- trace ---\n%s", target,
               std::string(verdict_name(r.verdict)).c_str(),
               r.divergence ? describe_divergence(*r.divergence).c_str() : "", r.message.c_str(),
               print_trace(shown).c_str());
  std::abort();
}

}  // namespace pc::fuzz
