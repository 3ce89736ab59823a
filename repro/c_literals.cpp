#include "repro/c_literals.h"

#include <climits>

#include <fmt/format.h>

#include "vocab/observation.h"

namespace pc {

// Text inside a /* */ comment: nothing in it may end the comment, open a nested one (-Wcomment)
// or form a trigraph (-std=c99 reads them, and -Wtrigraphs warns).
std::string c_comment_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    const char prev = out.empty() ? '\0' : out.back();
    if (u < 0x20 || u == 0x7f) {
      out += ' ';
    } else if ((prev == '*' && c == '/') || (prev == '/' && c == '*') || (prev == '?' && c == '?')) {
      out += ' ';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

// A C string literal with the same bytes.
std::string c_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '?') {
      out += "\\?";  // never part of a trigraph
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\{:03o}", u);  // octal: at most three digits, unlike \x
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string c_i64(std::int64_t v) {
  if (v == INT64_MIN) return "(-9223372036854775807LL - 1)";
  if (v >= INT_MIN + 1 && v <= INT_MAX) return fmt::format("{}", v);
  return fmt::format("{}LL", v);
}

std::string c_i32(std::int32_t v) {
  return v == INT_MIN ? "(-2147483647 - 1)" : fmt::format("{}", v);
}

std::string c_u32(std::uint32_t v) {
  return v <= INT_MAX ? fmt::format("{}", v) : fmt::format("{}u", v);
}

std::string c_u64(std::uint64_t v) { return fmt::format("{}ULL", v); }

// The slot an op reads: h[N], or -1 for a slot beyond the table (which names no descriptor).
std::string slot(Handle h) {
  return h.slot < kMaxHandles ? fmt::format("h[{}]", h.slot) : std::string("-1");
}

// The slot a creator binds: &h[N], or NULL for a slot beyond the table (bound nowhere).
std::string slot_ptr(OutHandle h) {
  return h.slot < kMaxHandles ? fmt::format("&h[{}]", h.slot) : std::string("NULL");
}

// An errno value as its symbol when pollcheck knows its name ("EAGAIN"), else as a number.
std::string c_errno(int err) {
  const std::string_view name = errno_symbol(err);
  return name.empty() ? fmt::format("{}", err) : std::string(name);
}

// A mask as the header's symbols: "EPOLLIN | EPOLLET", with unnamed bits as one hex literal.
std::string c_mask(std::uint32_t bits, std::span<const BitName> table, std::string_view prefix) {
  if (bits == 0) return "0";
  std::string out;
  for (const BitName& b : table) {
    if ((bits & b.bit) == 0) continue;
    out += fmt::format("{}{}{}", out.empty() ? "" : " | ", prefix, b.name);
    bits &= ~b.bit;
  }
  if (bits != 0) out += fmt::format("{}{:#x}u", out.empty() ? "" : " | ", bits);
  return out;
}

std::string c_epoll_mask(std::uint32_t bits) { return c_mask(bits, kEpollBitNames, "EPOLL"); }

std::string c_poll_mask(std::uint16_t bits) {
  const std::string m = c_mask(bits, kPollBitNames, "POLL");
  // pollfd.events is a short: a mask past its range needs the cast to stay warning-free.
  return bits > 0x7fff ? fmt::format("(short)({})", m) : m;
}

std::string c_int_list(const std::vector<int>& v) {
  return c_array_arg("int", v, [](int x) { return fmt::format("{}", x); });
}

std::string c_events_arg(const std::vector<EpollEventObs>& v) {
  return c_array_arg("struct event", v, [](const EpollEventObs& e) {
    return fmt::format("{{{}, {}}}", c_epoll_mask(e.events), c_u64(e.data));
  });
}

std::string c_events_literal(const std::vector<EpollEventObs>& v) {
  if (v.empty()) return "NULL";
  const std::string arg = c_events_arg(v);
  return arg.substr(0, arg.rfind(", "));
}

std::string c_revents_arg(const std::vector<std::uint16_t>& v) {
  return c_array_arg("unsigned short", v, [](std::uint16_t r) { return c_mask(r, kPollBitNames, "POLL"); });
}

}  // namespace pc
