// The reproducer carries the C runtime (repro/runtime/) as one self-contained file: every
// runtime file it needs inlined once, no local #include left, and nothing beyond libc unless
// the trace has io_uring steps or waiter threads.
#include <map>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "harness/campaign.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "oracle/oracle.h"
#include "repro/c_emitter.h"
#include "repro/runtime_text.h"

namespace pc {
namespace {

std::string emit(const Trace& trace) {
  KernelParams source;
  LearnedParams params(source);
  return emit_c_reproducer(trace, params, kernel_release(), nullptr);
}

bool has_step(const Trace& trace, auto pred) {
  for (const Step& s : trace.steps)
    if (std::visit(pred, s.op)) return true;
  return false;
}

TEST(ReproRuntime, EachRuntimeFileIsInlinedOnceWithoutLocalIncludes) {
  const std::regex banner(R"(/\* ---- (pc_[a-z_]+\.[ch]) \(pollcheck's C runtime)");
  const std::regex local_include(R"re(#[ \t]*include[ \t]*")re");
  for (std::size_t i = 0; i < 30; ++i) {
    const Trace trace = make_sequence(sequence_seed(77, i), 60, Profile::Linux);
    const std::string program = emit(trace);
    EXPECT_FALSE(std::regex_search(program, local_include)) << "seed index " << i;
    std::map<std::string, int> seen;
    for (auto it = std::sregex_iterator(program.begin(), program.end(), banner); it != std::sregex_iterator(); ++it)
      ++seen[(*it)[1].str()];
    EXPECT_FALSE(seen.empty());
    for (const auto& [file, count] : seen) EXPECT_EQ(count, 1) << file << " (seed index " << i << ")";
    for (const auto& [file, count] : seen) {
      bool known = false;
      for (const RuntimeFile& f : runtime_files()) known = known || f.name == file;
      EXPECT_TRUE(known) << file;
    }
  }
}

TEST(ReproRuntime, ATraceWithoutThreadsOrIoUringNeedsOnlyLibc) {
  std::size_t without_threads = 0, without_uring = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const Trace trace = make_sequence(sequence_seed(78, i), 8, Profile::Linux);
    const bool threads = has_step(trace, [](const auto& op) {
      using T = std::decay_t<decltype(op)>;
      return std::is_same_v<T, Waiters> || std::is_same_v<T, JoinWaiters> || std::is_same_v<T, TimedWait>;
    });
    const bool uring = has_step(trace, [](const auto& op) {
      using T = std::decay_t<decltype(op)>;
      return std::is_same_v<T, UringSetup> || std::is_same_v<T, UringPrep> || std::is_same_v<T, UringSubmit> ||
             std::is_same_v<T, UringReap>;
    });
    const std::string program = emit(trace);
    if (!threads) EXPECT_EQ(program.find("#include <pthread.h>"), std::string::npos) << "seed index " << i;
    if (!uring) EXPECT_EQ(program.find("#include <liburing.h>"), std::string::npos) << "seed index " << i;
    without_threads += !threads;
    without_uring += !uring;
  }
  // Short traces: some have no threads and some no io_uring, or this test checks nothing.
  EXPECT_GT(without_threads, 0u);
  EXPECT_GT(without_uring, 0u);
}

}  // namespace
}  // namespace pc
