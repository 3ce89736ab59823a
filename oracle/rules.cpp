#include "oracle/rules.h"

#include <array>

namespace pc {
namespace {
constexpr std::array<RuleInfo, kRuleCount> kCatalog{{
#define RULE(e, id, mech, profile, source, text) {RuleId::e, id, mech, profile, source, text},
#include "oracle/rules.def"
#undef RULE
}};
}  // namespace

std::span<const RuleInfo> rule_catalog() { return kCatalog; }
const RuleInfo& rule_info(RuleId r) { return kCatalog[static_cast<std::size_t>(r)]; }

const RuleInfo* rule_by_id(std::string_view id) {
  for (const RuleInfo& r : kCatalog)
    if (r.id == id) return &r;
  return nullptr;
}

bool counts_buffer_space(RuleId r) { return r == RuleId::RD_PIPE_SLOTS || r == RuleId::RD_UNIX_SNDBUF; }

bool judged_exactly(RuleId r, Profile p) {
  const std::optional<Profile> least = profile_from_name(rule_info(r).profile);
  return least && strictness(p) >= strictness(*least);
}

}  // namespace pc
