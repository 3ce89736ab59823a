// Linux's documented changes of behaviour that the oracle follows by the release the
// implementation reports: before the release a change landed in, it predicts the behaviour
// from before. The `linux` profile otherwise describes current Linux; this table is how a
// campaign on an older kernel tells a change of behaviour from a bug, and stops the change from
// masking the rest. One row per change, each with the rule it conditions and where it is
// documented; a stable backport that moves a change to an earlier release shows up as a
// difference in the implementation matrix, and a row's release can then be refined.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oracle/rules.h"

namespace pc {

struct HistoryChange {
  RuleId rule;                  // the rule whose prediction depends on it
  int major, minor;             // the first release with the current behaviour
  std::string_view change;      // the change: the commit's subject, or the code that changed
  std::string_view before;      // what releases before it do
};

inline constexpr HistoryChange kHistoryChanges[] = {
    {RuleId::RD_EVENTFD_WRITE_LEN, 6, 9,
     "fs/eventfd.c eventfd_write: 'eventfd: strictly check the count parameter of eventfd_write to avoid "
     "inputting illegal strings'",
     "an eventfd write of more than 8 bytes adds the first 8 and returns 8"},
    {RuleId::EP_WAIT_CHECK_ORDER, 6, 15,
     "fs/eventpoll.c: epoll_wait's parameters checked in ep_check_params after the descriptor is looked up",
     "epoll_wait checks maxevents first: a bad descriptor with maxevents <= 0 gives EINVAL"},
};

// Whether the implementation's release predates the change that `rule` names (false when its
// release is unknown, or the rule has no row).
bool predates_change(const std::optional<std::pair<int, int>>& release, RuleId rule);

// The rules of the changes a release predates: "RD-EVENTFD-WRITE-LEN (6.9)".
std::vector<std::string> changes_not_made(const std::optional<std::pair<int, int>>& release);

}  // namespace pc
