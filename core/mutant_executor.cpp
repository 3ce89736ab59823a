#include "core/mutant_executor.h"

namespace pc {

MutantExecutor::MutantExecutor(Mutant mutant, LearnedParams& params, const std::set<int>& occupied)
    : linux_(Profile::Linux, params, occupied), buggy_(Profile::Linux, params, occupied, mutant) {}

Observation MutantExecutor::run(const Op& op, std::size_t step) {
  const Observation real = kernel_.run(op, step);
  const Expectation expected = linux_.expect(op, step);
  const Expectation buggy = buggy_.expect(op, step);
  linux_.commit(op, step, real);
  // Once the real kernel departs from the model the mutant has nothing to add: pass it on.
  const Observation& shown = expected.admits(real) ? buggy.allowed.front() : real;
  buggy_.commit(op, step, shown);
  return shown;
}

}  // namespace pc
