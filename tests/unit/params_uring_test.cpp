// What the oracle learns of io_uring, and when it leaves io_uring out: a refused setup, a
// missing feature bit, or an opcode the probe does not list.
#include <cerrno>

#include <gtest/gtest.h>

#include "oracle/params.h"

namespace pc {
namespace {

class WithoutOpcode final : public ParamSource {
 public:
  explicit WithoutOpcode(int missing) : missing_(missing) {}
  std::uint32_t page_size() override { return base_.page_size(); }
  std::uint32_t pipe_capacity() override { return base_.pipe_capacity(); }
  std::uint32_t unix_sndbuf() override { return base_.unix_sndbuf(); }
  std::uint32_t skb_truesize(SockType t, std::uint32_t n) override { return base_.skb_truesize(t, n); }
  std::uint32_t nofile_limit() override { return base_.nofile_limit(); }
  std::uint32_t unix_stream_skb_max() override { return base_.unix_stream_skb_max(); }
  std::int64_t uring_features() override { return base_.uring; }
  bool uring_opcode_supported(std::uint8_t op) override { return op != missing_; }
  std::string inet_unavailable() override { return ""; }
  std::string fifo_unavailable() override { return ""; }
  std::string waiters_unavailable() override { return ""; }
  FixedParams base_;

 private:
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
