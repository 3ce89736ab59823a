// A trace that records the descriptors its harness held runs with placeholders at those numbers
// where they are free here, so its descriptors get the numbers they had where it was found, and
// the placeholders are gone after the run.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "oracle/params.h"

namespace pc {
namespace {

std::string fmt_trace(int held) {
  return "pollcheck-trace 1\nprofile linux\nheld " + std::to_string(held) +
         "\neventfd semaphore=false out=h0\nclose fd=h0\n";
}

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

TEST(HeldDescriptors, ATraceRunsWithTheNumbersItWasFoundWith) {
  // The two lowest free numbers here: the trace says its harness held the first of them.
  const int lowest = dup(0);
  ASSERT_GE(lowest, 0);
  const int next = dup(0);
  ASSERT_GE(next, 0);
  close(next);
  close(lowest);
  auto parsed = parse_trace(fmt_trace(lowest), "held.trace");
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed));
  KernelParams probe;
  LearnedParams params(probe);
  std::vector<int> created;
  const TraceResult r = run_trace(std::get<Trace>(parsed), params, nullptr,
                                  [&](std::size_t, const Op&, const Expectation&, const Observation& o) {
                                    created.insert(created.end(), o.fds.begin(), o.fds.end());
                                  });
  EXPECT_EQ(r.verdict, Verdict::Agree) << r.message;
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created.front(), next) << "the eventfd takes the number after the held one";
  EXPECT_NE(std::find(r.held.begin(), r.held.end(), lowest), r.held.end());
  EXPECT_FALSE(is_open(lowest)) << "the placeholder is closed after the run";
}

}  // namespace
}  // namespace pc
