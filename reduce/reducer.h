// The reducer: shrinks a trace that is a finding to a small one that is still the same finding.
//
// What a finding is, and when two are the same, is harness/finding.h's, as for `run`: a
// divergence or a leak, and its FindingKey (a divergence's Signature), recomputed for every
// candidate from what run_trace reports, so a candidate that shrinks into another bug (or into
// agreement, ops the oracle skips, or a step that does not settle) is rejected.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "harness/differ.h"
#include "harness/finding.h"
#include "vocab/trace.h"
#include "oracle/mutants.h"

namespace pc {

struct ReduceOptions {
  Mutant mutant = Mutant::None;  // run the candidates against the kernel with this bug
  // Candidate runs at most; the input's first run and the result's last run come on top.
  std::size_t max_runs = 20000;
  std::chrono::milliseconds time_budget{60000};
};

struct ReduceResult {
  // False when the input is not a finding (or not reproducibly): nothing was reduced, `why`
  // says what happened instead ("not a finding: ...", "it is a finding (...), but ...").
  bool found = false;
  bool unsettled = false;  // the input's own run did not settle (Verdict::Unsettled): no verdict
  std::string why;
  Trace trace;  // the reduced trace, its header comments describing the final finding
  FindingKey key;
  std::size_t ops_before = 0, ops_after = 0;
  std::size_t runs = 0;  // run_trace calls (a candidate seen before is answered from a cache)
  std::chrono::nanoseconds elapsed{0};
  // Set when max_runs or the time budget ran out: the trace is the smallest found so far.
  std::string stopped_early;
};

// What a reduction keeps of a divergence besides its key (op, rule, differing fields): the
// expected and observed values of each differing field, so that it cannot drift to another
// cause with the same names. A descriptor number and a digest of data depend on how many steps
// come before (payloads are made from the step's number), so of those the name alone is kept.
// `reason` is Divergence::reason: "ret: expected -1, observed 8; errno: expected EINVAL, ...".
std::string divergence_cause(std::string_view reason);

// Deterministic: the same trace and options give the same result, unless a budget runs out.
// Steps: cut after the divergence, drop ops the oracle skips, then ddmin over the steps and
// argument simplification (reduce/reduce_simplify.h) in turn until neither changes the trace.
// Pins (Step::pin) are dropped, unless a pin is what fails: they fix outcomes of the original
// steps and would only hold back simplification.
ReduceResult reduce(const Trace& trace, const ReduceOptions& options);

}  // namespace pc
