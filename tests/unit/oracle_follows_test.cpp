// Following the kernel: committing an observation (Model::apply with it) must leave the model
// where predicting that same outcome leaves it.
#include <variant>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "oracle/model.h"
#include "oracle/params.h"

namespace pc {
namespace {

// A datagram of no bytes is sent: write returns 0. Followed or predicted, it is then queued,
// so the reader's poll says IN (the soak's seed 7, where two woken threads ran in the other
// order and the model, following them, had dropped the datagram).
TEST(ModelFollows, AZeroLengthDatagramWriteWhoseRetIsZeroWasSent) {
  auto parsed = parse_trace("pollcheck-trace 1\nprofile linux\n"
                            "socketpair type=dgram a=h0 b=h1\n"
                            "write fd=h0 len=0 value=0\n"
                            "poll entries=[h1:IN] over_limit=0\n",
                            "zero.trace");
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed));
  const Trace& trace = std::get<Trace>(parsed);
  for (const bool follow : {false, true}) {
    FixedParams fixed;
    LearnedParams params(fixed);
    Model m(params, {0, 1, 2});
    RuleLog log;
    m.apply(trace.steps[0].op, 1, log, nullptr);
    Observation sent;
    sent.ret = 0;
    const Observation w = m.apply(trace.steps[1].op, 2, log, follow ? &sent : nullptr);
    EXPECT_EQ(w.ret, 0) << "follow " << follow;
    const Observation p = m.apply(trace.steps[2].op, 3, log, nullptr);
    EXPECT_EQ(p.ret, 1) << "follow " << follow;
  }
}

}  // namespace
}  // namespace pc
