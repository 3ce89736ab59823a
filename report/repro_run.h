// A reproducer compiled and run here, under a bound: on the kernel as it is, and for a bug-zoo
// mutant's finding also under the mutant's conditions (POLLCHECK_MUTANT, see
// repro/runtime/pc_repro_mutant.h), where it must fail as the campaign did.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pc {

struct ReproExit {
  int exit_code = -1;  // -1: it did not run to an exit (see note)
  std::string note;    // what the exit means
};

struct ReproRuns {
  std::string not_built;  // why it could not be compiled ("" when it was)
  ReproExit here;         // on this kernel
  std::optional<ReproExit> under_mutant;
};

// The libraries a reproducer asks for, by what it includes: "-pthread", "-luring".
std::vector<std::string> repro_link_flags(const std::string& program);

// Compiles DIR/repro.c (the text `program`) with `cc` and runs it: output to DIR/repro.out, and
// under the mutant (when `mutant` is not empty) to DIR/repro-mutant.out. The binary is removed.
ReproRuns compile_and_run_repro(const std::string& dir, const std::string& program, const std::string& cc,
                                std::chrono::seconds timeout, const std::string& mutant);

}  // namespace pc
