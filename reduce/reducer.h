// The reducer: shrinks a diverging trace to a small one that still shows the same divergence.
//
// "The same divergence" is a Signature, recomputed for every candidate from what run_trace
// reports, so a candidate that shrinks into another bug (or into agreement, a leak, or ops the
// oracle skips) is rejected.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "harness/differ.h"
#include "vocab/trace.h"
#include "oracle/mutants.h"

namespace pc {

// What identifies a divergence while its trace shrinks.
//
//   op_kind     the diverging op's name ("epoll_wait").
//   rule        the rule the divergence breaks, as far as the oracle's account of the step
//               tells (see signature_rule).
//   difference  which Observation fields differ between the expected outcome and the observed
//               one, joined by '+' in Observation's field order: "ret+events", "ret+errno",
//               "rd" (select's read set). When several outcomes are allowed, the one that
//               differs in the fewest fields; "doc" when the only difference is a doc promise;
//               "pin:" and the fields a pin fixes when the oracle admits the outcome but the
//               step's pin does not (see vocab/pin.h).
struct Signature {
  std::string op_kind;
  std::string rule;
  std::string difference;
  friend bool operator==(const Signature&, const Signature&) = default;
};

Signature signature_of(const Divergence& d);
// "epoll_wait EP-ET ret+events"
std::string to_string(const Signature& s);

// The rule of a signature. Grades of the rules an expectation lists, by how narrow the
// situation in which the oracle applies them:
//   0  call rules: every call of the op, or every item it reports (argument checks, check
//      order, result counting, the event mask): EP-WAIT-EINVAL, EP-MASK, SE-SETS, PO-REVENTS;
//   1  object rules: what kind of file an entry is (RD-*, PO-DEFAULT-MASK, EP-NEST-*), and
//      EP-ERRHUP and EP-ET-WAKEUPS, which any erroring or written file brings along;
//   2  the default trigger mode, EP-LT;
//   3  a trigger mode the caller asked for: EP-ET, EP-ONESHOT;
//   4  a situation the trace had to set up: EP-CLOSE, EP-KEY, EP-RDHUP, EP-ROUNDROBIN, ...;
//   5  the rule behind an error the oracle predicted: EP-CTL-EEXIST, FD-CLOSE-EBADF, PO-NVAL.
// When the kernel left out something the oracle predicted (an event, a revents bit, a set
// member, an error), the rule is the highest-graded rule of grade 2 or more, the first applied
// among equals: the mode, situation or error of what went missing. Otherwise, and when no such
// rule applied, it is the op's entry rule, the first call rule the oracle applied
// (EP-WAIT-EINVAL, EP-CTL-ORDER, PO-LIMIT, SE-NFDS; for ops without one, their first rule):
// it then stands for "this op" rather than for a broken rule, because when the kernel only added
// to or reordered a correct outcome (an extra event, a stale select bit, an error instead of
// success), the rules the oracle applied describe what the kernel got right.
//
// Why it stays stable while a trace shrinks: most rules an expectation lists come with context
// (every entry of an epoll_wait brings its object's rules, any file its RD-* rules), and shrinking
// removes context. Object rules are never picked for that reason; the rule picked is the mode,
// state or error of the item the kernel got wrong, which stays as long as the divergence does.
// An unrelated item can still outrank it (an ET entry reported next to the LT entry that went
// missing); then the reduced trace keeps that item, a few ops longer than it could be.
std::string signature_rule(const std::vector<RuleId>& rules, bool kernel_left_out);

struct ReduceOptions {
  Mutant mutant = Mutant::None;  // run the candidates against the kernel with this bug
  // Candidate runs at most; the input's first run and the result's last run come on top.
  std::size_t max_runs = 20000;
  std::chrono::milliseconds time_budget{60000};
};

struct ReduceResult {
  // False when the input does not diverge (or does not diverge reproducibly): nothing was
  // reduced, `why` says what happened instead.
  bool diverged = false;
  std::string why;
  Trace trace;  // the reduced trace, its header comments describing the final divergence
  Signature signature;
  std::size_t ops_before = 0, ops_after = 0;
  std::size_t runs = 0;  // run_trace calls (a candidate seen before is answered from a cache)
  std::chrono::nanoseconds elapsed{0};
  // Set when max_runs or the time budget ran out: the trace is the smallest found so far.
  std::string stopped_early;
};

// Deterministic: the same trace and options give the same result, unless a budget runs out.
// Steps: cut after the divergence, drop ops the oracle skips, then ddmin over the steps and
// argument simplification (reduce/reduce_simplify.h) in turn until neither changes the trace.
// Pins (Step::pin) are dropped, unless a pin is what fails: they fix outcomes of the original
// steps and would only hold back simplification.
ReduceResult reduce(const Trace& trace, const ReduceOptions& options);

}  // namespace pc
