// A trace written into a test: parsed, or the test fails with the parser's message (and gets
// an empty trace to go on with).
#pragma once

#include <string_view>
#include <utility>
#include <variant>

#include <gtest/gtest.h>

#include "format/trace_format.h"

namespace pc {

inline Trace parse_or_fail(std::string_view text) {
  auto parsed = parse_trace(text, "<test>");
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<Trace>(std::move(parsed));
}

}  // namespace pc
