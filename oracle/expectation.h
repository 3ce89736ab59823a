// What the oracle allows one op to return: a set of observations, never a single guess.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vocab/observation.h"
#include "vocab/trace.h"
#include "oracle/rules.h"

namespace pc {

struct Expectation {
  Profile profile = Profile::Linux;
  std::vector<RuleId> rules;            // every rule this prediction applied
  std::vector<Observation> allowed;     // linux: the exact outcomes Linux may give (usually one)
  // doc, compat: why an observation breaks what the profile promises ("" when it is admitted);
  // unset where compat judges the op exactly (its prediction used no accounting rule).
  std::function<std::string(const Observation&)> profile_check;
  // linux: where one outcome cannot be listed (CQEs in any admissible order, io-wq completions
  // that may not have landed), the check that replaces comparing with `allowed`; allowed then
  // holds the most likely outcome, for display.
  std::function<std::string(const Observation&)> linux_check;

  bool admits(const Observation& obs) const { return why_not(obs).empty(); }
  // "" if admitted, else the reason (which field differs, or which doc promise it breaks).
  std::string why_not(const Observation& obs) const;
  // Whether the profile's promise admits an observation (used to check linux within doc).
  bool profile_admits(const Observation& obs) const {
    return !profile_check || profile_check(obs).empty();
  }
};

// "[EPOLLIN data=1, ...]": a list of epoll reports, for messages.
std::string epoll_events_text(const std::vector<EpollEventObs>& evs);

// The fields in which `observed` differs from `expected`, each with both values ("" if none).
std::string diff_observations(const Observation& expected, const Observation& observed);

}  // namespace pc
