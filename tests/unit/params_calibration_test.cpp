// Calibration: what a run leaves out, per profile, when a parameter is out of its bounds; and
// that such a value is never used.
#include <gtest/gtest.h>

#include "oracle/params.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

TEST(Calibration, EverythingWithinBoundsLeavesNothingOut) {
  FixedParams fixed;
  LearnedParams params(fixed);
  const LearnedParams::Calibration c = params.calibrate(Profile::Linux);
  EXPECT_TRUE(c.left_out.empty());
  EXPECT_FALSE(c.fatal);
}

// gVisor's SIOCOUTQ counts bytes: Linux's accounting cannot be learned, so linux leaves AF_UNIX
// out (and says where to go), while compat and doc, which do not judge accounting, keep it.
TEST(Calibration, BytesForTruesizeLeaveUnixOutOfLinuxOnly) {
  FixedParams fixed;
  fixed.counts_bytes = true;
  LearnedParams for_linux(fixed);
  const LearnedParams::Calibration linux = for_linux.calibrate(Profile::Linux);
  ASSERT_TRUE(linux.leaves_out("unix"));
  EXPECT_NE(linux.left_out.front().reason.find("skb_truesize(stream, 1) = 1 lies outside"), std::string::npos);
  EXPECT_NE(linux.left_out.front().reason.find("--profile compat"), std::string::npos);
  EXPECT_FALSE(linux.fatal);
  for (Profile p : {Profile::Compat, Profile::Doc}) {
    LearnedParams params(fixed);
    EXPECT_FALSE(params.calibrate(p).leaves_out("unix")) << profile_name(p);
  }
}

TEST(Calibration, AValueOutOfBoundsIsNeverUsedAndReportedOnce) {
  FixedParams fixed;
  fixed.counts_bytes = true;
  LearnedParams params(fixed);
  for (int i = 0; i < 2; ++i) {
    try {
      params.skb_truesize(SockType::Dgram, 10);
      ADD_FAILURE() << "an out-of-bounds truesize was returned";
    } catch (const Unmodeled& u) {
      EXPECT_TRUE(u.missing_feature);  // a skip, never a finding
    }
  }
  EXPECT_EQ(params.violations().size(), 1u);
}

TEST(Calibration, APageSizeOutOfBoundsStopsTheRun) {
  FixedParams fixed;
  fixed.page = 100;
  LearnedParams params(fixed);
  const LearnedParams::Calibration c = params.calibrate(Profile::Compat);
  ASSERT_TRUE(c.fatal);
  EXPECT_NE(c.fatal->find("page_size = 100"), std::string::npos);
}

}  // namespace
}  // namespace pc
