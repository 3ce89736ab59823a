// What a finding is, and the key findings group by: one predicate and one key for `run` (which
// counts findings and groups them), `reduce` (which shrinks a finding while its key stays) and
// the findings folders.
#pragma once

#include <cstddef>
#include <string>

#include "harness/differ.h"
#include "vocab/trace.h"

namespace pc {

// Whether a trace's result is a finding: the implementation did something the oracle does not
// admit (a divergence), or the descriptor table differs after the sequence (a leak). Agreement
// is not, however many ops were skipped on both sides, nor a skip (the trace needs what the
// implementation lacks: replay exits 77), nor a step that did not settle (no verdict: exit 4).
bool is_finding(const TraceResult& r);

// The key of a finding: two findings with equal keys are one finding found twice.
//   verdict    what kind of finding (verdict_name: "divergence", "leak")
//   signature  a divergence's Signature (harness/signature.h); for a leak, a finding of the
//              whole sequence, one of the same shape: op_kind and rule empty, and as difference
//              what happened to the descriptors: "descriptors-left-open", "descriptors-closed",
//              "descriptors-replaced".
struct FindingKey {
  Verdict verdict = Verdict::Agree;
  Signature signature;
  friend bool operator==(const FindingKey&, const FindingKey&) = default;
};

// The key of a finding; is_finding(r) must hold.
FindingKey finding_key(const TraceResult& r);

// The key without its verdict: a divergence's signature as it prints ("epoll_wait EP-ET
// ret+events"), "descriptors left open" for a leak.
std::string key_text(const FindingKey& k);
// A divergence's key prints as its signature does, so that reduce's `signature:` line keeps its
// shape; the others with their verdict before: "leak: descriptors left open".
std::string to_string(const FindingKey& k);

// How many steps of a trace of `steps` steps the finding needs: up to the diverging step for a
// divergence, every step for a leak.
std::size_t finding_length(const TraceResult& r, std::size_t steps);

}  // namespace pc
