// The comparison of a reap with its prediction: CQEs as a multiset, with the order that links,
// drain and a request's own CQEs impose, and io-wq completions that may or may not be there.
#include <fmt/format.h>

#include "oracle/model.h"

namespace pc {
namespace {

std::string describe(const CqeObs& c) { return cqe_list({c}); }

// Whether a predicted `first` must be reaped before a predicted `second`.
bool ordered(const ModelCqe& first, const ModelCqe& second) {
  return first.req == second.req || (first.chain != 0 && first.chain == second.chain) ||
         first.epoch < second.epoch;
}

// Whether the observed CQEs can be matched to predicted ones, each once, every definite one
// taken, without an observed CQE coming before one its prediction must follow. Equal CQEs of
// different requests (a user_data shared) can be matched either way, so the search tries each
// way, up to a bound on the steps it takes.
class OrderSearch {
 public:
  OrderSearch(const std::vector<const ModelCqe*>& predicted, std::size_t definite,
              const std::vector<CqeObs>& observed)
      : predicted_(predicted), definite_(definite), observed_(observed),
        used_(predicted.size(), false), match_(observed.size()) {}

  bool found() { return assign(0); }

 private:
  static constexpr std::size_t kMaxSteps = 100000;

  bool assign(std::size_t i) {
    if (++steps_ > kMaxSteps) return false;
    if (i == observed_.size()) {
      for (std::size_t k = 0; k < definite_; ++k)
        if (!used_[k]) return false;
      return true;
    }
    for (std::size_t k = 0; k < predicted_.size(); ++k) {
      if (used_[k] || predicted_[k]->cqe != observed_[i]) continue;
      bool fits = true;
      for (std::size_t j = 0; j < i && fits; ++j)
        fits = !(k < match_[j] && ordered(*predicted_[k], *predicted_[match_[j]]));
      if (!fits) continue;
      used_[k] = true;
      match_[i] = k;
      if (assign(i + 1)) return true;
      used_[k] = false;
    }
    return false;
  }

  const std::vector<const ModelCqe*>& predicted_;
  std::size_t definite_;
  const std::vector<CqeObs>& observed_;
  std::vector<bool> used_;
  std::vector<std::size_t> match_;
  std::size_t steps_ = 0;
};


// The greedy match's first mismatch, for the message when no match fits: each observed CQE
// taken as the first unused prediction equal to it.
std::string first_mismatch(const std::vector<const ModelCqe*>& predicted,
                           const std::vector<ModelCqe>& definite, const Observation& o) {
  std::vector<bool> used(predicted.size(), false);
  std::vector<std::size_t> match(o.cqes.size());
  for (std::size_t i = 0; i < o.cqes.size(); ++i) {
    std::size_t k = 0;
    while (k < predicted.size() && (used[k] || predicted[k]->cqe != o.cqes[i])) ++k;
    if (k == predicted.size())
      return fmt::format("cqes: unexpected {} (expected {})", describe(o.cqes[i]),
                         cqe_list([&] {
                           std::vector<CqeObs> v;
                           for (const ModelCqe* m : predicted) v.push_back(m->cqe);
                           return v;
                         }()));
    used[k] = true;
    match[i] = k;
  }
  for (std::size_t k = 0; k < definite.size(); ++k)
    if (!used[k]) return fmt::format("cqes: missing {}", describe(definite[k].cqe));
  for (std::size_t i = 0; i < o.cqes.size(); ++i)
    for (std::size_t j = i + 1; j < o.cqes.size(); ++j) {
      const ModelCqe& a = *predicted[match[i]];
      const ModelCqe& b = *predicted[match[j]];
      if (match[i] > match[j] && ordered(b, a))
        return fmt::format("cqes: {} came before {}, which {} it", describe(a.cqe), describe(b.cqe),
                           b.req == a.req ? "its own request posted before"
                           : b.chain == a.chain ? "its link chain orders before"
                                                : "a drain orders before");
    }
  return "cqes: no order of the equal CQEs fits what links, drain and each request impose";
}

std::string check_wait(const ReapPrediction& p, const Observation& o) {
  const bool timed_out = o.err == ETIME;
  if (o.err != 0 && !timed_out) return fmt::format("wait: unexpected errno {}", errno_name(o.err));
  if (timed_out && !p.wait_may_time_out)
    return fmt::format("wait: timed out, but {} CQEs were ready for a wait of {}", p.definite.size(), p.wait);
  if (!timed_out && p.wait_must_time_out)
    return fmt::format("wait: returned, but only {} CQEs could be ready for a wait of {}",
                       p.definite.size() + p.maybe.size(), p.wait);
  if (!timed_out && o.cqes.size() < p.wait)
    return fmt::format("wait: returned with {} CQEs for a wait of {}", o.cqes.size(), p.wait);
  return {};
}

}  // namespace

std::string check_reap(const ReapPrediction& p, const Observation& o) {
  if (o.ret != static_cast<std::int64_t>(o.cqes.size()))
    return fmt::format("ret: {} but {} CQEs taken", o.ret, o.cqes.size());
  // Predicted CQEs in predicted order: the definite ones, then those io-wq may have posted.
  std::vector<const ModelCqe*> predicted;
  for (const ModelCqe& m : p.definite) predicted.push_back(&m);
  for (const ModelCqe& m : p.maybe) predicted.push_back(&m);
  if (!OrderSearch(predicted, p.definite.size(), o.cqes).found())
    return first_mismatch(predicted, p.definite, o);
  return check_wait(p, o);
}

}  // namespace pc
