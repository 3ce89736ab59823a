// Text form of each op field TYPE in the trace format (one printer and one parser per type, so
// that a new op needs no codec work unless it brings a new field type, and then fails to
// compile until it has one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ops.h"

namespace pc {

// Why a value failed to parse; offset is where in the value text the problem starts.
struct ValueError {
  std::size_t offset = 0;
  std::string message;
};
using ValueStatus = std::optional<ValueError>;  // empty: the value parsed

void print_value(std::string& out, Handle v);
void print_value(std::string& out, OutHandle v);
void print_value(std::string& out, std::uint32_t v);
void print_value(std::string& out, std::uint64_t v);
void print_value(std::string& out, std::int32_t v);
void print_value(std::string& out, bool v);
void print_value(std::string& out, SockType v);
void print_value(std::string& out, CtlOp v);
void print_value(std::string& out, ShutHow v);
void print_value(std::string& out, EpollMask v);
void print_value(std::string& out, PollMask v);
void print_value(std::string& out, const PollEntries& v);
void print_value(std::string& out, const HandleList& v);
void print_value(std::string& out, Nfds v);
void print_value(std::string& out, UringSetupMask v);
void print_value(std::string& out, SqeFlagMask v);
void print_value(std::string& out, UringOpFlags v);
void print_value(std::string& out, UringOpcode v);

// Each parses the whole of `text` (no surrounding blanks) or reports why not; on failure `out`
// holds an unspecified value.
ValueStatus parse_value(std::string_view text, Handle& out);
ValueStatus parse_value(std::string_view text, OutHandle& out);
ValueStatus parse_value(std::string_view text, std::uint32_t& out);
ValueStatus parse_value(std::string_view text, std::uint64_t& out);
ValueStatus parse_value(std::string_view text, std::int32_t& out);
ValueStatus parse_value(std::string_view text, bool& out);
ValueStatus parse_value(std::string_view text, SockType& out);
ValueStatus parse_value(std::string_view text, CtlOp& out);
ValueStatus parse_value(std::string_view text, ShutHow& out);
ValueStatus parse_value(std::string_view text, EpollMask& out);
ValueStatus parse_value(std::string_view text, PollMask& out);
ValueStatus parse_value(std::string_view text, PollEntries& out);
ValueStatus parse_value(std::string_view text, HandleList& out);
ValueStatus parse_value(std::string_view text, Nfds& out);
ValueStatus parse_value(std::string_view text, UringSetupMask& out);
ValueStatus parse_value(std::string_view text, SqeFlagMask& out);
ValueStatus parse_value(std::string_view text, UringOpFlags& out);
ValueStatus parse_value(std::string_view text, UringOpcode& out);

}  // namespace pc
