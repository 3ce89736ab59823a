// One op as one line of the trace format: "name field=value ...". Generic over each op's field
// table; the per-type value syntax lives in field_codec.
#include <climits>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "format/field_codec.h"
#include "vocab/text_util.h"
#include "format/trace_format.h"

namespace pc {

namespace {

struct LineError {
  std::size_t pos;  // byte offset in the line
  std::string message;
};

struct FieldToken {
  std::string_view key, value;
  std::size_t key_pos = 0, value_pos = 0;
};

std::size_t skip_blanks(std::string_view line, std::size_t p) {
  while (p < line.size() && is_blank_char(line[p])) ++p;
  return p;
}

std::size_t token_end(std::string_view line, std::size_t p) {
  while (p < line.size() && !is_blank_char(line[p])) ++p;
  return p;
}

// Splits "key=value key=[a, b] ..." starting at p. A value opening with '[' runs to the next
// ']' so that lists may contain blanks.
std::optional<LineError> split_fields(std::string_view line, std::size_t p,
                                      std::vector<FieldToken>& out) {
  while (true) {
    p = skip_blanks(line, p);
    if (p == line.size()) return std::nullopt;
    if (line[p] == '#') return LineError{p, "a comment must be on a line of its own"};
    const std::size_t end = token_end(line, p);
    const std::size_t eq = line.find('=', p);
    if (eq == std::string_view::npos || eq >= end)
      return LineError{p, fmt::format("expected field=value, got {}", quote(line.substr(p, end - p)))};
    if (eq == p) return LineError{p, "expected a field name before '='"};
    FieldToken tok{line.substr(p, eq - p), {}, p, eq + 1};
    p = eq + 1;
    if (p < line.size() && line[p] == '[') {
      const std::size_t close = line.find(']', p);
      if (close == std::string_view::npos) return LineError{p, "missing ']' to close the list"};
      tok.value = line.substr(p, close + 1 - p);
      p = close + 1;
      if (p < line.size() && !is_blank_char(line[p]))
        return LineError{p, fmt::format("expected a blank after ']', got {}",
                                        quote(line.substr(p, token_end(line, p) - p)))};
    } else {
      const std::size_t value_end = token_end(line, p);
      tok.value = line.substr(p, value_end - p);
      p = value_end;
    }
    out.push_back(tok);
  }
}

template <std::size_t I = 0>
std::optional<Op> make_op_named(std::string_view name) {
  if constexpr (I < std::variant_size_v<Op>) {
    if (std::variant_alternative_t<I, Op>::kName == name) return Op{std::in_place_index<I>};
    return make_op_named<I + 1>(name);
  } else {
    return std::nullopt;
  }
}

template <std::size_t... I>
std::string join_op_names(std::index_sequence<I...>) {
  std::string out;
  ((out += (I == 0 ? "" : ", "), out += std::variant_alternative_t<I, Op>::kName), ...);
  return out;
}

template <class T>
std::string field_names_of() {
  std::string out;
  const T sample{};
  for_each_field(sample, [&](std::string_view name, const auto&) {
    if (!out.empty()) out += ", ";
    out += name;
  });
  return out;
}

// Parses the tokens into op's fields, in the order they appear so that the first error
// reported is the leftmost one; then checks that none is missing.
template <class T>
std::optional<LineError> fill_fields(T& op, const std::vector<FieldToken>& tokens,
                                     std::size_t end_pos) {
  static_assert(std::tuple_size_v<decltype(T::fields())> <= 32, "seen is a 32-bit set");
  std::uint32_t seen = 0;
  std::uint32_t bound = 0;  // the slots the op's out fields bind so far
  for (const FieldToken& tok : tokens) {
    bool known = false, duplicate = false;
    ValueStatus err;
    int index = 0;
    for_each_field(op, [&](std::string_view name, auto& member) {
      if (!known && name == tok.key) {
        known = true;
        const std::uint32_t bit = std::uint32_t{1} << index;
        duplicate = (seen & bit) != 0;
        seen |= bit;
        if (!duplicate) err = parse_value(tok.value, member);
        if constexpr (std::is_same_v<std::decay_t<decltype(member)>, OutHandle>) {
          // Two descriptors in one slot: the first would be lost the moment it is made.
          if (!err && (bound >> member.slot & 1u))
            err = ValueError{0, fmt::format("h{} is bound by another field of this {} already: "
                                            "each descriptor it makes needs its own slot",
                                            member.slot, T::kName)};
          if (!err) bound |= 1u << member.slot;
        }
      }
      ++index;
    });
    if (!known)
      return LineError{tok.key_pos, fmt::format("unknown field {} for {} (fields: {})",
                                                quote(tok.key), T::kName, field_names_of<T>())};
    if (duplicate) return LineError{tok.key_pos, fmt::format("duplicate field {}", quote(tok.key))};
    if (err) return LineError{tok.value_pos + err->offset, std::move(err->message)};
  }
  std::optional<LineError> missing;
  int index = 0;
  for_each_field(op, [&](std::string_view name, const auto&) {
    if (!missing && (seen & (std::uint32_t{1} << index)) == 0 && !field_is_optional<T>(index))
      missing = LineError{end_pos, fmt::format("missing field {} for {}", quote(name), T::kName)};
    ++index;
  });
  return missing;
}

std::variant<Op, LineError> parse_op_line(std::string_view line) {
  const std::size_t name_pos = skip_blanks(line, 0);
  if (name_pos == line.size()) return LineError{name_pos, "expected an op"};
  const std::size_t name_end = token_end(line, name_pos);
  const std::string_view name = line.substr(name_pos, name_end - name_pos);
  std::optional<Op> op = make_op_named(name);
  if (!op)
    return LineError{name_pos,
                     fmt::format("unknown op {} (expected one of: {})", quote(name),
                                 join_op_names(std::make_index_sequence<std::variant_size_v<Op>>()))};
  std::vector<FieldToken> tokens;
  if (auto err = split_fields(line, name_end, tokens)) return *std::move(err);
  const std::size_t end_pos = trim_right(line).size();
  std::optional<LineError> err = std::visit([&](auto& o) { return fill_fields(o, tokens, end_pos); }, *op);
  if (err) return *std::move(err);
  return *std::move(op);
}

}  // namespace

std::string print_op(const Op& op) {
  std::string out;
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        out += o.kName;
        // An optional field at the value a default-made op has is left out, so that traces
        // saved before the field existed print as they did.
        std::vector<std::string> defaults;
        const T made{};
        for_each_field(made, [&](std::string_view, const auto& value) { print_value(defaults.emplace_back(), value); });
        std::size_t index = 0;
        for_each_field(o, [&](std::string_view name, const auto& value) {
          std::string text;
          print_value(text, value);
          if (!(field_is_optional<T>(index) && text == defaults[index])) out += fmt::format(" {}={}", name, text);
          ++index;
        });
      },
      op);
  return out;
}

std::variant<Op, ParseError> parse_op(std::string_view line, std::string_view filename,
                                      int line_number) {
  auto parsed = parse_op_line(line);
  if (auto* err = std::get_if<LineError>(&parsed))
    return ParseError::at(filename, line_number, err->pos, std::move(err->message));
  return std::get<Op>(std::move(parsed));
}

}  // namespace pc
