// A kernel that refuses io_uring (kernel.io_uring_disabled=2, or Docker's default seccomp
// profile), simulated with a seccomp filter that makes io_uring_setup fail with EPERM in a
// child process: the campaign leaves io_uring out with a clear line and still passes, and a
// trace with io_uring steps is skipped (its io_uring ops), not failed.
#include <algorithm>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "harness/campaign.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "format/trace_format.h"
#include "tests/util/sandbox.h"

namespace pc {
namespace {

// Runs body in a child with io_uring refused; the child's exit code (0: body held), or -1.
template <class Body>
int in_refusing_child(Body body) {
  return in_child(body, refuse_io_uring);
}

TEST(UringRefused, CampaignLeavesIoUringOutAndPasses) {
  const int rc = in_refusing_child([] {
    CampaignConfig config;
    config.sequences = 200;
    config.ops = 100;
    const CampaignSummary s = run_campaign(config);
    const auto uring = std::find_if(s.left_out.begin(), s.left_out.end(),
                                    [](const LeftOut& l) { return l.mechanism == "io_uring"; });
    if (uring == s.left_out.end() || uring->reason.find("refused") == std::string::npos)
      return 1;  // the clear message
    if (s.findings != 0) return 2;
    if (s.agree != s.sequences) return 3;
    for (std::size_t i = 0; i < kRuleCount; ++i) {
      const RuleInfo& r = rule_catalog()[i];
      const bool uring = r.mechanism == "io_uring" || r.rule == RuleId::X_AGREE;
      if (uring && s.counts.checked[i] != 0) return 4;  // nothing of io_uring ran
    }
    return 0;
  });
  EXPECT_EQ(rc, 0) << "1: no 'refused' reason, 2: findings, 3: disagreement, 4: io_uring rules "
                      "checked, 90: the seccomp filter could not be installed";
}

TEST(UringRefused, ATraceWithIoUringStepsIsSkippedNotFailed) {
  const int rc = in_refusing_child([] {
    const auto parsed = parse_trace(
        "pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\n"
        "uring_setup entries=4 flags=0 cq_entries=0 out=h2\n"
        "uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0\n"
        "uring_submit ring=h2\nuring_reap ring=h2 wait=0\nwrite fd=h1 len=1 value=0\n",
        "refused.trace");
    if (!std::holds_alternative<Trace>(parsed)) return 1;
    KernelParams source;
    LearnedParams params(source);
    const TraceResult r = run_trace(std::get<Trace>(parsed), params);
    if (r.verdict != Verdict::Skip) return 2;  // not a finding, not an agreement
    if (r.message.find("step 2: uring_setup") == std::string::npos) return 3;  // names where
    if (r.steps_run != 1) return 4;  // nothing after it ran: the ring it makes is needed later
    return 0;
  });
  EXPECT_EQ(rc, 0) << "1: parse, 2: not a skip, 3: the skip does not name the setup step, 4: steps";
}

}  // namespace
}  // namespace pc
