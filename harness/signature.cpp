#include "harness/signature.h"

#include <algorithm>
#include <string_view>
#include <variant>

#include <fmt/format.h>

namespace pc {
namespace {

// The specificity grades of reducer.h. Rules not listed (nor of an object's mechanism) are
// situation rules, grade 4.
constexpr std::string_view kCallRules[] = {
    "FD-LOWEST", "EP-CREATE", "EP-CTL-ORDER", "EP-WAIT-EINVAL", "EP-MASK", "EP-ONCE", "EP-ORDER",
    "SE-NFDS", "SE-EBADF", "SE-SETS", "SE-RESULT", "SE-SETSIZE", "SE-TIMEOUT",
    "PO-LIMIT", "PO-EVENTS-UNTOUCHED", "PO-RESULT", "PO-REVENTS", "PO-NEGFD",
    "UR-ENTER", "UR-ORDER", "UR-TASKRUN"};
constexpr std::string_view kObjectRules[] = {"PO-DEFAULT-MASK", "EP-NEST-READY",
                                             "EP-NEST-NOCONSUME", "EP-ERRHUP", "EP-ET-WAKEUPS"};
constexpr std::string_view kRequestedModes[] = {"EP-ET", "EP-ONESHOT"};
constexpr std::string_view kErrorRules[] = {"EP-CTL-EBADF", "EP-CTL-EINVAL", "EP-CTL-EPERM",
                                            "EP-CTL-LOOP",
                                            "EP-CTL-EEXIST", "EP-CTL-ENOENT", "EP-CTL-EXCL",
                                            "FD-CLOSE-EBADF", "FD-ACCESS-MODE", "PO-NVAL"};

int grade(RuleId r) {
  const RuleInfo& info = rule_info(r);
  const auto in = [&](const auto& list) { return std::ranges::find(list, info.id) != std::end(list); };
  if (in(kCallRules)) return 0;
  if (in(kObjectRules) || info.mechanism == "pipe" || info.mechanism == "unix" ||
      info.mechanism == "eventfd" || info.mechanism == "inet" || info.mechanism == "socket")
    return 1;
  if (info.id == "EP-LT") return 2;
  if (in(kRequestedModes)) return 3;
  if (in(kErrorRules)) return 5;
  return 4;
}

// The names of the fields in which two observations differ, in Observation's field order.
std::vector<std::string_view> differing_fields(const Observation& e, const Observation& o) {
  std::vector<std::string_view> d;
  if (e.ret != o.ret) d.push_back("ret");
  if (e.err != o.err) d.push_back("errno");
  if (e.fds != o.fds) d.push_back("fds");
  if (e.digest != o.digest) d.push_back("digest");
  if (e.writes != o.writes) d.push_back("writes");
  if (e.events != o.events) d.push_back("events");
  if (e.revents != o.revents) d.push_back("revents");
  constexpr std::string_view kSets[] = {"rd", "wr", "ex"};
  for (int k = 0; k < 3; ++k)
    if (e.sets[k] != o.sets[k]) d.push_back(kSets[k]);
  if (e.timeout_left_us != o.timeout_left_us) d.push_back("timeout");
  if (e.clobbered != o.clobbered) d.push_back("clobbered");
  if (e.sq_entries != o.sq_entries || e.cq_entries != o.cq_entries) d.push_back("ring");
  if (e.cqes != o.cqes) d.push_back("cqes");
  if (e.woke != o.woke) d.push_back("woke");
  if (e.early != o.early) d.push_back("early");
  return d;
}

// The pinned fields the observation breaks, named as differing_fields names them.
std::vector<std::string_view> broken_pin_fields(const Pin& p, const Observation& o) {
  std::vector<std::string_view> d;
  if (p.ret && *p.ret != o.ret) d.push_back("ret");
  if (p.err && *p.err != o.err) d.push_back("errno");
  if (p.fds && *p.fds != o.fds) d.push_back("fds");
  if (p.digest && *p.digest != o.digest) d.push_back("digest");
  if (p.writes && *p.writes != o.writes) d.push_back("writes");
  if (p.events && *p.events != o.events) d.push_back("events");
  if (p.revents && *p.revents != o.revents) d.push_back("revents");
  constexpr std::string_view kSets[] = {"rd", "wr", "ex"};
  for (int k = 0; k < 3; ++k)
    if (p.sets && (*p.sets)[k] != o.sets[k]) d.push_back(kSets[k]);
  if ((p.sq && *p.sq != o.sq_entries) || (p.cq && *p.cq != o.cq_entries)) d.push_back("ring");
  if (p.cqes && *p.cqes != o.cqes) d.push_back("cqes");
  if (p.woke && *p.woke != o.woke) d.push_back("woke");
  if (p.early && *p.early != o.early) d.push_back("early");
  return d;
}

// Whether the kernel left out something the oracle predicted: an event, a revents bit, a set
// member, an error. If not, it only added to (or reordered) a correct outcome.
bool left_out(const Observation& e, const Observation& o) {
  std::vector<EpollEventObs> missing = e.events;
  for (const EpollEventObs& ev : o.events)
    if (auto it = std::ranges::find(missing, ev); it != missing.end()) missing.erase(it);
  if (!missing.empty()) return true;
  for (std::size_t i = 0; i < e.revents.size(); ++i)
    if (e.revents[i] & ~(i < o.revents.size() ? o.revents[i] : 0)) return true;
  for (int k = 0; k < 3; ++k)
    for (int fd : e.sets[k])
      if (std::ranges::find(o.sets[k], fd) == o.sets[k].end()) return true;
  std::vector<CqeObs> missing_cqes = e.cqes;
  for (const CqeObs& c : o.cqes)
    if (auto it = std::ranges::find(missing_cqes, c); it != missing_cqes.end()) missing_cqes.erase(it);
  if (!missing_cqes.empty()) return true;
  if (e.err != o.err) return e.err != 0;  // an error left out, or one added to a success
  // Lists that differ with nothing missing: the kernel added or reordered. Otherwise a scalar
  // outcome differs (a count, the data read), which has nothing to add to.
  return e.events == o.events && e.revents == o.revents && e.sets == o.sets && e.cqes == o.cqes;
}

}  // namespace

std::string signature_rule(const std::vector<RuleId>& rules, bool kernel_left_out) {
  const RuleId* best = nullptr;
  // Strict comparisons: among equals, the rule applied first.
  if (kernel_left_out)
    for (const RuleId& r : rules)
      if (grade(r) >= 2 && (!best || grade(r) > grade(*best))) best = &r;
  if (!best)
    for (const RuleId& r : rules)
      if (!best || (grade(r) == 0 && grade(*best) != 0)) best = &r;
  return best ? std::string(rule_info(*best).id) : std::string{};
}

Signature signature_of(const Op& op, const Expectation& expected, const Observation& observed,
                       const std::optional<Pin>& pin) {
  const auto join = [](const std::vector<std::string_view>& fields) {
    std::string out;
    for (std::string_view f : fields) out += fmt::format("{}{}", out.empty() ? "" : "+", f);
    return out;
  };
  if (pin && expected.admits(observed))  // the oracle admits it: what failed is the pin
    return Signature{std::string(op_name(op)), signature_rule(expected.rules, false),
                     "pin:" + join(broken_pin_fields(*pin, observed))};
  std::vector<std::string_view> fields;
  const Observation* closest = nullptr;
  for (const Observation& a : expected.allowed) {
    std::vector<std::string_view> f = differing_fields(a, observed);
    if (!closest || f.size() < fields.size()) {
      fields = std::move(f);
      closest = &a;
    }
  }
  const bool missing = closest && left_out(*closest, observed);
  std::string difference = join(fields);
  // Only the doc profile can reject an outcome equal to the one Linux is expected to give.
  if (difference.empty()) difference = std::holds_alternative<UringReap>(op) ? "cqe-order" : "doc";
  return Signature{std::string(op_name(op)), signature_rule(expected.rules, missing), difference};
}

std::string to_string(const Signature& s) {
  return fmt::format("{} {} {}", s.op_kind, s.rule.empty() ? "(no rule)" : s.rule, s.difference);
}

}  // namespace pc
