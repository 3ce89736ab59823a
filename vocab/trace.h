// A trace: a header and a list of ops, the unit that is generated, replayed, reduced and saved.
#pragma once

#include <optional>
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

// What identifies a divergence: the diverging op's kind, the rule it breaks and which
// observation fields differ (harness/signature.h says how each is chosen). A run, the reducer and
// a findings folder all name a divergence by it.
struct Signature {
  std::string op_kind;
  std::string rule;
  std::string difference;
  friend bool operator==(const Signature&, const Signature&) = default;
};

// A saved finding's divergence, as data: the trace's `finding` header line.
struct FindingHeader {
  std::size_t step = 0;  // 1-based
  Signature signature;
  friend bool operator==(const FindingHeader&, const FindingHeader&) = default;
};

struct Trace {
  int version = kTraceFormatVersion;
  Profile profile = Profile::Linux;
  std::string kernel;                 // release the trace was made on ("" if unknown)
  // The bug-zoo mutant the trace was run against ("" for the implementation itself): the
  // `mutant` header line, which replay, reduce and repro take up.
  std::string mutant;
  std::optional<FindingHeader> finding;  // where and how it diverged, when it is a finding
  std::vector<std::string> comments;  // comments at the head of the file
  std::vector<Step> steps;
  std::vector<std::string> trailing_comments;
  friend bool operator==(const Trace&, const Trace&) = default;
};

std::string_view profile_name(Profile p);

}  // namespace pc
