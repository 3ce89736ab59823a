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

}  // namespace pc
