// How a divergence's signature is chosen: the same for run, reduce and the findings folders.
#pragma once

#include <string>
#include <vector>

#include "oracle/expectation.h"
#include "oracle/rules.h"
#include "vocab/observation.h"
#include "vocab/pin.h"
#include "vocab/trace.h"

namespace pc {

// A divergence's Signature (vocab/trace.h), computed by the differ for every divergence, so
// that a run, the reducer and a findings folder agree on what a divergence is:
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
// expected: what the oracle admitted; pin: the step's pin, if the trace pins it.
Signature signature_of(const Op& op, const Expectation& expected, const Observation& observed,
                       const std::optional<Pin>& pin);
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

}  // namespace pc
