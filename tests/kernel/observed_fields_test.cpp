// The table of which observation fields each op fills (vocab/obs_fields.h) against the kernel:
// over generated sequences, the executor fills nothing the table does not name. pin_of and the
// pin round-trip test trust the table; this keeps it honest.
#include <cstddef>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "harness/campaign.h"
#include "kernel/executor.h"
#include "kernel/kernel_params.h"
#include "oracle/params.h"
#include "vocab/obs_fields.h"

namespace pc {
namespace {

// The fields of obs that are away from their default but not named by fills.
std::string unnamed_fields(ObsFields fills, const Observation& obs) {
  const Observation def;
  std::string out;
  const auto note = [&](ObsField f, bool set, std::string_view name) {
    if (set && !fills.has(f)) out += fmt::format("{} ", name);
  };
  note(kObsFds, obs.fds != def.fds, "fds");
  note(kObsDigest, obs.digest != def.digest, "digest");
  note(kObsWrites, obs.writes != def.writes, "writes");
  note(kObsEvents, obs.events != def.events, "events");
  note(kObsRevents, obs.revents != def.revents, "revents");
  note(kObsSets, obs.sets != def.sets, "sets");
  note(kObsTimeout, obs.timeout_left_us != def.timeout_left_us, "timeout");
  note(kObsClobbered, obs.clobbered != def.clobbered, "clobbered");
  note(kObsRing, obs.sq_entries != def.sq_entries || obs.cq_entries != def.cq_entries, "ring");
  note(kObsCqes, obs.cqes != def.cqes, "cqes");
  note(kObsEarly, obs.early != def.early, "early");
  return out;
}

TEST(ObservedFields, TheExecutorFillsOnlyWhatTheTableNames) {
  KernelParams probe;
  LearnedParams params(probe);
  GenOptions options = generation_options(params.calibrate(Profile::Linux));
  options.cheap_fills = true;
  std::size_t checked = 0;
  for (std::size_t seq = 0; seq < 60; ++seq) {
    const Trace trace = make_sequence(sequence_seed(11, seq), 80, Profile::Linux, options);
    KernelExecutor executor;
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      const Op& op = trace.steps[i].op;
      const Observation obs = executor.run(op, i + 1);
      EXPECT_EQ(unnamed_fields(observed_fields(op), obs), "")
          << "sequence " << seq << " step " << i + 1 << ": " << print_op(op);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60u * 80u);
}

}  // namespace
}  // namespace pc
