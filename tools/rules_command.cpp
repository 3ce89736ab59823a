#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "oracle/mutants.h"
#include "oracle/rules.h"
#include "tools/commands.h"

namespace pc::cli {

namespace {
// The profiles that judge a rule exactly; the others admit every outcome the rule's
// documentation leaves open (buffer capacity, Linux's choices).
std::vector<std::string> exact_profiles(const RuleInfo& r) {
  std::vector<std::string> out;
  for (const auto& p : kProfileNames)
    if (judged_exactly(r.rule, p.value)) out.emplace_back(p.name);
  return out;
}
}  // namespace

int rules_command(bool json) {
  if (json) {
    nlohmann::json rules = nlohmann::json::array();
    for (const RuleInfo& r : rule_catalog())
      rules.push_back({{"id", r.id}, {"mechanism", r.mechanism}, {"profile", r.profile},
                       {"judged_exactly_by", exact_profiles(r)}, {"source", r.source},
                       {"statement", r.statement}});
    fmt::print("{}\n", rules.dump(2));
    return kExitAgree;
  }
  fmt::print("Each rule is judged exactly by the profiles named after it; the others admit every\n"
             "outcome it leaves to the implementation.\n\n");
  for (const RuleInfo& r : rule_catalog())
    fmt::print("{:<22} {:<8} exact in: {:<19} {}\n    source: {}\n", r.id, r.mechanism,
               fmt::format("{}", fmt::join(exact_profiles(r), ", ")), r.statement, r.source);
  return kExitAgree;
}

bool mutant_option(std::string_view command, const std::string& name, Mutant& out, std::string_view origin) {
  if (name.empty()) return true;
  const auto m = mutant_from_name(name);
  if (!m) {
    fmt::print(stderr, "pollcheck {}: {}unknown mutant \"{}\" (see 'pollcheck mutants --list')\n", command,
               origin, name);
    return false;
  }
  out = *m;
  return true;
}

bool trace_mutant(std::string_view command, const std::string& option, const Trace& trace,
                  const std::string& path, Mutant& out) {
  if (!option.empty()) return mutant_option(command, option, out);
  return mutant_option(command, trace.mutant, out, fmt::format("{}: its 'mutant' line names an ", path));
}

}  // namespace pc::cli
