#include "harness/finding.h"

#include <fmt/format.h>

#include "harness/signature.h"

namespace pc {

bool is_finding(const TraceResult& r) {
  // No default: a verdict added later warns here (-Wswitch) until someone says whether it is a
  // finding, since run, reduce and the gVisor tests all ask this function.
  switch (r.verdict) {
    case Verdict::Agree:
    case Verdict::Skip:
    case Verdict::Unsettled: return false;
    case Verdict::Diverge:
    case Verdict::Leak: return true;
  }
  return true;
}

FindingKey finding_key(const TraceResult& r) {
  FindingKey k{r.verdict, {}};
  if (r.divergence) {
    k.signature = r.divergence->signature;
  } else if (r.verdict == Verdict::Leak) {
    k.signature.difference = r.fds_after > r.fds_before   ? "descriptors-left-open"
                             : r.fds_after < r.fds_before ? "descriptors-closed"
                                                          : "descriptors-replaced";
  }
  return k;
}

std::string key_text(const FindingKey& k) {
  if (k.verdict == Verdict::Diverge || !k.signature.op_kind.empty()) return to_string(k.signature);
  std::string text = k.signature.difference;
  if (k.verdict == Verdict::Leak)
    for (char& c : text)
      if (c == '-') c = ' ';
  return text;
}

std::string to_string(const FindingKey& k) {
  if (k.verdict == Verdict::Diverge || !k.signature.op_kind.empty()) return key_text(k);
  return fmt::format("{}: {}", verdict_name(k.verdict), key_text(k));
}

std::size_t finding_length(const TraceResult& r, std::size_t steps) {
  return r.divergence ? r.divergence->step : steps;
}

}  // namespace pc
