// The executable reference model. Pure: no syscalls, no descriptors. It predicts the set of
// observations an op may give, then commits to the one the kernel chose.
#pragma once

#include <memory>
#include <set>

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/trace.h"
#include "oracle/expectation.h"
#include "oracle/mutants.h"
#include "oracle/params.h"
#include "oracle/reap_prediction.h"

namespace pc {

class Model;  // oracle/model.h

class Oracle {
 public:
  // occupied: descriptor numbers already open when the sequence starts (stdin, the test
  // runner's, ...): the initial fd table, so FD-LOWEST can be predicted.
  // params: shared by every sequence of a run, so a value is learned once and every later
  // observation must agree with it.
  Oracle(Profile profile, LearnedParams& params, std::set<int> occupied,
         Mutant mutant = Mutant::None);
  ~Oracle();
  Oracle(Oracle&&) noexcept;
  Oracle& operator=(Oracle&&) noexcept;

  // step is the 1-based index of the op in its trace (it seeds write payloads).
  Expectation expect(const Op& op, std::size_t step);
  // Advance the model by what the kernel did (admitted by the last expect()).
  void commit(const Op& op, std::size_t step, const Observation& observed);

  Profile profile() const { return profile_; }
  LearnedParams& params() { return *params_; }
  // What the last committed UringReap was predicted to return (the C reproducer checks it).
  const std::optional<ReapPrediction>& reap_prediction() const;

 private:
  Profile profile_;
  LearnedParams* params_;
  std::unique_ptr<Model> model_;
  // The model after the last expect()'s linux outcome, while predicted_valid_; kept allocated
  // between ops so that predicting reuses its memory.
  std::unique_ptr<Model> predicted_;
  bool predicted_valid_ = false;
  Observation predicted_obs_;
};

}  // namespace pc
