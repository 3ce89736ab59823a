// What the oracle predicts for one io_uring reap: the oracle's public answer for a UringReap,
// read by the differ's check and by the C reproducer's CQE check.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oracle/rules.h"
#include "vocab/observation.h"

namespace pc {

// A CQE the model has posted: what the kernel must show, and what orders it.
struct ModelCqe {
  CqeObs cqe;
  std::uint64_t req = 0;    // the request that posted it (a multishot posts several)
  std::uint64_t chain = 0;  // 0: none
  std::uint64_t epoch = 0;  // drain epoch: CQEs of a later epoch come after those of earlier ones
  RuleId rule = RuleId::UR_ORDER;  // the rule that made the request post it
  bool held = false;        // it went through the overflow list
};

// What a reap may return: every definite CQE, any of the maybe ones (io-wq completions that
// may or may not have landed yet), with one of the allowed wait results. Order is free except
// between CQEs of one request, of one link chain, or of different drain epochs.
struct ReapPrediction {
  std::vector<ModelCqe> definite;
  std::vector<ModelCqe> maybe;
  std::uint32_t wait = 0;
  bool wait_may_time_out = false, wait_must_time_out = false;
};
// "" if the observation is one the prediction allows, else why not (oracle/uring_check.cpp).
std::string check_reap(const ReapPrediction& p, const Observation& o);

}  // namespace pc
