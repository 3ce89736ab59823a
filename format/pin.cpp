// Pinned expectations: checking one against an observation, taking one from an observation, and
// the text form of the "=> ..." line under an op (vocab/pin.h documents it). One printer and one
// parser per pinned value type; every parser validates the whole value and reports where in it
// the problem starts, which parse_pin turns into a column.
#include "format/pin_check.h"
#include "vocab/pin.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <limits>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join, which newer {fmt} keeps here

#include "format/field_codec.h"
#include "vocab/obs_fields.h"
#include "vocab/mask_names.h"
#include "vocab/text_util.h"
#include "format/trace_format.h"

namespace pc {

namespace {

using Sets = std::array<std::vector<int>, 3>;

ValueStatus fail(std::size_t offset, std::string message) {
  return ValueError{offset, std::move(message)};
}

// ---- printers ----

void print_ret(std::string& out, const std::int64_t& v) { out += fmt::format("{}", v); }
void print_err(std::string& out, const int& v) { out += errno_name(v); }
void print_digest(std::string& out, const std::uint64_t& v) { out += fmt::format("{:#x}", v); }
void print_count(std::string& out, const std::uint32_t& v) { out += fmt::format("{}", v); }
void print_bool(std::string& out, const bool& v) { print_value(out, v); }

void print_fd_list(std::string& out, const std::vector<int>& v) {
  out += fmt::format("[{}]", fmt::join(v, ","));
}

void print_events(std::string& out, const std::vector<EpollEventObs>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}:{}", epoll_mask_name(v[i].events), v[i].data);
  }
  out += ']';
}

// "[0:7:0:0x0,-125:5:MORE:0x0]": res, user_data, flags, digest of each CQE, in reap order.
void print_cqes(std::string& out, const std::vector<CqeObs>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}:{}:{}:{:#x}", v[i].res, v[i].user_data, cqe_flags_name(v[i].flags), v[i].digest);
  }
  out += ']';
}

// "[0:1@IN:0,1:-1:EINTR]": waiter, ret, errno when it failed, then its events.
void print_woke(std::string& out, const std::vector<WaiterObs>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}:{}", v[i].waiter, v[i].ret);
    if (v[i].ret == -1) out += ":" + errno_name(v[i].err);
    for (std::size_t k = 0; k < v[i].events.size(); ++k)
      out += fmt::format("{}{}:{}", k ? "+" : "@", epoll_mask_name(v[i].events[k].events), v[i].events[k].data);
  }
  out += ']';
}

void print_revents(std::string& out, const std::vector<std::uint16_t>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += poll_mask_name(v[i]);
  }
  out += ']';
}

// ---- parsers ----

ValueStatus parse_ret(std::string_view text, std::int64_t& out) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = text.empty() ? std::from_chars_result{first, std::errc::invalid_argument}
                                      : std::from_chars(first, last, out);
  if (ptr == last && ec == std::errc::result_out_of_range)
    return fail(0, fmt::format("value out of range: {} (expected {}..{})", quote(text),
                               std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()));
  if (ptr != last || ec != std::errc{})
    return fail(0, fmt::format("expected an integer, got {}", quote(text)));
  return {};
}

ValueStatus parse_err(std::string_view text, int& out) {
  // "0" is no error (what fill reports when a cap ended it); errno_from_name reads the rest.
  out = text == "0" ? 0 : errno_from_name(text);
  if (out == 0 && text != "0")
    return fail(0, fmt::format("expected an errno name like EAGAIN, E<number> or 0, got {}", quote(text)));
  return {};
}

ValueStatus parse_digest(std::string_view text, std::uint64_t& out) { return parse_value(text, out); }
ValueStatus parse_count(std::string_view text, std::uint32_t& out) { return parse_value(text, out); }
ValueStatus parse_bool(std::string_view text, bool& out) { return parse_value(text, out); }


ValueStatus parse_fd_list(std::string_view text, std::vector<int>& out) {
  out.clear();
  return parse_list(text, "[3,4]", [&](std::string_view elem) {
    std::int32_t fd = 0;
    ValueStatus err = parse_value(elem, fd);
    out.push_back(fd);
    return err;
  });
}

// "IN|OUT:7": the epoll mask, then the event's data.
ValueStatus parse_event(std::string_view text, EpollEventObs& out) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail(0, fmt::format("expected an event like IN|OUT:7, got {}", quote(text)));
  EpollMask mask;
  if (ValueStatus err = parse_value(text.substr(0, colon), mask)) return err;
  out.events = mask.bits;
  if (ValueStatus err = parse_value(text.substr(colon + 1), out.data)) {
    err->offset += colon + 1;
    return err;
  }
  return {};
}

ValueStatus parse_events(std::string_view text, std::vector<EpollEventObs>& out) {
  out.clear();
  return parse_list(text, "[IN|OUT:7]", [&](std::string_view elem) {
    EpollEventObs event;
    ValueStatus err = parse_event(elem, event);
    out.push_back(event);
    return err;
  });
}

ValueStatus parse_cqe(std::string_view text, CqeObs& out) {
  std::string_view parts[4];
  std::size_t n = 0, pos = 0;
  for (; n < 4; ++n) {
    const std::size_t colon = text.find(':', pos);
    parts[n] = text.substr(pos, colon == std::string_view::npos ? colon : colon - pos);
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (n != 3) return fail(0, fmt::format("expected a CQE like -125:5:MORE:0x0 (res:user_data:flags:digest), got {}", quote(text)));
  std::size_t at = 0;
  std::int32_t res = 0;
  if (ValueStatus err = parse_value(parts[0], res)) return err;
  out.res = res;
  at += parts[0].size() + 1;
  if (ValueStatus err = parse_value(parts[1], out.user_data)) {
    err->offset += at;
    return err;
  }
  at += parts[1].size() + 1;
  std::uint32_t flags = 0;
  if (ValueStatus err = parse_mask(parts[2], kCqeFlagNames, "CQE", "flag", 32, flags)) {
    err->offset += at;
    return err;
  }
  out.flags = flags;
  at += parts[2].size() + 1;
  if (ValueStatus err = parse_value(parts[3], out.digest)) {
    err->offset += at;
    return err;
  }
  return {};
}

ValueStatus parse_cqes(std::string_view text, std::vector<CqeObs>& out) {
  out.clear();
  return parse_list(text, "[0:7:0:0x0]", [&](std::string_view elem) {
    CqeObs c;
    ValueStatus err = parse_cqe(elem, c);
    out.push_back(c);
    return err;
  });
}

ValueStatus parse_waiter(std::string_view text, WaiterObs& out) {
  const std::size_t at = text.find('@');
  const std::string_view head = text.substr(0, at);
  const std::size_t c1 = head.find(':');
  if (c1 == std::string_view::npos)
    return fail(0, fmt::format("expected a waiter like 0:1@IN:0 or 1:-1:EINTR, got {}", quote(text)));
  if (ValueStatus err = parse_value(head.substr(0, c1), out.waiter)) return err;
  const std::size_t c2 = head.find(':', c1 + 1);
  if (ValueStatus err = parse_ret(head.substr(c1 + 1, c2 == std::string_view::npos ? c2 : c2 - c1 - 1), out.ret)) {
    err->offset += c1 + 1;
    return err;
  }
  if (c2 != std::string_view::npos)
    if (ValueStatus err = parse_err(head.substr(c2 + 1), out.err)) {
      err->offset += c2 + 1;
      return err;
    }
  if (at == std::string_view::npos) return {};
  std::size_t pos = at + 1;
  while (pos <= text.size()) {
    const std::size_t plus = text.find('+', pos);
    const std::string_view ev = text.substr(pos, plus == std::string_view::npos ? plus : plus - pos);
    EpollEventObs e;
    if (ValueStatus err = parse_event(ev, e)) {
      err->offset += pos;
      return err;
    }
    out.events.push_back(e);
    if (plus == std::string_view::npos) break;
    pos = plus + 1;
  }
  return {};
}

ValueStatus parse_woke(std::string_view text, std::vector<WaiterObs>& out) {
  out.clear();
  return parse_list(text, "[0:1@IN:0,1:-1:EINTR]", [&](std::string_view elem) {
    WaiterObs w;
    ValueStatus err = parse_waiter(elem, w);
    out.push_back(w);
    return err;
  });
}

ValueStatus parse_revents(std::string_view text, std::vector<std::uint16_t>& out) {
  out.clear();
  return parse_list(text, "[IN,0]", [&](std::string_view elem) {
    PollMask mask;
    ValueStatus err = parse_value(elem, mask);
    out.push_back(mask.bits);
    return err;
  });
}

// ---- the keys: one row each, in print order ----

// A pin key bound to its Pin member, the Observation member it checks, and its text form.
template <class T>
struct PinKey {
  std::string_view name;
  std::optional<T> Pin::*pinned;
  T Observation::*observed;
  void (*print)(std::string&, const T&);
  ValueStatus (*parse)(std::string_view, T&);
};
// Spelled out for compilers without class template argument deduction for aggregates (clang
// before 17).
template <class T>
PinKey(std::string_view, std::optional<T> Pin::*, T Observation::*, void (*)(std::string&, const T&),
       ValueStatus (*)(std::string_view, T&)) -> PinKey<T>;

// Observation fields with no key: timeout_left_us, clobbered and unsettled (see pin_of).
const auto kKeys = std::tuple{
    PinKey{"ret", &Pin::ret, &Observation::ret, print_ret, parse_ret},
    PinKey{"err", &Pin::err, &Observation::err, print_err, parse_err},
    PinKey{"fds", &Pin::fds, &Observation::fds, print_fd_list, parse_fd_list},
    PinKey{"digest", &Pin::digest, &Observation::digest, print_digest, parse_digest},
    PinKey{"writes", &Pin::writes, &Observation::writes, print_count, parse_count},
    PinKey{"events", &Pin::events, &Observation::events, print_events, parse_events},
    PinKey{"revents", &Pin::revents, &Observation::revents, print_revents, parse_revents},
    PinKey{"sq", &Pin::sq, &Observation::sq_entries, print_count, parse_count},
    PinKey{"cq", &Pin::cq, &Observation::cq_entries, print_count, parse_count},
    PinKey{"cqes", &Pin::cqes, &Observation::cqes, print_cqes, parse_cqes},
    PinKey{"early", &Pin::early, &Observation::early, print_bool, parse_bool},
};

// The select sets are one Pin field written as three keys, after every key of the table.
constexpr std::string_view kSetKeys[3] = {"rd", "wr", "ex"};
// woke comes last.
constexpr std::string_view kWokeKey = "woke";

template <class F>
void for_each_key(F&& f) {
  std::apply([&](const auto&... k) { (f(k), ...); }, kKeys);
}

std::string key_list() {
  std::string out;
  const auto add = [&](std::string_view k) { out += fmt::format("{}{}", out.empty() ? "" : ", ", k); };
  for_each_key([&](const auto& k) { add(k.name); });
  for (std::string_view k : kSetKeys) add(k);
  add(kWokeKey);
  return out;
}

std::size_t skip_blanks(std::string_view line, std::size_t p) {
  while (p < line.size() && is_blank_char(line[p])) ++p;
  return p;
}

std::size_t token_end(std::string_view line, std::size_t p) {
  while (p < line.size() && !is_blank_char(line[p])) ++p;
  return p;
}

struct FieldToken {
  std::string_view key, value;
  std::size_t key_pos = 0, value_pos = 0;
};

// Splits "key=value key=[a, b] ..." starting at p, as an op line's fields are split: a value
// opening with '[' runs to the next ']' so that lists may contain blanks. The error's offset is
// a position in the line.
ValueStatus split_fields(std::string_view line, std::size_t p, std::vector<FieldToken>& out) {
  while (true) {
    p = skip_blanks(line, p);
    if (p == line.size()) return {};
    if (line[p] == '#') return fail(p, "a comment must be on a line of its own");
    const std::size_t end = token_end(line, p);
    const std::size_t eq = line.find('=', p);
    if (eq == std::string_view::npos || eq >= end)
      return fail(p, fmt::format("expected field=value, got {}", quote(line.substr(p, end - p))));
    if (eq == p) return fail(p, "expected a field name before '='");
    FieldToken tok{line.substr(p, eq - p), {}, p, eq + 1};
    p = eq + 1;
    if (p < line.size() && line[p] == '[') {
      const std::size_t close = line.find(']', p);
      if (close == std::string_view::npos) return fail(p, "missing ']' to close the list");
      tok.value = line.substr(p, close + 1 - p);
      p = close + 1;
      if (p < line.size() && !is_blank_char(line[p]))
        return fail(p, fmt::format("expected a blank after ']', got {}",
                                   quote(line.substr(p, token_end(line, p) - p))));
    } else {
      const std::size_t value_end = token_end(line, p);
      tok.value = line.substr(p, value_end - p);
      p = value_end;
    }
    out.push_back(tok);
  }
}

// The fields of a "=> ..." line, each at most once and in any order; the error's offset is a
// position in the line.
std::variant<Pin, ValueError> parse_pin_fields(std::string_view line) {
  const std::size_t arrow = skip_blanks(line, 0);
  if (!line.substr(arrow).starts_with("=>"))
    return ValueError{arrow, fmt::format("expected a pin line like '=> ret=1', got {}",
                                         quote(trim(line)))};
  std::vector<FieldToken> tokens;
  if (ValueStatus err = split_fields(line, arrow + 2, tokens)) return *std::move(err);
  Pin pin;
  Sets sets;
  std::vector<std::string_view> seen;
  bool set_seen[3] = {};
  for (const FieldToken& tok : tokens) {
    if (std::find(seen.begin(), seen.end(), tok.key) != seen.end())
      return ValueError{tok.key_pos, fmt::format("duplicate pin field {}", quote(tok.key))};
    seen.push_back(tok.key);
    ValueStatus err;
    bool known = false;
    for_each_key([&](const auto& k) {
      if (k.name != tok.key) return;
      known = true;
      err = k.parse(tok.value, (pin.*k.pinned).emplace());
    });
    for (std::size_t s = 0; s < 3; ++s)
      if (kSetKeys[s] == tok.key) {
        known = set_seen[s] = true;
        err = parse_fd_list(tok.value, sets[s]);
      }
    if (tok.key == kWokeKey) {
      known = true;
      err = parse_woke(tok.value, pin.woke.emplace());
    }
    if (!known)
      return ValueError{tok.key_pos, fmt::format("unknown pin field {} (fields: {})",
                                                 quote(tok.key), key_list())};
    if (err) return ValueError{tok.value_pos + err->offset, std::move(err->message)};
  }
  if (set_seen[0] || set_seen[1] || set_seen[2]) {
    for (std::size_t k = 0; k < 3; ++k)
      if (!set_seen[k])
        return ValueError{trim_right(line).size(),
                          fmt::format("expected rd=, wr= and ex= together (the select sets), "
                                      "missing {}", quote(kSetKeys[k]))};
    pin.sets = std::move(sets);
  }
  return pin;
}

}  // namespace

std::string print_pin(const Pin& pin) {
  std::string out;
  // Appends " key=" (no blank before the first) and returns out for the value's printer.
  const auto field = [&](std::string_view key) -> std::string& {
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    return out;
  };
  for_each_key([&](const auto& k) {
    if (pin.*k.pinned) k.print(field(k.name), *(pin.*k.pinned));
  });
  if (pin.sets)
    for (std::size_t k = 0; k < 3; ++k) print_fd_list(field(kSetKeys[k]), (*pin.sets)[k]);
  if (pin.woke) print_woke(field(kWokeKey), *pin.woke);
  return out;
}

std::variant<Pin, ParseError> parse_pin(std::string_view line, std::string_view filename,
                                        int line_number) {
  auto parsed = parse_pin_fields(line);
  if (auto* err = std::get_if<ValueError>(&parsed))
    return ParseError::at(filename, line_number, err->offset, std::move(err->message));
  return std::get<Pin>(std::move(parsed));
}

std::string check_pin(const Pin& pin, const Observation& obs) {
  std::string why;
  const auto check = [&](std::string_view key, auto print, const auto& pinned, const auto& observed) {
    if (pinned == observed) return;
    std::string p, o;
    print(p, pinned);
    print(o, observed);
    why += fmt::format("{}pinned {}: {}, observed {}", why.empty() ? "" : "; ", key, p, o);
  };
  for_each_key([&](const auto& k) {
    if (pin.*k.pinned) check(k.name, k.print, *(pin.*k.pinned), obs.*k.observed);
  });
  if (pin.sets)
    for (std::size_t k = 0; k < 3; ++k) check(kSetKeys[k], print_fd_list, (*pin.sets)[k], obs.sets[k]);
  if (pin.woke) check(kWokeKey, print_woke, *pin.woke, obs.woke);
  return why;
}

Pin cqes_in_observed_order(Pin pin, const Observation& obs) {
  if (!pin.cqes || pin.cqes->size() != obs.cqes.size()) return pin;
  std::vector<CqeObs> a = *pin.cqes, b = obs.cqes;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a == b) pin.cqes = obs.cqes;
  return pin;
}

Pin pin_of(const Op& op, const Observation& obs, bool with_fds) {
  const ObsFields fills = observed_fields(op);
  Pin pin;
  pin.ret = obs.ret;
  if (!obs.woke.empty()) pin.woke = obs.woke;
  // A fill's errno says what stopped it (0: a cap did); any other op's, why it failed, or (a
  // reap) that its wait timed out.
  if (fills.has(kObsAlways) || obs.err != 0) pin.err = obs.err;
  if (with_fds && fills.has(kObsFds)) pin.fds = obs.fds;  // creators, dup, fanout's dups
  // What else an op reports means something only when it did not fail, unless the table says
  // it always does.
  if (obs.ret == -1 && !fills.has(kObsAlways)) return pin;
  if (fills.has(kObsDigest)) pin.digest = obs.digest;
  if (fills.has(kObsWrites)) pin.writes = obs.writes;
  if (fills.has(kObsEvents)) pin.events = obs.events;
  if (fills.has(kObsRevents)) pin.revents = obs.revents;
  if (fills.has(kObsSets)) pin.sets = obs.sets;
  if (fills.has(kObsRing)) {
    pin.sq = obs.sq_entries;
    pin.cq = obs.cq_entries;
  }
  if (fills.has(kObsCqes)) pin.cqes = obs.cqes;  // in the order this kernel gave them: exact
  if (fills.has(kObsEarly)) pin.early = obs.early;
  // Not pinned: select's written-back timeout and poll's clobbered count, which the oracle
  // predicts exactly from the op alone (PO-EVENTS-UNTOUCHED, SE-TIMEOUT), and unsettled, which
  // is the harness's state, not the kernel's answer.
  return pin;
}

}  // namespace pc
