// What the oracle learns of io_uring, and when it leaves io_uring out: a refused setup, a
// missing feature bit, or an opcode the probe does not list.
#include <cerrno>

#include <gtest/gtest.h>

#include "oracle/params.h"
#include "tests/util/forwarding_params.h"

namespace pc {
namespace {

class WithoutOpcode final : public ForwardingParams {
 public:
  explicit WithoutOpcode(int missing) : ForwardingParams(base_), missing_(missing) {}
  bool uring_opcode_supported(std::uint8_t op) override { return op != missing_; }

 private:
  FixedParams base_;
  int missing_;
};

TEST(UringParams, UsableWithEverythingThere) {
  FixedParams fixed;
  LearnedParams params(fixed);
  EXPECT_EQ(params.uring_unavailable(), "");
  EXPECT_EQ(params.uring_features(), 0x3ffffu);
}

TEST(UringParams, ARefusedSetupSaysSo) {
  FixedParams fixed;
  fixed.uring = -EPERM;
  LearnedParams params(fixed);
  EXPECT_EQ(params.uring_unavailable(), "io_uring_setup is refused: EPERM (Operation not permitted)");
}

TEST(UringParams, AMissingFeatureIsNamed) {
  FixedParams fixed;
  fixed.uring = 0x3ffff & ~(1 << 1);  // no IORING_FEAT_NODROP
  LearnedParams params(fixed);
  EXPECT_EQ(params.uring_unavailable(), "the kernel lacks IORING_FEAT_NODROP");
}

TEST(UringParams, AnOpcodeTheProbeLacksIsNamed) {
  WithoutOpcode src(27);  // IORING_OP_RECV
  LearnedParams params(src);
  EXPECT_EQ(params.uring_unavailable(), "the opcode probe lacks IORING_OP_RECV");
}

}  // namespace
}  // namespace pc
