// Small text helpers shared by the trace parser and its value codecs.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace pc {

// The format separates tokens with spaces and tabs only; anything else is part of a token.
constexpr bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_left(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_blank_char(s[i])) ++i;
  return s.substr(i);
}

constexpr std::string_view trim_right(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && is_blank_char(s[n - 1])) --n;
  return s.substr(0, n);
}

constexpr std::string_view trim(std::string_view s) { return trim_right(trim_left(s)); }

// Input text in an error message: quoted, escaped so that any bytes (the parser is fuzzed)
// give a printable one-line message, and cut short so that a huge token stays readable.
inline std::string quote(std::string_view s) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

}  // namespace pc
