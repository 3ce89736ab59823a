#include "oracle/history.h"

#include <charconv>

#include <fmt/format.h>

namespace pc {

namespace {

// Reads "M.m" or "M.m.s" at the start of `text`, and advances it past what it read.
std::optional<KernelRelease> leading_release(std::string_view& text) {
  KernelRelease r;
  int* parts[3] = {&r.major, &r.minor, &r.sublevel};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (text.empty() || text.front() != '.') return i >= 2 ? std::optional{r} : std::nullopt;
      text.remove_prefix(1);
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *parts[i]);
    if (ec != std::errc{} || *parts[i] < 0) return i >= 2 ? std::optional{r} : std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  }
  return r.major > 0 ? std::optional{r} : std::nullopt;
}

}  // namespace

std::optional<KernelRelease> parse_kernel_release(std::string_view text) {
  std::optional<KernelRelease> r = leading_release(text);
  if (!r) return r;
  // Debian's ABI name keeps the series' first numbers; its package version has the update.
  constexpr std::string_view kDebian = "(Debian ";
  if (const std::size_t at = text.find(kDebian); at != std::string_view::npos) {
    std::string_view rest = text.substr(at + kDebian.size());
    const std::optional<KernelRelease> package = leading_release(rest);
    if (package && package->major == r->major && package->minor == r->minor) r = package;
  }
  return r;
}

bool has_change(const KernelRelease& release, const HistoryChange& change) {
  if (change.mainline.known() && release >= change.mainline) return true;
  for (const KernelRelease& s : change.stable)
    if (s.known() && release.major == s.major && release.minor == s.minor && release.sublevel >= s.sublevel)
      return true;
  return false;
}

const HistoryChange* history_of(RuleId rule) {
  for (const HistoryChange& c : kHistoryChanges)
    if (c.rule == rule) return &c;
  return nullptr;
}

bool predicted_to_have(const std::optional<KernelRelease>& release, const HistoryChange& change) {
  return release ? has_change(*release, change) : change.profile_has_it;
}

bool differs_from_profile(const std::optional<KernelRelease>& release, RuleId rule) {
  const HistoryChange* c = history_of(rule);
  return c && predicted_to_have(release, *c) != c->profile_has_it;
}

std::string landed_in(const HistoryChange& change) {
  std::vector<std::string> where;
  if (change.mainline.known()) where.push_back(fmt::format("{}.{}", change.mainline.major, change.mainline.minor));
  for (const KernelRelease& s : change.stable)
    if (s.known()) where.push_back(fmt::format("{}.{}.{} (stable)", s.major, s.minor, s.sublevel));
  return fmt::format("{}", fmt::join(where, "; "));
}

std::vector<std::string> changes_differing(const std::optional<KernelRelease>& release) {
  std::vector<std::string> out;
  for (const HistoryChange& c : kHistoryChanges)
    if (differs_from_profile(release, c.rule))
      out.push_back(fmt::format("{} ({}: {})", rule_info(c.rule).id, c.profile_has_it ? "lacks it" : "has it",
                                landed_in(c)));
  return out;
}

}  // namespace pc
