// The argument simplifications the reducer tries on a step once ddmin has picked the steps.
// Each candidate changes one thing and is strictly simpler than the op it came from (a shorter
// length, a cleared flag bit, one poll entry or set member fewer, a value nearer 0, an enum's
// earlier value), so accepting candidates greedily always terminates.
#pragma once

#include <cstdint>
#include <vector>

#include "vocab/ops.h"
#include "vocab/trace.h"

namespace pc {

// Candidates in the order worth trying: structure first (entries, set members), then flags,
// then numbers. A descriptor use may also name a lower slot among bound_slots (those earlier
// steps bind), which lets ddmin drop a dup or a creation the op no longer needs. Output slots
// are left alone: see renumber_handles.
std::vector<Op> simpler_ops(const Op& op, std::uint32_t bound_slots);

// The slots an op binds, as a bit mask.
std::uint32_t slots_bound_by(const Op& op);

// The trace with its handle slots renamed to 0, 1, 2, ... in order of first mention, the same
// renaming on every step, so the trace means the same thing with lower handle numbers. Returns
// the trace unchanged when it already is in that form.
Trace renumber_handles(const Trace& trace);

}  // namespace pc
