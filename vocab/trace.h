// A trace: a header and a list of ops, the unit that is generated, replayed, reduced and saved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vocab/ops.h"
#include "vocab/pin.h"

namespace pc {

// How strictly the oracle judges. Each rule names the least strict profile that judges it
// exactly (oracle/rules.def): doc judges what the man pages promise; compat adds Linux's
// semantics (wakeups, readiness, errors) for implementations that re-implement Linux; linux adds
// Linux's own memory accounting (skb truesize, pipe page slots), which decides when buffers fill.
enum class Profile : std::uint8_t { Linux, Doc, Compat };
inline constexpr EnumName<Profile> kProfileNames[] = {
    {Profile::Linux, "linux"}, {Profile::Doc, "doc"}, {Profile::Compat, "compat"}};
constexpr std::span<const EnumName<Profile>> enum_names(Profile) { return kProfileNames; }
// doc < compat < linux: a stricter profile judges exactly every rule a laxer one does.
constexpr int strictness(Profile p) {
  return p == Profile::Doc ? 0 : p == Profile::Compat ? 1 : 2;
}
// Whether a profile judges buffer capacity by Linux's accounting (only linux does); the others
// admit every capacity outcome within the documented bounds and follow the one observed.
constexpr bool judges_accounting(Profile p) { return p == Profile::Linux; }

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
  // Descriptors above 2 the harness held open when the sequence ran (the `held` line): a
  // reproducer holds the same numbers, so that new descriptors get the numbers they got there
  // (select's sets and nfds depend on them).
  std::vector<int> held;
  std::vector<std::string> comments;  // comments at the head of the file
  std::vector<Step> steps;
  std::vector<std::string> trailing_comments;
  friend bool operator==(const Trace&, const Trace&) = default;
};

std::string_view profile_name(Profile p);
std::optional<Profile> profile_from_name(std::string_view name);
// "linux, doc or compat": for messages.
std::string profile_choices();

}  // namespace pc
