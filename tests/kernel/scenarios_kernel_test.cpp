// The documented examples (tests/common/scenarios.cpp) against the real kernel: the differ
// must find the kernel agreeing with the oracle at every step, and each expected text that
// does not name descriptor numbers must be what the kernel returned.
#include <map>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "vocab/observation.h"
#include "format/trace_format.h"
#include "oracle/params.h"
#include "kernel/loopback_net.h"
#include "tests/common/scenarios.h"

namespace pc {
namespace {

class KernelRules : public ::testing::TestWithParam<Scenario> {};

TEST_P(KernelRules, Agrees) {
  const Scenario& s = GetParam();
  if (!s.kernel_skip.empty()) GTEST_SKIP() << s.kernel_skip;
  const bool inet = s.trace.find("type=tcp") != std::string::npos || s.trace.find("type=udp") != std::string::npos;
  if (inet && !loopback_netns_unavailable().empty())
    GTEST_SKIP() << "TCP and UDP left out: " << loopback_netns_unavailable();
  SCOPED_TRACE(s.origin);
  auto parsed = parse_trace(s.trace, s.name);
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed)) << std::get<ParseError>(parsed).to_string();
  const Trace& trace = std::get<Trace>(parsed);

  KernelParams probe;
  LearnedParams params(probe);
  std::map<std::size_t, std::string> seen;
  const TraceResult r = run_trace(trace, params, nullptr,
                                  [&](std::size_t step, const Op& op, const Expectation&,
                                      const Observation& observed) {
                                    seen[step] = describe_observation(op, observed);
                                  });
  ASSERT_EQ(r.verdict, Verdict::Agree)
      << verdict_name(r.verdict) << "\n"
      << (r.divergence ? describe_divergence(*r.divergence) : r.message);
  EXPECT_EQ(r.skipped, 0u) << r.message;
  EXPECT_EQ(r.steps_run, trace.steps.size());

  for (const auto& [step, text] : s.expect) {
    if (names_fd_numbers(text)) continue;
    ASSERT_TRUE(seen.contains(step)) << "step " << step << " did not run";
    EXPECT_EQ(seen[step], text) << "step " << step << ": " << print_op(trace.steps[step - 1].op);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, KernelRules, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace pc
