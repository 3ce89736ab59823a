// Pinned expectations: checking one against an observation, taking one from an observation, and
// the text form of the "=> ..." line under an op (vocab/pin.h documents it). One printer and one
// parser per pinned value type; every parser validates the whole value and reports where in it
// the problem starts, which parse_pin turns into a column.
#include "format/pin_check.h"
#include "vocab/pin.h"

#include <charconv>
#include <climits>
#include <limits>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join, which newer {fmt} keeps here

#include "format/field_codec.h"
#include "vocab/mask_names.h"
#include "vocab/text_util.h"
#include "format/trace_format.h"

namespace pc {

namespace {

using Sets = std::array<std::vector<int>, 3>;

// The keys of the text form in Pin field order; the select sets are one field with three keys.
enum Key : std::size_t { kRet, kErr, kFds, kDigest, kWrites, kEvents, kRevents, kCqes, kRd, kWr, kEx, kWoke, kKeyCount };
constexpr std::string_view kKeyNames[kKeyCount] = {"ret",    "err",     "fds",  "digest", "writes", "events",
                                                   "revents", "cqes",   "rd",   "wr",     "ex",     "woke"};

ValueStatus fail(std::size_t offset, std::string message) {
  return ValueError{offset, std::move(message)};
}

// ---- printers ----

void print_ret(std::string& out, std::int64_t v) { out += fmt::format("{}", v); }
void print_err(std::string& out, int v) { out += errno_name(v); }
void print_digest(std::string& out, std::uint64_t v) { out += fmt::format("{:#x}", v); }
void print_writes(std::string& out, std::uint32_t v) { out += fmt::format("{}", v); }

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
ValueStatus parse_writes(std::string_view text, std::uint32_t& out) { return parse_value(text, out); }


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

ValueStatus parse_key(Key key, std::string_view text, Pin& pin, Sets& sets) {
  switch (key) {
    case kRet: return parse_ret(text, pin.ret.emplace());
    case kErr: return parse_err(text, pin.err.emplace());
    case kFds: return parse_fd_list(text, pin.fds.emplace());
    case kDigest: return parse_digest(text, pin.digest.emplace());
    case kWrites: return parse_writes(text, pin.writes.emplace());
    case kEvents: return parse_events(text, pin.events.emplace());
    case kRevents: return parse_revents(text, pin.revents.emplace());
    case kCqes: return parse_cqes(text, pin.cqes.emplace());
    case kWoke: return parse_woke(text, pin.woke.emplace());
    case kRd:
    case kWr:
    case kEx: return parse_fd_list(text, sets[key - kRd]);
    case kKeyCount: break;
  }
  return fail(0, "no such pin field");
}

std::string key_list() {
  std::string out;
  for (std::string_view k : kKeyNames) out += fmt::format("{}{}", out.empty() ? "" : ", ", k);
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
  bool seen[kKeyCount] = {};
  for (const FieldToken& tok : tokens) {
    std::size_t k = 0;
    while (k < kKeyCount && kKeyNames[k] != tok.key) ++k;
    if (k == kKeyCount)
      return ValueError{tok.key_pos, fmt::format("unknown pin field {} (fields: {})",
                                                 quote(tok.key), key_list())};
    if (seen[k]) return ValueError{tok.key_pos, fmt::format("duplicate pin field {}", quote(tok.key))};
    seen[k] = true;
    if (ValueStatus err = parse_key(static_cast<Key>(k), tok.value, pin, sets))
      return ValueError{tok.value_pos + err->offset, std::move(err->message)};
  }
  if (seen[kRd] || seen[kWr] || seen[kEx]) {
    for (std::size_t k = kRd; k <= kEx; ++k)
      if (!seen[k])
        return ValueError{trim_right(line).size(),
                          fmt::format("expected rd=, wr= and ex= together (the select sets), "
                                      "missing {}", quote(kKeyNames[k]))};
    pin.sets = std::move(sets);
  }
  return pin;
}

int column_of(std::size_t pos) { return pos >= INT_MAX ? INT_MAX : static_cast<int>(pos) + 1; }

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
  if (pin.ret) print_ret(field(kKeyNames[kRet]), *pin.ret);
  if (pin.err) print_err(field(kKeyNames[kErr]), *pin.err);
  if (pin.fds) print_fd_list(field(kKeyNames[kFds]), *pin.fds);
  if (pin.digest) print_digest(field(kKeyNames[kDigest]), *pin.digest);
  if (pin.writes) print_writes(field(kKeyNames[kWrites]), *pin.writes);
  if (pin.events) print_events(field(kKeyNames[kEvents]), *pin.events);
  if (pin.revents) print_revents(field(kKeyNames[kRevents]), *pin.revents);
  if (pin.cqes) print_cqes(field(kKeyNames[kCqes]), *pin.cqes);
  if (pin.sets)
    for (std::size_t k = 0; k < 3; ++k) print_fd_list(field(kKeyNames[kRd + k]), (*pin.sets)[k]);
  if (pin.woke) print_woke(field(kKeyNames[kWoke]), *pin.woke);
  return out;
}

std::variant<Pin, ParseError> parse_pin(std::string_view line, std::string_view filename,
                                        int line_number) {
  auto parsed = parse_pin_fields(line);
  if (auto* err = std::get_if<ValueError>(&parsed))
    return ParseError{std::string(filename), line_number, column_of(err->offset), std::move(err->message)};
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
  if (pin.ret) check(kKeyNames[kRet], print_ret, *pin.ret, obs.ret);
  if (pin.err) check(kKeyNames[kErr], print_err, *pin.err, obs.err);
  if (pin.fds) check(kKeyNames[kFds], print_fd_list, *pin.fds, obs.fds);
  if (pin.digest) check(kKeyNames[kDigest], print_digest, *pin.digest, obs.digest);
  if (pin.writes) check(kKeyNames[kWrites], print_writes, *pin.writes, obs.writes);
  if (pin.events) check(kKeyNames[kEvents], print_events, *pin.events, obs.events);
  if (pin.revents) check(kKeyNames[kRevents], print_revents, *pin.revents, obs.revents);
  if (pin.cqes) check(kKeyNames[kCqes], print_cqes, *pin.cqes, obs.cqes);
  if (pin.sets)
    for (std::size_t k = 0; k < 3; ++k)
      check(kKeyNames[kRd + k], print_fd_list, (*pin.sets)[k], obs.sets[k]);
  if (pin.woke) check(kKeyNames[kWoke], print_woke, *pin.woke, obs.woke);
  return why;
}

Pin pin_of(const Op& op, const Observation& obs, bool with_fds) {
  Pin pin;
  pin.ret = obs.ret;
  if (!obs.woke.empty()) pin.woke = obs.woke;
  if (std::holds_alternative<FillWrite>(op)) {
    // fill stops rather than fails: its errno says what stopped it (0: a cap did).
    pin.err = obs.err;
    pin.writes = obs.writes;
    return pin;
  }
  const bool failed = obs.ret == -1;
  if (failed) pin.err = obs.err;
  if (with_fds && !op_outputs(op).empty()) pin.fds = obs.fds;  // creators and dup
  if (failed) return pin;  // what else the op reports means something only on success
  if (std::holds_alternative<Read>(op) || std::holds_alternative<Recv>(op)) pin.digest = obs.digest;
  if (std::holds_alternative<EpollWait>(op)) pin.events = obs.events;
  if (std::holds_alternative<Poll>(op)) pin.revents = obs.revents;
  if (std::holds_alternative<UringReap>(op)) {
    pin.cqes = obs.cqes;  // in the order this kernel gave them: a pin is exact
    if (obs.err) pin.err = obs.err;  // a wait that timed out
  }
  if (std::holds_alternative<Select>(op)) pin.sets = obs.sets;
  return pin;
}

}  // namespace pc
