// The reducer's pure parts: argument simplification candidates, handle renumbering, and the
// rule a signature picks.
#include <sys/epoll.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "reduce/reduce_simplify.h"
#include "harness/signature.h"
#include "reduce/reducer.h"
#include "format/trace_format.h"

namespace pc {
namespace {

std::vector<std::string> printed(const std::vector<Op>& ops) {
  std::vector<std::string> out;
  for (const Op& op : ops) out.push_back(print_op(op));
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::ranges::find(v, s) != v.end();
}

TEST(SimplerOps, LengthsGoTowardsZeroOneEightAndHalf) {
  const auto c = printed(simpler_ops(Write{Handle{1}, 100, 0}, 0));
  EXPECT_EQ(c, (std::vector<std::string>{"write fd=h1 len=0 value=0", "write fd=h1 len=1 value=0",
                                         "write fd=h1 len=8 value=0", "write fd=h1 len=50 value=0"}));
  // Small numbers also step down by one (halving 3 skips 2).
  EXPECT_TRUE(has(printed(simpler_ops(EpollWait{Handle{0}, 3}, 0)), "epoll_wait epfd=h0 maxevents=2"));
  EXPECT_TRUE(simpler_ops(Read{Handle{0}, 0}, 0).empty());
}

TEST(SimplerOps, FillLengthStopsAtAPage) {
  const auto c = printed(simpler_ops(FillWrite{Handle{2}, 36000, 0}, 0));
  EXPECT_EQ(c, (std::vector<std::string>{"fill fd=h2 len=4096 value=0", "fill fd=h2 len=18000 value=0"}));
  EXPECT_TRUE(simpler_ops(FillWrite{Handle{2}, 100, 0}, 0).empty());
}

TEST(SimplerOps, FlagsClearOneBitAtATime) {
  const auto c = printed(simpler_ops(EpollCtl{Handle{0}, CtlOp::Add, Handle{1},
                                              EpollMask{EPOLLIN | EPOLLET}, 0}, 0));
  EXPECT_TRUE(has(c, "epoll_ctl epfd=h0 op=add fd=h1 events=ET data=0"));
  EXPECT_TRUE(has(c, "epoll_ctl epfd=h0 op=add fd=h1 events=IN data=0"));
}

TEST(SimplerOps, ListsLoseOneMemberAndComeFirst) {
  Poll p;
  p.entries = {PollEntry{PollTarget{1}, PollMask{1}}, PollEntry{PollTarget{-1}, PollMask{4}}};
  const auto c = printed(simpler_ops(p, 0));
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0], "poll entries=[-1:OUT] over_limit=0");
  EXPECT_EQ(c[1], "poll entries=[h1:IN] over_limit=0");
  const auto s = printed(simpler_ops(Select{{Handle{0}, Handle{2}}, {}, {}, Nfds{false, 9}}, 0));
  EXPECT_TRUE(has(s, "select rd=[h2] wr=[] ex=[] nfds=9"));
  EXPECT_TRUE(has(s, "select rd=[h0,h2] wr=[] ex=[] nfds=exact"));
}

TEST(SimplerOps, UsesMayNameALowerBoundSlot) {
  // h3 may become h0 or h2 (bound earlier), not h1 (never bound).
  const auto c = printed(simpler_ops(EpollWait{Handle{3}, 1}, 0b101));
  EXPECT_TRUE(has(c, "epoll_wait epfd=h0 maxevents=1"));
  EXPECT_TRUE(has(c, "epoll_wait epfd=h2 maxevents=1"));
  EXPECT_FALSE(has(c, "epoll_wait epfd=h1 maxevents=1"));
  EXPECT_TRUE(printed(simpler_ops(Dup{Handle{0}, OutHandle{5}}, 0)).empty());
}

TEST(RenumberHandles, FirstMentionOrderSameRenamingEverywhere) {
  Trace t;
  t.steps.push_back(Step{{}, MakePipe{OutHandle{7}, OutHandle{3}}, {}});
  t.steps.push_back(Step{{}, Poll{{PollEntry{PollTarget{3}, PollMask{4}}, PollEntry{PollTarget{-1}, PollMask{1}}}, 0}, {}});
  t.steps.push_back(Step{{}, Close{Handle{9}}, {}});
  t.steps.push_back(Step{{}, Write{Handle{3}, 1, 0}, {}});
  const Trace r = renumber_handles(t);
  std::vector<std::string> lines;
  for (const Step& s : r.steps) lines.push_back(print_op(s.op));
  EXPECT_EQ(lines, (std::vector<std::string>{"pipe rd=h0 wr=h1", "poll entries=[h1:OUT,-1:IN] over_limit=0",
                                             "close fd=h2", "write fd=h1 len=1 value=0"}));
  EXPECT_EQ(renumber_handles(r), r);
}

TEST(SignatureRule, MostSpecificWhenTheKernelLeftSomethingOut) {
  const std::vector<RuleId> rules{RuleId::EP_WAIT_EINVAL, RuleId::RD_PIPE_IN, RuleId::EP_LT,
                                  RuleId::EP_MASK, RuleId::EP_ET, RuleId::EP_CLOSE};
  EXPECT_EQ(signature_rule(rules, true), "EP-CLOSE");
  EXPECT_EQ(signature_rule({RuleId::EP_WAIT_EINVAL, RuleId::EP_LT, RuleId::EP_ET}, true), "EP-ET");
  EXPECT_EQ(signature_rule({RuleId::EP_CTL_ORDER, RuleId::EP_KEY, RuleId::EP_CTL_ENOENT}, true),
            "EP-CTL-ENOENT");
  // Nothing left out: the rules describe what the kernel got right; the call rule stands.
  EXPECT_EQ(signature_rule(rules, false), "EP-WAIT-EINVAL");
  // Object rules come with any entry: never picked over the call rule.
  EXPECT_EQ(signature_rule({RuleId::PO_LIMIT, RuleId::PO_REVENTS, RuleId::RD_EVENTFD,
                            RuleId::RD_UNIX_SHUTDOWN}, true), "PO-LIMIT");
  // Ops without a call rule: their first rule.
  EXPECT_EQ(signature_rule({RuleId::RD_PIPE_WRITE, RuleId::RD_PIPE_SLOTS}, true), "RD-PIPE-WRITE");
  EXPECT_EQ(signature_rule({}, true), "");
}

}  // namespace
}  // namespace pc

namespace pc {
namespace {

// A reduction keeps the divergence's values, not only its field names, so that it cannot drift
// to another cause with the same op, rule and fields; only what depends on the steps before
// (descriptor numbers, digests of payloads made from step numbers) is kept by name.
TEST(DivergenceCause, KeepsValuesButNotStepDependentOnes) {
  EXPECT_EQ(divergence_cause("ret: expected -1, observed 8; errno: expected EINVAL, observed 0"),
            "ret: expected -1, observed 8; errno: expected EINVAL, observed 0");
  EXPECT_NE(divergence_cause("writes: expected 1004, observed 998"), divergence_cause("writes: expected 1006, observed 1000"));
  EXPECT_EQ(divergence_cause("ret: expected 3, observed 2; fds: expected [5,6], observed [5]; digest: expected 0x1, observed 0x2"),
            "ret: expected 3, observed 2; fds; digest");
  EXPECT_EQ(divergence_cause("cqes: expected [4:1 digest=0xabc], observed [4:1 digest=0xdef]"),
            divergence_cause("cqes: expected [4:1 digest=0x123], observed [4:1 digest=0x456]"));
  EXPECT_NE(divergence_cause("cqes: expected [4:1 digest=0xabc], observed [3:1 digest=0xdef]"),
            divergence_cause("cqes: expected [4:1 digest=0x123], observed [4:1 digest=0x456]"));
  EXPECT_EQ(divergence_cause(""), "");
}

}  // namespace
}  // namespace pc
