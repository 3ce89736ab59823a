// Text form of each op field TYPE in the trace format (one printer and one parser per type, so
// that a new op needs no codec work unless it brings a new field type, and then fails to
// compile until it has one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "vocab/mask_names.h"
#include "vocab/ops.h"
#include "vocab/text_util.h"
#include "vocab/uring_opcodes.h"

namespace pc {

// Why a value failed to parse; offset is where in the value text the problem starts.
struct ValueError {
  std::size_t offset = 0;
  std::string message;
};
using ValueStatus = std::optional<ValueError>;  // empty: the value parsed

// "IN|OUT|0x10000000": names from the table, "0", or 0x hex literals for bits without a name,
// within `width` bits. kind names the mask ("epoll"), noun its members ("event").
ValueStatus parse_mask(std::string_view text, std::span<const BitName> table, std::string_view kind,
                       std::string_view noun, int width, std::uint32_t& bits);

// "[a,b,c]" with optional blanks around elements; parse_elem sees each element trimmed.
template <class ParseElem>
ValueStatus parse_list(std::string_view text, std::string_view example, ParseElem&& parse_elem) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']')
    return ValueError{0, "expected a list like " + std::string(example) + ", got " + quote(text)};
  const std::string_view inner = text.substr(1, text.size() - 2);
  if (trim(inner).empty()) return {};
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = inner.find(',', pos);
    const std::string_view raw =
        inner.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    const std::size_t lead = raw.size() - trim_left(raw).size();
    if (ValueStatus err = parse_elem(trim(raw))) {
      err->offset += 1 + pos + lead;  // 1 for the '['
      return err;
    }
    if (comma == std::string_view::npos) return {};
    pos = comma + 1;
  }
}

void print_value(std::string& out, Handle v);
void print_value(std::string& out, OutHandle v);
void print_value(std::string& out, std::uint32_t v);
void print_value(std::string& out, std::uint64_t v);
void print_value(std::string& out, std::int32_t v);
void print_value(std::string& out, bool v);
void print_value(std::string& out, EpollMask v);
void print_value(std::string& out, PollMask v);
void print_value(std::string& out, const PollEntries& v);
void print_value(std::string& out, const HandleList& v);
void print_value(std::string& out, Nfds v);
void print_value(std::string& out, UringSetupMask v);
void print_value(std::string& out, SqeFlagMask v);
void print_value(std::string& out, UringOpFlags v);

// Each parses the whole of `text` (no surrounding blanks) or reports why not; on failure `out`
// holds an unspecified value.
ValueStatus parse_value(std::string_view text, Handle& out);
ValueStatus parse_value(std::string_view text, OutHandle& out);
ValueStatus parse_value(std::string_view text, std::uint32_t& out);
ValueStatus parse_value(std::string_view text, std::uint64_t& out);
ValueStatus parse_value(std::string_view text, std::int32_t& out);
ValueStatus parse_value(std::string_view text, bool& out);
ValueStatus parse_value(std::string_view text, EpollMask& out);
ValueStatus parse_value(std::string_view text, PollMask& out);
ValueStatus parse_value(std::string_view text, PollEntries& out);
ValueStatus parse_value(std::string_view text, HandleList& out);
ValueStatus parse_value(std::string_view text, Nfds& out);
ValueStatus parse_value(std::string_view text, UringSetupMask& out);
ValueStatus parse_value(std::string_view text, SqeFlagMask& out);
ValueStatus parse_value(std::string_view text, UringOpFlags& out);

// Every enum of the vocabulary, by the names its table gives (enum_names beside the enum).
template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) { enum_names(e); };

template <NamedEnum E>
void print_value(std::string& out, E v) {
  for (const auto& e : enum_names(v))
    if (e.value == v) {
      out += e.name;
      return;
    }
  // Not a named value (a cast gone wrong): show the number; the parser will refuse it.
  out += std::to_string(static_cast<int>(v));
}

template <NamedEnum E>
ValueStatus parse_value(std::string_view text, E& out) {
  const auto table = enum_names(out);
  std::string expected;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].name == text) {
      out = table[i].value;
      return {};
    }
    expected += i == 0 ? "" : (i + 1 == table.size() ? " or " : ", ");
    expected += table[i].name;
  }
  return ValueError{0, "expected " + expected + ", got " + quote(text)};
}

}  // namespace pc
