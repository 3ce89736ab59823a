#include "harness/mutant_executor.h"

#include "oracle/unmodeled.h"

namespace pc {

MutantExecutor::MutantExecutor(Mutant mutant, LearnedParams& params, const std::set<int>& occupied)
    : linux_(Profile::Linux, params, occupied), buggy_(Profile::Linux, params, occupied, mutant) {}

Observation MutantExecutor::run(const Op& op, std::size_t step) {
  const Observation real = kernel_.run(op, step);
  Expectation expected, buggy;
  try {
    expected = linux_.expect(op, step);
    buggy = buggy_.expect(op, step);
  } catch (const Unmodeled&) {
    // The models lost track (io-wq timing the differ's oracle followed otherwise): the kernel
    // speaks for itself from here.
    return real;
  }
  linux_.commit(op, step, real);
  // Once the real kernel departs from the model the mutant has nothing to add: pass it on.
  // Where the buggy kernel could have answered as the real one did (a choice among several
  // admitted outcomes, say when io-wq completions land), it did.
  const Observation& shown = expected.admits(real) && !buggy.admits(real) ? buggy.allowed.front() : real;
  buggy_.commit(op, step, shown);
  return shown;
}

}  // namespace pc
