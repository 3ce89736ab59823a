// A trace: a header and a list of ops, the unit that is generated, replayed, reduced and saved.
#pragma once

#include <string>
#include <vector>

#include "vocab/ops.h"
#include "vocab/pin.h"

namespace pc {

enum class Profile : std::uint8_t { Linux, Doc };

inline constexpr int kTraceFormatVersion = 1;

struct Step {
  std::vector<std::string> comments;  // full-line comments just above the op, without "# "
  Op op;
  std::optional<Pin> pin;  // what the trace pins for this step beyond the oracle
  friend bool operator==(const Step&, const Step&) = default;
};

struct Trace {
  int version = kTraceFormatVersion;
  Profile profile = Profile::Linux;
  std::string kernel;                 // release the trace was made on ("" if unknown)
  std::vector<std::string> comments;  // comments at the head of the file
  std::vector<Step> steps;
  std::vector<std::string> trailing_comments;
  friend bool operator==(const Trace&, const Trace&) = default;
};

std::string_view profile_name(Profile p);

}  // namespace pc
