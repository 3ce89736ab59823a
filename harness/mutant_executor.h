// A kernel with a known bug, for proving the suite catches it: runs every op on the real
// kernel and, while the kernel behaves as the model says Linux does, reports what a kernel
// with the mutant's bug would have reported instead (a model carrying that bug predicts it).
#pragma once

#include <set>

#include "kernel/executor.h"
#include "oracle/mutants.h"
#include "oracle/oracle.h"

namespace pc {

class MutantExecutor final : public Executor {
 public:
  MutantExecutor(Mutant mutant, LearnedParams& params, const std::set<int>& occupied);
  Observation run(const Op& op, std::size_t step) override;

 private:
  KernelExecutor kernel_;
  Oracle linux_;   // tracks what the real kernel does
  Oracle buggy_;   // what the kernel with the bug would do
};

}  // namespace pc
