// Runs a trace through the oracle and the kernel side by side and stops at the first step the
// oracle does not admit. With the campaign and the mutant executor, the harness is the only
// layer that sees both.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "vocab/trace.h"
#include "oracle/expectation.h"
#include "oracle/mutants.h"
#include "oracle/params.h"

namespace pc {

struct RuleCounts {
  std::array<std::uint64_t, kRuleCount> checked{};
  void add(const Expectation& e) {
    for (RuleId r : e.rules) ++checked[static_cast<std::size_t>(r)];
  }
  void merge(const RuleCounts& o) {
    for (std::size_t i = 0; i < kRuleCount; ++i) checked[i] += o.checked[i];
  }
};

enum class Verdict : std::uint8_t {
  Agree,       // every step admitted, descriptors back where they were
  Diverge,     // the kernel did something the oracle does not admit: a finding
  Leak,        // the descriptor count differs after the sequence
  // The trace needs what this implementation lacks (an io_uring feature, a parameter within its
  // documented bounds, ...): it stopped at the first op that needs it, which neither side ran.
  // Not a finding: replay and pin exit 77.
  Skip,
  // A step did not settle within the executor's bound (waiter threads, loopback traffic): no
  // verdict on it or on the steps after it. Not a finding: no divergence, no signature.
  Unsettled,
};

struct Divergence {
  std::size_t step = 0;  // 1-based
  Op op;
  Expectation expected;
  Observation observed;
  std::string reason;
  std::optional<Pin> pin;  // the step's pin, if the trace pins it
  Signature signature;     // harness/signature.h
};

struct TraceResult {
  Verdict verdict = Verdict::Agree;
  std::optional<Divergence> divergence;
  std::string message;         // for Leak, Skip and Unsettled; else the first skipped op, if any
  std::string missing;         // for Skip: what the implementation lacks
  std::size_t steps_run = 0;
  // Ops neither side ran because they reach behaviour the oracle does not model yet.
  std::size_t skipped = 0;
  std::map<std::string, std::size_t> skip_reasons;  // why, and how many ops
  std::chrono::nanoseconds kernel_time{0};  // time spent in the executor's calls
  // What a leak is keyed by (harness/finding.h): how many descriptors were open before and
  // after the sequence.
  std::size_t fds_before = 0, fds_after = 0;
  std::vector<int> held;  // the descriptors above 2 open before it ran (Trace::held)
};

// Called after each step the oracle admitted, with what it expected and what the kernel did.
using StepObserver =
    std::function<void(std::size_t step, const Op&, const Expectation&, const Observation&)>;

// mutant: run against the kernel decorated with that bug (harness/mutant_executor.h).
TraceResult run_trace(const Trace& trace, LearnedParams& params, RuleCounts* counts = nullptr,
                      const StepObserver& on_step = {}, Mutant mutant = Mutant::None);

std::string_view verdict_name(Verdict v);
// A multi-line account of a divergence: step, op, expectation with rules, observation, reason.
std::string describe_divergence(const Divergence& d);

// Writes a divergence into a trace's header: the `finding` line (step and signature), the
// `mutant` line when it was found against one, and the account above as comments.
void record_finding(Trace& trace, const Divergence& d, Mutant mutant);

}  // namespace pc
