// Value syntax of the trace format, one type at a time. Every parser validates the whole text
// and reports a position inside it, since its caller turns that into a file:line:col.
#include "format/field_codec.h"

#include <charconv>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "vocab/mask_names.h"
#include "vocab/text_util.h"

namespace pc {

namespace {

ValueStatus fail(std::size_t offset, std::string message) {
  return ValueError{offset, std::move(message)};
}

ValueStatus out_of_range(std::string_view text, std::string_view allowed) {
  return fail(0, fmt::format("value out of range: {} ({})", quote(text), allowed));
}

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// std::from_chars over all of `text`: the result, or why not. Wraps the pointer arithmetic so
// that empty views (whose data() may be null) never reach from_chars.
enum class NumStatus { Ok, Malformed, TooBig };
template <class T>
NumStatus to_number(std::string_view text, T& out, int base = 10) {
  if (text.empty()) return NumStatus::Malformed;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, out, base);
  if (ptr != last) return NumStatus::Malformed;
  if (ec == std::errc::result_out_of_range) return NumStatus::TooBig;
  return ec == std::errc{} ? NumStatus::Ok : NumStatus::Malformed;
}

// Unsigned values are decimal, or hex with a 0x prefix (how flags and data are often written).
template <class U>
ValueStatus parse_unsigned(std::string_view text, U& out) {
  const bool hex = text.starts_with("0x");
  switch (to_number(hex ? text.substr(2) : text, out, hex ? 16 : 10)) {
    case NumStatus::Ok:
      return {};
    case NumStatus::TooBig:
      return out_of_range(text, fmt::format("expected 0..{}", std::numeric_limits<U>::max()));
    case NumStatus::Malformed:
      break;
  }
  return fail(0, fmt::format("expected an unsigned integer (decimal or 0x hex), got {}", quote(text)));
}

template <class S>
ValueStatus parse_signed(std::string_view text, S& out) {
  switch (to_number(text, out)) {
    case NumStatus::Ok:
      return {};
    case NumStatus::TooBig:
      return out_of_range(text, fmt::format("expected {}..{}", std::numeric_limits<S>::min(),
                                            std::numeric_limits<S>::max()));
    case NumStatus::Malformed:
      break;
  }
  return fail(0, fmt::format("expected an integer, got {}", quote(text)));
}

constexpr std::string_view kHandleExpected = "expected a handle like h3";

ValueStatus parse_slot(std::string_view text, std::uint8_t& slot) {
  unsigned n = 0;
  const NumStatus st = (text.size() >= 2 && text[0] == 'h' && is_digit(text[1]))
                           ? to_number(text.substr(1), n)
                           : NumStatus::Malformed;
  if (st == NumStatus::Malformed) return fail(0, fmt::format("{}, got {}", kHandleExpected, quote(text)));
  if (st == NumStatus::TooBig || n >= static_cast<unsigned>(kMaxHandles))
    return out_of_range(text, fmt::format("handles are h0..h{}", kMaxHandles - 1));
  slot = static_cast<std::uint8_t>(n);
  return {};
}

ValueStatus parse_poll_target(std::string_view text, PollTarget& out) {
  if (text.starts_with("h")) {
    std::uint8_t slot = 0;
    ValueStatus err = parse_slot(text, slot);
    out.value = static_cast<std::int8_t>(slot);
    return err;
  }
  std::int64_t n = 0;
  const NumStatus st = text.starts_with("-") ? to_number(text, n) : NumStatus::Malformed;
  if (st == NumStatus::Malformed || n == 0)
    return fail(0, fmt::format("{} or a negative fd like -1, got {}", kHandleExpected, quote(text)));
  if (st == NumStatus::TooBig || n < std::numeric_limits<std::int8_t>::min())
    return out_of_range(text, "negative fds in a poll entry are -1..-128");
  out.value = static_cast<std::int8_t>(n);
  return {};
}

ValueStatus parse_poll_entry(std::string_view text, PollEntry& out) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail(0, fmt::format("expected an entry like h0:IN or -1:IN, got {}", quote(text)));
  if (ValueStatus err = parse_poll_target(text.substr(0, colon), out.target)) return err;
  if (ValueStatus err = parse_value(text.substr(colon + 1), out.events)) {
    err->offset += colon + 1;
    return err;
  }
  return {};
}

}  // namespace

ValueStatus parse_mask(std::string_view text, std::span<const BitName> table, std::string_view kind,
                       std::string_view noun, int width, std::uint32_t& bits) {
  const std::uint64_t max = (std::uint64_t{1} << width) - 1;
  bits = 0;
  std::size_t pos = 0;
  while (true) {
    const std::size_t bar = text.find('|', pos);
    const std::string_view part = text.substr(pos, bar == std::string_view::npos ? bar : bar - pos);
    std::uint64_t literal = 0;
    const NumStatus hex = part.starts_with("0x") ? to_number(part.substr(2), literal, 16)
                                                 : NumStatus::Malformed;
    if (part == "0") {
      // explicitly no bits
    } else if (auto bit = bit_of_name(part, table)) {
      bits |= *bit;
    } else if (hex == NumStatus::Ok && literal <= max) {
      bits |= static_cast<std::uint32_t>(literal);
    } else if (hex != NumStatus::Malformed) {
      ValueStatus err = out_of_range(part, fmt::format("{} masks are {} bits", kind, width));
      err->offset = pos;
      return err;
    } else {
      const std::string example = table.size() >= 3 ? fmt::format("{}|{}", table[0].name, table[2].name)
                                                    : std::string(table[0].name);
      return fail(pos, fmt::format("expected {} {} names like {}, 0 or a 0x hex number, got {}",
                                   kind, noun, example, quote(part)));
    }
    if (bar == std::string_view::npos) return {};
    pos = bar + 1;
  }
}

void print_value(std::string& out, Handle v) { out += fmt::format("h{}", v.slot); }
void print_value(std::string& out, OutHandle v) { out += fmt::format("h{}", v.slot); }
void print_value(std::string& out, std::uint32_t v) { out += fmt::format("{}", v); }
void print_value(std::string& out, std::uint64_t v) { out += fmt::format("{}", v); }
void print_value(std::string& out, std::int32_t v) { out += fmt::format("{}", v); }
void print_value(std::string& out, bool v) { out += v ? "true" : "false"; }
void print_value(std::string& out, EpollMask v) { out += mask_to_names(v.bits, kEpollBitNames); }
void print_value(std::string& out, PollMask v) { out += mask_to_names(v.bits, kPollBitNames); }

void print_value(std::string& out, const PollEntries& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    const PollTarget t = v[i].target;
    out += t.is_handle() ? fmt::format("h{}", t.value) : fmt::format("{}", t.value);
    out += ':';
    print_value(out, v[i].events);
  }
  out += ']';
}

void print_value(std::string& out, const HandleList& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    print_value(out, v[i]);
  }
  out += ']';
}

void print_value(std::string& out, Nfds v) {
  if (!v.relative) {
    out += fmt::format("{}", v.value);
  } else if (v.value == 0) {
    out += "exact";
  } else {
    // Widened so that the magnitude of INT32_MIN is representable.
    const std::int64_t offset = v.value;
    out += offset > 0 ? fmt::format("exact+{}", offset) : fmt::format("exact-{}", -offset);
  }
}

ValueStatus parse_value(std::string_view text, Handle& out) { return parse_slot(text, out.slot); }
ValueStatus parse_value(std::string_view text, OutHandle& out) { return parse_slot(text, out.slot); }
ValueStatus parse_value(std::string_view text, std::uint32_t& out) { return parse_unsigned(text, out); }
ValueStatus parse_value(std::string_view text, std::uint64_t& out) { return parse_unsigned(text, out); }
ValueStatus parse_value(std::string_view text, std::int32_t& out) { return parse_signed(text, out); }

ValueStatus parse_value(std::string_view text, bool& out) {
  if (text == "true" || text == "false") {
    out = text == "true";
    return {};
  }
  return fail(0, fmt::format("expected true or false, got {}", quote(text)));
}


// A mask field as wide as its struct's bits.
template <class Mask>
ValueStatus parse_mask_field(std::string_view text, std::span<const BitName> table, std::string_view kind,
                             std::string_view noun, Mask& out) {
  std::uint32_t bits = 0;
  ValueStatus err = parse_mask(text, table, kind, noun, static_cast<int>(sizeof(out.bits) * 8), bits);
  out.bits = static_cast<decltype(out.bits)>(bits);
  return err;
}

ValueStatus parse_value(std::string_view text, EpollMask& out) {
  return parse_mask_field(text, kEpollBitNames, "epoll", "event", out);
}

ValueStatus parse_value(std::string_view text, PollMask& out) {
  return parse_mask_field(text, kPollBitNames, "poll", "event", out);
}

void print_value(std::string& out, UringSetupMask v) { out += mask_to_names(v.bits, kUringSetupBitNames); }
void print_value(std::string& out, SqeFlagMask v) { out += mask_to_names(v.bits, kSqeFlagNames); }
void print_value(std::string& out, UringOpFlags v) { out += mask_to_names(v.bits, kUringOpFlagNames); }

ValueStatus parse_value(std::string_view text, UringSetupMask& out) {
  return parse_mask_field(text, kUringSetupBitNames, "io_uring setup", "flag", out);
}

ValueStatus parse_value(std::string_view text, SqeFlagMask& out) {
  return parse_mask_field(text, kSqeFlagNames, "SQE", "flag", out);
}

ValueStatus parse_value(std::string_view text, UringOpFlags& out) {
  return parse_mask_field(text, kUringOpFlagNames, "io_uring op", "flag", out);
}


ValueStatus parse_value(std::string_view text, PollEntries& out) {
  out.clear();
  return parse_list(text, "[h0:IN,-1:OUT]", [&](std::string_view elem) {
    PollEntry entry;
    ValueStatus err = parse_poll_entry(elem, entry);
    out.push_back(entry);
    return err;
  });
}

ValueStatus parse_value(std::string_view text, HandleList& out) {
  out.clear();
  return parse_list(text, "[h0,h1]", [&](std::string_view elem) {
    Handle h;
    ValueStatus err = parse_slot(elem, h.slot);
    out.push_back(h);
    return err;
  });
}

ValueStatus parse_value(std::string_view text, Nfds& out) {
  const auto expected = [&] {
    return fail(0, fmt::format("expected exact, exact+N, exact-N or an integer, got {}", quote(text)));
  };
  if (!text.starts_with("exact")) {
    out.relative = false;
    switch (to_number(text, out.value)) {
      case NumStatus::Ok:
        return {};
      case NumStatus::TooBig:
        return out_of_range(text, "expected a 32-bit integer");
      case NumStatus::Malformed:
        return expected();
    }
  }
  out.relative = true;
  out.value = 0;
  const std::string_view rest = text.substr(5);
  if (rest.empty()) return {};
  if (rest[0] != '+' && rest[0] != '-') return expected();
  std::uint64_t magnitude = 0;
  const NumStatus st = to_number(rest.substr(1), magnitude);
  if (st == NumStatus::Malformed) return expected();
  const std::int64_t lo = std::numeric_limits<std::int32_t>::min();
  const std::int64_t hi = std::numeric_limits<std::int32_t>::max();
  const bool negative = rest[0] == '-';
  if (st == NumStatus::TooBig || magnitude > static_cast<std::uint64_t>(negative ? -lo : hi))
    return out_of_range(text, "the offset must fit in 32 bits");
  const std::int64_t offset = static_cast<std::int64_t>(magnitude);
  out.value = static_cast<std::int32_t>(negative ? -offset : offset);
  return {};
}

}  // namespace pc
