// Text format v1 of a Trace: what is saved, diffed in review, and written by hand.
//
//   pollcheck-trace 1
//   profile linux
//   kernel 6.18.44              (optional; omitted when unknown)
//   mutant lt-lost              (optional: the bug-zoo mutant it was run against)
//   finding step=7 op=epoll_wait rule=EP-LT fields=ret+events
//                               (optional: a saved finding's divergence; rule=- when none)
//   # header comments follow the header lines directly
//
//   # comments above an op belong to that op
//   write fd=h1 len=100 value=0
//     => ret=100                (optional: what this step pins, see vocab/pin.h)
//   # comments after the last op belong to the trace
//
// One op per line: its name, then every field as name=value in field order (any order is
// accepted on input, each field exactly once). Blank lines are dropped, with one exception that
// keeps the text unambiguous: before the first op, the first blank line ends the header
// comments, and comments after it belong to the first op (or, in a trace without ops, to the
// trailing comments). The printer emits that blank line only when it is needed.
//
// A pin goes on the line right after its op (no blank or comment line between): leading blanks,
// "=>", then its fields as name=value in any order, each at most once, the select sets rd=, wr=
// and ex= all three or none. The printer writes two spaces, "=> ", then the fields in Pin field
// order (just "  =>" for a pin of no field):
//
//   epoll_wait epfd=h2 maxevents=4
//     => ret=1 events=[IN:7]
//   select rd=[h0] wr=[] ex=[] nfds=exact
//     => ret=1 rd=[3] wr=[] ex=[]
//   read fd=h0 len=8
//     => ret=-1 err=EAGAIN
//
// ret and writes are decimal, err an errno name (E<number> for one without a name, 0 for none),
// fds and the sets lists of descriptor numbers, digest 0x hex, events MASK:DATA entries with
// epoll names and revents masks with poll names ("0" for no bits). A "=>" line with no op just
// above it, a second one for the same op, an unknown field or a malformed value is an error.
//
// Round trip: parse(print(t)) == t (pins included) for every trace whose handles are below
// kMaxHandles, whose enums hold named values, whose version is 1, and whose comments and kernel
// are single lines (the printer turns CR/LF in them into spaces rather than let them break the
// line structure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "vocab/ops.h"
#include "vocab/trace.h"

namespace pc {

struct ParseError {
  std::string file;
  int line = 0;  // 1-based; 0 when the file itself could not be read
  int col = 0;   // 1-based byte column; 0 when no position applies
  std::string message;

  // "file:line:col: message" (the position parts are left out when they are 0).
  std::string to_string() const;
  friend bool operator==(const ParseError&, const ParseError&) = default;

  // The error at byte offset pos (0-based) of a line.
  static ParseError at(std::string_view file, int line, std::size_t pos, std::string message);
};

// One op as a single line, without a newline.
std::string print_op(const Op& op);
std::string print_trace(const Trace& trace);

// Parses one op line; filename and line_number only label errors (col counts from the
// line's first byte, leading blanks included).
std::variant<Op, ParseError> parse_op(std::string_view line, std::string_view filename = "<op>",
                                      int line_number = 1);
std::variant<Trace, ParseError> parse_trace(std::string_view text, std::string_view filename);

// A pin's fields as "ret=1 events=[IN|OUT:7]", in Pin field order ("" for a pin of no field);
// a trace writes "  => " and this on the line after the op. (format/pin.cpp)
std::string print_pin(const Pin& pin);
// Parses a whole pin line: optional blanks, "=>", then the fields; col counts from the line's
// first byte, as for parse_op.
std::variant<Pin, ParseError> parse_pin(std::string_view line, std::string_view filename = "<pin>",
                                        int line_number = 1);

// A file that cannot be read is a ParseError with line 0.
std::variant<Trace, ParseError> load_trace_file(const std::string& path);
// A whole file's bytes; nullopt, and why ("cannot open: ENOENT (...)") in *error, when it cannot
// be read.
std::optional<std::string> load_text_file(const std::string& path, std::string* error = nullptr);
// Writes path.tmp.<pid> next to path, fsyncs it and renames it over path, so a reader (or a
// crash) never sees a half-written trace. On failure returns false and, if error is not null,
// says why.
bool save_trace_file_atomic(const std::string& path, const Trace& trace, std::string* error);
// The same for any text: a reproducer, a report.
bool save_text_file_atomic(const std::string& path, std::string_view text, std::string* error);

}  // namespace pc
