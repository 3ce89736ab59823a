// pollcheck fuzz-seeds: a seed corpus for fuzz_ops that covers the oracle's rules. Inputs are
// made from generator seeds (gen/fuzz_decoder.h encode_fuzz_input); each one is run through the
// differ at the linux profile, and one is kept when it agrees and checks a rule at a kind of op
// where no input kept before it checked that rule (a one-shot poll completed by a write, not
// only by its own submit). libFuzzer's byte mutations seldom assemble a deep state from scratch
// (a ring set up, a request pending on it, the wakeup that completes it), so the fuzzer starts
// near every rule instead of only near those the hand-picked seeds happened to reach.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gen/fuzz_decoder.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "oracle/rules.h"
#include "tools/commands.h"

namespace pc::cli {

int fuzz_seeds_command(const std::string& dir, std::uint64_t first, std::uint64_t count, std::size_t ops) {
  if (ops == 0 || ops > kFuzzMaxOps) {
    fmt::print(stderr, "pollcheck fuzz-seeds: --ops must be 1..{}\n", kFuzzMaxOps);
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  KernelParams source;
  LearnedParams params(source);
  // By op kind, then rule: whether an input kept so far checked that rule at that kind of op.
  std::vector<bool> covered(std::variant_size_v<Op> * kRuleCount);
  std::size_t kept = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const std::vector<std::uint8_t> input = encode_fuzz_input(seed, ops);
    std::vector<std::size_t> seen;
    const TraceResult r = run_trace(decode_fuzz_input(input), params, nullptr,
                                    [&](std::size_t, const Op& op, const Expectation& e, const Observation&) {
                                      for (RuleId rule : e.rules)
                                        seen.push_back(op.index() * kRuleCount + static_cast<std::size_t>(rule));
                                    });
    if (r.verdict != Verdict::Agree) continue;
    std::size_t fresh = 0;
    for (std::size_t k : seen)
      if (!covered[k]) covered[k] = true, ++fresh;
    if (!fresh) continue;
    const std::string path = fmt::format("{}/rules-{}-{}", dir, ops, seed);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
    if (!out) {
      fmt::print(stderr, "pollcheck fuzz-seeds: cannot write {}\n", path);
      return 2;
    }
    ++kept;
    fmt::print("{}: {} ops, {} (op, rule) pairs no earlier input checked\n", path, r.steps_run, fresh);
  }
  std::vector<bool> rules(kRuleCount);
  for (std::size_t k = 0; k < covered.size(); ++k)
    if (covered[k]) rules[k % kRuleCount] = true;
  fmt::print("pollcheck fuzz-seeds: {} inputs kept of {}, {} of {} rules checked, {} (op, rule) pairs\n", kept,
             count, std::count(rules.begin(), rules.end(), true), kRuleCount,
             std::count(covered.begin(), covered.end(), true));
  return 0;
}

}  // namespace pc::cli
