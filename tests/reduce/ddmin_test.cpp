// ddmin on synthetic predicates: what it keeps, that the result is 1-minimal, that it is
// deterministic, and that a test may shorten the candidate it accepts.
#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "reduce/ddmin.h"

namespace pc {
namespace {

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

bool contains_all(const std::vector<int>& v, const std::set<int>& needed) {
  return std::ranges::all_of(needed, [&](int x) { return std::ranges::find(v, x) != v.end(); });
}

// Taking out any single element makes the test fail.
template <class Test>
void expect_one_minimal(const std::vector<int>& v, Test test) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::vector<int> c = v;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(test(c)) << "element " << v[i] << " could go";
  }
}

TEST(Ddmin, KeepsExactlyTheElementsTheFailureNeeds) {
  const std::set<int> needed{3, 17, 18, 60};
  int tests = 0;
  auto test = [&](const std::vector<int>& c) {
    ++tests;
    return contains_all(c, needed);
  };
  const std::vector<int> out = ddmin(iota(100), test);
  EXPECT_EQ(out, (std::vector<int>{3, 17, 18, 60}));
  // Chunk removal does far better than one element at a time (100 tests per pass).
  EXPECT_LT(tests, 150);
}

TEST(Ddmin, ResultIsOneMinimalForAnOrderDependentFailure) {
  // Fails when an element of {10..19} comes before one of {40..49} and 70 is present: many
  // minimal answers, ddmin must reach one of them.
  auto test = [](const std::vector<int>& c) {
    auto first = std::ranges::find_if(c, [](int x) { return x >= 10 && x < 20; });
    const bool later = std::any_of(first, c.end(), [](int x) { return x >= 40 && x < 50; });
    return first != c.end() && later && std::ranges::find(c, 70) != c.end();
  };
  const std::vector<int> out = ddmin(iota(90), test);
  EXPECT_TRUE(test(out));
  EXPECT_EQ(out.size(), 3u);
  expect_one_minimal(out, test);
}

TEST(Ddmin, IsDeterministic) {
  auto test = [](const std::vector<int>& c) {
    return std::accumulate(c.begin(), c.end(), 0) >= 500 && c.size() % 2 == 0;
  };
  const std::vector<int> a = ddmin(iota(64), test);
  const std::vector<int> b = ddmin(iota(64), test);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(test(a));
  expect_one_minimal(a, test);
}

TEST(Ddmin, KeepsTheShorterCandidateATestHandsBack) {
  // Like the reducer cutting a trace after the step where it now fails: everything after the
  // first 7 is dropped by the test itself.
  auto test = [](std::vector<int>& c) {
    auto seven = std::ranges::find(c, 7);
    if (seven == c.end()) return false;
    c.erase(seven + 1, c.end());
    return true;
  };
  EXPECT_EQ(ddmin(iota(50), test), std::vector<int>{7});
}

TEST(Ddmin, EdgeCases) {
  auto always = [](const std::vector<int>&) { return true; };
  auto never = [](const std::vector<int>&) { return false; };
  EXPECT_TRUE(ddmin(iota(9), always).empty());
  EXPECT_EQ(ddmin(iota(9), never), iota(9));
  EXPECT_TRUE(ddmin(std::vector<int>{}, always).empty());
  EXPECT_EQ(ddmin(std::vector<int>{5}, never), std::vector<int>{5});
}

}  // namespace
}  // namespace pc
