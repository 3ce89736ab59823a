// The harness's cost against the kernel's: the same generated sequences run through the whole
// differ (oracle + kernel), through the executor alone (the syscalls and little else) and
// through the oracle alone. Compare the three in one run (ci/perf-figures prints the ratios);
// absolute numbers are noise here. Every figure is in wall-clock time: the executor's waits
// for threads and for loopback traffic are part of what it costs.
#include <benchmark/benchmark.h>

#include "harness/campaign.h"
#include "harness/differ.h"
#include "kernel/executor.h"
#include "kernel/kernel_params.h"
#include "kernel/loopback_net.h"
#include "kernel/waiter_pool.h"
#include "oracle/oracle.h"
#include "oracle/unmodeled.h"

namespace {

constexpr std::size_t kSequences = 32;
constexpr std::size_t kOps = 100;

pc::LearnedParams& params() {
  // As `pollcheck run` starts: TCP and UDP in a namespace of the bench's own, and the waiter
  // settle probed, before any other thread.
  [[maybe_unused]] static const bool started = (pc::enter_loopback_netns(), pc::waiter_settle_unavailable(), true);
  static pc::KernelParams source;
  static pc::LearnedParams learned(source);
  return learned;
}

const std::vector<pc::Trace>& traces() {
  static const std::vector<pc::Trace> t = [] {
    std::vector<pc::Trace> v;
    const pc::GenOptions gen = pc::generation_options(params().calibrate(pc::Profile::Linux));
    for (std::size_t i = 0; i < kSequences; ++i)
      v.push_back(pc::make_sequence(pc::sequence_seed(1, i), kOps, pc::Profile::Linux, gen));
    return v;
  }();
  return t;
}

// The ops the differ runs on the kernel side: those the oracle models. Where it skips an op
// (Unmodeled), neither side runs it, so the executor alone runs the trace without it.
const std::vector<pc::Trace>& kernel_traces() {
  static const std::vector<pc::Trace> t = [] {
    std::vector<pc::Trace> v;
    const std::set<int> occupied = pc::KernelExecutor::open_fds();
    for (const pc::Trace& full : traces()) {
      pc::Trace run = full;
      run.steps.clear();
      pc::Oracle oracle(pc::Profile::Linux, params(), occupied);
      for (std::size_t i = 0; i < full.steps.size(); ++i) {
        try {
          const pc::Expectation e = oracle.expect(full.steps[i].op, i + 1);
          oracle.commit(full.steps[i].op, i + 1, e.allowed.front());
          run.steps.push_back(full.steps[i]);
        } catch (const pc::Unmodeled& u) {
          if (u.missing_feature) break;
        }
      }
      v.push_back(std::move(run));
    }
    return v;
  }();
  return t;
}

std::int64_t ops_in(const std::vector<pc::Trace>& ts) {
  std::int64_t n = 0;
  for (const pc::Trace& t : ts) n += static_cast<std::int64_t>(t.steps.size());
  return n;
}

// Items are the traces' steps, for all three, as `pollcheck run` counts ops: the executor's
// share of them is the steps the differ runs on the kernel.
void BM_Differ(benchmark::State& state) {
  for (auto _ : state)
    for (const pc::Trace& t : traces()) benchmark::DoNotOptimize(pc::run_trace(t, params()));
  state.SetItemsProcessed(state.iterations() * ops_in(traces()));
}

void BM_KernelOnly(benchmark::State& state) {
  for (auto _ : state)
    for (const pc::Trace& t : kernel_traces()) {
      pc::KernelExecutor kernel;
      for (std::size_t i = 0; i < t.steps.size(); ++i)
        benchmark::DoNotOptimize(kernel.run(t.steps[i].op, i + 1));
    }
  state.SetItemsProcessed(state.iterations() * ops_in(traces()));
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
  state.SetItemsProcessed(state.iterations() * ops_in(traces()));
}

BENCHMARK(BM_Differ)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KernelOnly)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_OracleOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
