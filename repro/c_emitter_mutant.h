// A reproducer of a bug-zoo mutant's finding carries, beside its checks of the real kernel, the
// answers a kernel with the mutant's bug gives where they differ from Linux's; run under the
// mutant's conditions (POLLCHECK_MUTANT=<name>), it puts them in place of the kernel's and
// checks again (repro/runtime/pc_repro_mutant.h). That is how the harness's mutant executor
// (harness/mutant_executor.h) decorates the kernel, so the program fails there as the campaign
// did, and shows that its own checks catch the bug.
#pragma once

#include <string>

#include "vocab/observation.h"

namespace pc {

// The statements that put `shown` in place of what a step returned, for each field where it
// differs from `predicted` (which the step's checks have just found it returned).
std::string c_decorate(const Observation& predicted, const Observation& shown);

}  // namespace pc
