// Rule identifiers and the catalog behind them (rules.def).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vocab/trace.h"

namespace pc {

enum class RuleId : std::uint16_t {
#define RULE(e, id, mech, profile, source, text) e,
#include "oracle/rules.def"
#undef RULE
  kCount
};

inline constexpr std::size_t kRuleCount = static_cast<std::size_t>(RuleId::kCount);

struct RuleInfo {
  RuleId rule;
  std::string_view id;         // "EP-ET"
  std::string_view mechanism;  // "epoll"
  std::string_view profile;    // the least strict profile judging it exactly: doc, compat, linux
  std::string_view source;     // man page section or kernel file
  std::string_view statement;
};

std::span<const RuleInfo> rule_catalog();
const RuleInfo& rule_info(RuleId r);
// The rule a report names by its id ("EP-ET"); nullptr for none.
const RuleInfo* rule_by_id(std::string_view id);
// Whether the rule is one of buffer accounting (how much a pipe or socket takes before it is
// full): the rules whose outcomes compat and doc admit as a range of counts.
bool counts_buffer_space(RuleId r);
// Whether a profile judges the rule exactly (rules.def: profile strictness doc < compat < linux).
bool judged_exactly(RuleId r, Profile p);

}  // namespace pc
