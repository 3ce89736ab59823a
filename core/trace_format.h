// Text format v1 of a Trace: what is saved, diffed in review, and written by hand.
//
//   pollcheck-trace 1
//   profile linux
//   kernel 6.18.44              (optional; omitted when unknown)
//   # header comments follow the header lines directly
//
//   # comments above an op belong to that op
//   write fd=h1 len=100 value=0
//   # comments after the last op belong to the trace
//
// One op per line: its name, then every field as name=value in field order (any order is
// accepted on input, each field exactly once). Blank lines are dropped, with one exception that
// keeps the text unambiguous: before the first op, the first blank line ends the header
// comments, and comments after it belong to the first op (or, in a trace without ops, to the
// trailing comments). The printer emits that blank line only when it is needed.
//
// Round trip: parse(print(t)) == t for every trace whose handles are below kMaxHandles, whose
// enums hold named values, whose version is 1, and whose comments and kernel are single lines
// (the printer turns CR/LF in them into spaces rather than let them break the line structure).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/ops.h"
#include "core/trace.h"

namespace pc {

struct ParseError {
  std::string file;
  int line = 0;  // 1-based; 0 when the file itself could not be read
  int col = 0;   // 1-based byte column; 0 when no position applies
  std::string message;

  // "file:line:col: message" (the position parts are left out when they are 0).
  std::string to_string() const;
  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// One op as a single line, without a newline.
std::string print_op(const Op& op);
std::string print_trace(const Trace& trace);

// Parses one op line; filename and line_number only label errors (col counts from the
// line's first byte, leading blanks included).
std::variant<Op, ParseError> parse_op(std::string_view line, std::string_view filename = "<op>",
                                      int line_number = 1);
std::variant<Trace, ParseError> parse_trace(std::string_view text, std::string_view filename);

// A file that cannot be read is a ParseError with line 0.
std::variant<Trace, ParseError> load_trace_file(const std::string& path);
// Writes path.tmp.<pid> next to path, fsyncs it and renames it over path, so a reader (or a
// crash) never sees a half-written trace. On failure returns false and, if error is not null,
// says why.
bool save_trace_file_atomic(const std::string& path, const Trace& trace, std::string* error);

}  // namespace pc
