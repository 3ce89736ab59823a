#include "oracle/history.h"

#include <fmt/format.h>

namespace pc {

bool predates_change(const std::optional<std::pair<int, int>>& release, RuleId rule) {
  if (!release) return false;
  for (const HistoryChange& c : kHistoryChanges)
    if (c.rule == rule) return *release < std::pair<int, int>{c.major, c.minor};
  return false;
}

std::vector<std::string> changes_not_made(const std::optional<std::pair<int, int>>& release) {
  std::vector<std::string> out;
  for (const HistoryChange& c : kHistoryChanges)
    if (predates_change(release, c.rule)) out.push_back(fmt::format("{} ({}.{})", rule_info(c.rule).id, c.major, c.minor));
  return out;
}

}  // namespace pc
