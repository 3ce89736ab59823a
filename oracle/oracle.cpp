#include "oracle/oracle.h"

#include <algorithm>

#include "oracle/profile_check.h"
#include "oracle/model.h"

namespace pc {

Oracle::Oracle(Profile profile, LearnedParams& params, std::set<int> occupied, Mutant mutant)
    : profile_(profile),
      params_(&params),
      model_(std::make_unique<Model>(params, std::move(occupied), mutant, profile)),
      predicted_(std::make_unique<Model>(*model_)) {}

Oracle::~Oracle() = default;
Oracle::Oracle(Oracle&&) noexcept = default;
Oracle& Oracle::operator=(Oracle&&) noexcept = default;

Expectation Oracle::expect(const Op& op, std::size_t step) {
  // Predict on a copy: the model moves only when the kernel's outcome is known. The copy is
  // assigned into the model kept for it, which reuses its containers' memory.
  *predicted_ = *model_;
  Model* next = predicted_.get();
  predicted_valid_ = false;
  RuleLog log;
  Observation linux_outcome = next->apply(op, step, log, nullptr, model_.get());
  Expectation e;
  e.profile = profile_;
  e.rules = std::move(log.rules);
  e.allowed = {linux_outcome};
  // Threads woken together may run in another order (EP-WAKE-ORDER): each order's returns.
  for (const std::vector<WaiterObs>& other : next->other_wakeups()) {
    Observation alt = linux_outcome;
    alt.woke = other;
    e.allowed.push_back(std::move(alt));
  }
  std::vector<Observation> others;
  for (Observation alt : next->other_outcomes()) {
    alt.woke = linux_outcome.woke;
    others.push_back(alt);
    e.allowed.push_back(std::move(alt));
  }
  if (const auto& reap = next->reap_prediction(); reap && std::holds_alternative<UringReap>(op)) {
    // CQE order is free but for links, drain and each request's own CQEs, for either profile.
    e.linux_check = [p = *reap](const Observation& o) { return check_reap(p, o); };
    if (profile_ == Profile::Doc) e.profile_check = e.linux_check;
  } else if (profile_ != Profile::Linux) {
    // compat's check is exact but where accounting (a buffer's, or one an epoll instance
    // watches) or a Linux release decides.
    // Which threads returned is judged against every allowed outcome (Expectation::why_not);
    // the profile's check judges the op's own result, admitting the other outcomes it may have.
    const bool capacity_checked = std::any_of(e.rules.begin(), e.rules.end(), counts_buffer_space);
    e.profile_check = [base = make_profile_check(profile_, *model_, op, linux_outcome, capacity_checked),
                       woke = linux_outcome.woke, others](const Observation& o) {
      Observation own = o;
      own.woke = woke;
      return std::find(others.begin(), others.end(), own) != others.end() ? std::string{} : base(own);
    };
  }
  predicted_valid_ = true;
  predicted_obs_ = std::move(linux_outcome);
  return e;
}

void Oracle::commit(const Op& op, std::size_t step, const Observation& observed) {
  if (predicted_valid_ && observed == predicted_obs_) {
    std::swap(model_, predicted_);
    predicted_valid_ = false;
    return;
  }
  // The kernel chose another admitted outcome (doc profile): follow its choice.
  predicted_valid_ = false;
  RuleLog log;
  model_->apply(op, step, log, &observed);
}

const std::optional<ReapPrediction>& Oracle::reap_prediction() const {
  return model_->reap_prediction();
}

}  // namespace pc
