// The harness's cost against the kernel's: the same generated sequences run through the whole
// differ (oracle + kernel), through the executor alone (the syscalls and little else) and
// through the oracle alone. Compare the three in one run; absolute numbers are noise here.
#include <benchmark/benchmark.h>

#include "harness/campaign.h"
#include "harness/differ.h"
#include "kernel/executor.h"
#include "kernel/kernel_params.h"
#include "oracle/oracle.h"
#include "oracle/unmodeled.h"

namespace {

constexpr std::size_t kSequences = 32;
constexpr std::size_t kOps = 100;

const std::vector<pc::Trace>& traces() {
  static const std::vector<pc::Trace> t = [] {
    std::vector<pc::Trace> v;
    for (std::size_t i = 0; i < kSequences; ++i)
      v.push_back(pc::make_sequence(pc::sequence_seed(1, i), kOps, pc::Profile::Linux));
    return v;
  }();
  return t;
}

pc::LearnedParams& params() {
  static pc::KernelParams source;
  static pc::LearnedParams learned(source);
  return learned;
}

void BM_Differ(benchmark::State& state) {
  for (auto _ : state)
    for (const pc::Trace& t : traces()) benchmark::DoNotOptimize(pc::run_trace(t, params()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSequences * kOps));
}

void BM_KernelOnly(benchmark::State& state) {
  for (auto _ : state)
    for (const pc::Trace& t : traces()) {
      pc::KernelExecutor kernel;
      for (std::size_t i = 0; i < t.steps.size(); ++i)
        benchmark::DoNotOptimize(kernel.run(t.steps[i].op, i + 1));
    }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSequences * kOps));
}

void BM_OracleOnly(benchmark::State& state) {
  const std::set<int> occupied = pc::KernelExecutor::open_fds();
  for (auto _ : state)
    for (const pc::Trace& t : traces()) {
      pc::Oracle oracle(pc::Profile::Linux, params(), occupied);
      for (std::size_t i = 0; i < t.steps.size(); ++i) {
        try {
          pc::Expectation e = oracle.expect(t.steps[i].op, i + 1);
          oracle.commit(t.steps[i].op, i + 1, e.allowed.front());
        } catch (const pc::Unmodeled&) {
          // skipped, as the differ skips them
        }
      }
    }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSequences * kOps));
}

BENCHMARK(BM_Differ)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OracleOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
