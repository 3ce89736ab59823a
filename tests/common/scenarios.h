// Documented examples, one or more per rule of the catalog, written once and run twice: on the
// oracle alone (tests/unit/oracle_rules_test.cpp) and against the kernel through the differ
// (tests/kernel/scenarios_kernel_test.cpp).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc {

struct Scenario {
  std::string name;                // a gtest-friendly name: [a-z0-9_]
  std::vector<std::string> rules;  // rule IDs the scenario exercises ("EP-ET")
  std::string origin;              // the man page, kernel selftest or LTP test it comes from
  std::string trace;               // trace text (format v1, profile linux)
  // (1-based step, describe_observation text), with the fd numbers an oracle whose occupied
  // descriptors are {0, 1, 2} gives (the first descriptor created is 3).
  std::vector<std::pair<std::size_t, std::string>> expect;
  // Why the scenario is skipped against the kernel ("" when it is not): a disagreement
  // between the oracle and the kernel, left for the lead to decide.
  std::string kernel_skip;
};

const std::vector<Scenario>& scenarios();

// One scenario from its script (see tests/common/scenarios.cpp for the syntax).
Scenario make_scenario(std::string name, std::vector<std::string> rules, std::string origin,
                       std::string_view script, std::string kernel_skip = "");
// The io_uring examples (tests/common/scenarios_uring.cpp).
void add_uring_scenarios(std::vector<Scenario>& v);
// The TCP, UDP and MSG_PEEK examples (tests/common/scenarios_inet.cpp).
void add_inet_scenarios(std::vector<Scenario>& v);
// The nested-epoll examples (tests/common/scenarios_nested.cpp).
void add_nested_scenarios(std::vector<Scenario>& v);
void add_waiter_scenarios(std::vector<Scenario>& v);  // tests/common/scenarios_waiters.cpp

// gtest prints a scenario parameter by its name.
void PrintTo(const Scenario& s, std::ostream* os);

// Whether an expected text names descriptor numbers, which differ between the oracle's
// {0, 1, 2} start and the real process.
bool names_fd_numbers(const std::string& expected_text);

}  // namespace pc
