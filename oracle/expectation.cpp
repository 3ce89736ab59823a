#include "oracle/expectation.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pc {
namespace {

std::string render_revents(const std::vector<std::uint16_t>& rs) {
  std::string s = "[";
  for (std::size_t i = 0; i < rs.size(); ++i) s += (i ? ", " : "") + poll_mask_name(rs[i]);
  return s + "]";
}

}  // namespace

std::string epoll_events_text(const std::vector<EpollEventObs>& evs) {
  std::string s = "[";
  for (std::size_t i = 0; i < evs.size(); ++i)
    s += fmt::format("{}{} data={}", i ? ", " : "", epoll_mask_name(evs[i].events), evs[i].data);
  return s + "]";
}

// The fields in which `observed` differs from `expected`, each with both values.
std::string diff_observations(const Observation& expected, const Observation& observed) {
  std::string d;
  auto add = [&](std::string_view name, const std::string& e, const std::string& o) {
    d += fmt::format("{}{}: expected {}, observed {}", d.empty() ? "" : "; ", name, e, o);
  };
  if (expected.ret != observed.ret) add("ret", fmt::format("{}", expected.ret), fmt::format("{}", observed.ret));
  if (expected.err != observed.err) add("errno", errno_name(expected.err), errno_name(observed.err));
  if (expected.fds != observed.fds) add("fds", fmt::format("{}", expected.fds), fmt::format("{}", observed.fds));
  if (expected.digest != observed.digest)
    add("data digest", fmt::format("{:#x}", expected.digest), fmt::format("{:#x}", observed.digest));
  if (expected.writes != observed.writes)
    add("writes", fmt::format("{}", expected.writes), fmt::format("{}", observed.writes));
  if (expected.events != observed.events)
    add("events", epoll_events_text(expected.events), epoll_events_text(observed.events));
  if (expected.revents != observed.revents)
    add("revents", render_revents(expected.revents), render_revents(observed.revents));
  const char* set_names[] = {"read set", "write set", "except set"};
  for (int k = 0; k < 3; ++k)
    if (expected.sets[k] != observed.sets[k])
      add(set_names[k], fmt::format("{}", expected.sets[k]), fmt::format("{}", observed.sets[k]));
  if (expected.timeout_left_us != observed.timeout_left_us)
    add("timeout left (us)", fmt::format("{}", expected.timeout_left_us),
        fmt::format("{}", observed.timeout_left_us));
  if (expected.sq_entries != observed.sq_entries || expected.cq_entries != observed.cq_entries)
    add("ring sizes", fmt::format("sq={} cq={}", expected.sq_entries, expected.cq_entries),
        fmt::format("sq={} cq={}", observed.sq_entries, observed.cq_entries));
  if (expected.cqes != observed.cqes) add("cqes", cqe_list(expected.cqes), cqe_list(observed.cqes));
  if (expected.clobbered != observed.clobbered)
    add("events fields changed", fmt::format("{}", expected.clobbered),
        fmt::format("{}", observed.clobbered));
  if (expected.woke != observed.woke)
    add("waiters returned", woke_list(expected.woke), woke_list(observed.woke));
  if (expected.early != observed.early)
    add("returned before its timeout", expected.early ? "yes" : "no", observed.early ? "yes" : "no");
  return d;
}

std::string Expectation::why_not(const Observation& obs) const {
  // Which blocked threads return, and with what, is the linux model's answer for either profile
  // (the man pages promise no thread in particular); a reap's own check knows nothing of them.
  if (!allowed.empty() &&
      std::none_of(allowed.begin(), allowed.end(), [&](const Observation& a) { return a.woke == obs.woke; }))
    return "waiters returned: expected " + woke_list(allowed.front().woke) + ", observed " +
           woke_list(obs.woke);
  if (profile_check) return profile_check(obs);
  if (linux_check) return linux_check(obs);
  for (const Observation& a : allowed)
    if (a == obs) return {};
  if (allowed.empty()) return "no outcome is allowed";
  return diff_observations(allowed.front(), obs);
}

}  // namespace pc
