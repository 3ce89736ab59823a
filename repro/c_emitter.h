// A trace as one self-contained C99 program a kernel developer can compile and run without
// pollcheck: it performs each step with the same libc calls as kernel/executor.cpp and checks what
// the kernel returns against the oracle's prediction (and the step's pinned fields, if any).
//
// The expected values come from the oracle alone, run over the trace at emission time with
// descriptors 0, 1 and 2 occupied (the program closes everything else first), committing its own
// predictions. Steps the oracle cannot model are left in the program as comments.
// Where a step pins a field, the pinned value is checked first (so it is the one reported), and
// the oracle's value too unless it is the same: both must hold.
//
// The program prints "step N: <op line>: expected <field>=<v>, observed <field>=<v>" and exits 1
// at the first mismatch; prints "all N steps match" and exits 0 otherwise; exits 77 when the
// kernel lacks a call it needs (ENOSYS). It compiles with cc -std=c99 -Wall -Wextra -Werror.
#pragma once

#include <cstddef>
#include <string>

#include "vocab/trace.h"
#include "oracle/params.h"

namespace pc {

struct CEmitStats {
  std::size_t checked = 0;  // steps the program performs and checks
  std::size_t skipped = 0;  // steps left as comments: the oracle does not model them
};

// params: where the oracle learns implementation-defined values (KernelParams for a real run).
// emitted_on: the release of the kernel the parameters were learned on, for the header comment.
// Throws Unmodeled (missing_feature) when a step needs what this implementation lacks (a
// parameter out of its bounds): no reproducer can be written here.
std::string emit_c_reproducer(const Trace& trace, LearnedParams& params,
                              const std::string& emitted_on, CEmitStats* stats = nullptr);

}  // namespace pc
