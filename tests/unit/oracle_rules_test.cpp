// The documented examples (tests/common/scenarios.cpp) on the oracle alone: each step's
// Linux outcome must read as the example says, and the rules the example names must be among
// those the oracle applied.
#include <map>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "vocab/observation.h"
#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/params.h"
#include "oracle/rules.h"
#include "oracle/unmodeled.h"
#include "tests/common/scenarios.h"

namespace pc {
namespace {

class OracleRules : public ::testing::TestWithParam<Scenario> {};

TEST_P(OracleRules, Matches) {
  const Scenario& s = GetParam();
  SCOPED_TRACE(s.origin);
  auto parsed = parse_trace(s.trace, s.name);
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed)) << std::get<ParseError>(parsed).to_string();
  const Trace& trace = std::get<Trace>(parsed);

  FixedParams fixed;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Linux, params, {0, 1, 2});
  std::set<std::string> applied;
  std::map<std::size_t, std::string> seen;
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    const std::size_t step = i + 1;
    const Op& op = trace.steps[i].op;
    Expectation e;
    try {
      e = oracle.expect(op, step);
    } catch (const Unmodeled& u) {
      FAIL() << "step " << step << ": " << print_op(op) << ": unmodeled: " << u.what();
    }
    ASSERT_FALSE(e.allowed.empty()) << "step " << step << ": " << print_op(op);
    const Observation obs = e.allowed.front();
    oracle.commit(op, step, obs);
    for (RuleId r : e.rules) applied.insert(std::string(rule_info(r).id));
    seen[step] = describe_observation(op, obs);
  }

  for (const auto& [step, text] : s.expect) {
    ASSERT_LE(step, trace.steps.size());
    EXPECT_EQ(seen[step], text) << "step " << step << ": " << print_op(trace.steps[step - 1].op);
  }
  for (const std::string& rule : s.rules)
    EXPECT_TRUE(applied.contains(rule)) << rule << " is not among the rules the oracle applied";
}

INSTANTIATE_TEST_SUITE_P(Scenarios, OracleRules, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return info.param.name;
                         });

TEST(OracleRulesCatalog, EveryRuleHasAScenario) {
  std::set<std::string> covered;
  for (const Scenario& s : scenarios()) covered.insert(s.rules.begin(), s.rules.end());
  for (const RuleInfo& r : rule_catalog())
    EXPECT_TRUE(covered.contains(std::string(r.id))) << r.id << " has no documented example";
}

TEST(OracleRulesCatalog, ScenariosNameOnlyCatalogRules) {
  std::set<std::string> known;
  for (const RuleInfo& r : rule_catalog()) known.insert(std::string(r.id));
  for (const Scenario& s : scenarios())
    for (const std::string& rule : s.rules)
      EXPECT_TRUE(known.contains(rule)) << s.name << " names unknown rule " << rule;
}

TEST(OracleRulesCatalog, ExpectedTextsThatNameDescriptors) {
  EXPECT_TRUE(names_fd_numbers("fds=[3,4]"));
  EXPECT_TRUE(names_fd_numbers("ret=1 rd=[] wr=[4] ex=[] tv=0"));
  EXPECT_FALSE(names_fd_numbers("ret=0 rd=[] wr=[] ex=[] tv=0"));
  EXPECT_FALSE(names_fd_numbers("ret=1 [IN data=7]"));
  EXPECT_FALSE(names_fd_numbers("-1 EBADF"));
}

}  // namespace
}  // namespace pc
