// The fuzz encoding: every byte string decodes, the same bytes give the same trace, and the
// bytes reach the whole vocabulary.
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "gen/fuzz_decoder.h"
#include "format/trace_format.h"

namespace pc {
namespace {

TEST(FuzzDecoder, EmptyAndShortInputsDecode) {
  EXPECT_TRUE(decode_fuzz_input({}).steps.empty());
  const std::uint8_t one[] = {kFuzzEncodingVersion};
  EXPECT_TRUE(decode_fuzz_input(one).steps.empty());
  const std::uint8_t two[] = {0xff, 0x00};  // a version byte of no version still decodes
  EXPECT_EQ(decode_fuzz_input(two).steps.size(), 1u);
}

TEST(FuzzDecoder, SameBytesSameTraceAndEveryTraceIsValid) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::vector<std::uint8_t> bytes(1 + rng() % 600);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    const Trace a = decode_fuzz_input(bytes), b = decode_fuzz_input(bytes);
    EXPECT_EQ(a, b);
    EXPECT_LE(a.steps.size(), kFuzzMaxOps);
    auto parsed = parse_trace(print_trace(a), "decoded");
    ASSERT_TRUE(std::holds_alternative<Trace>(parsed)) << std::get<ParseError>(parsed).to_string();
  }
}

TEST(FuzzDecoder, ReachesEveryOpKind) {
  std::mt19937_64 rng(11);
  std::set<std::size_t> kinds;
  for (int i = 0; i < 2000 && kinds.size() < std::variant_size_v<Op>; ++i) {
    std::vector<std::uint8_t> bytes(400);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    for (const Step& s : decode_fuzz_input(bytes).steps) kinds.insert(s.op.index());
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<Op>);
}

TEST(ByteChooser, TakesTheFewestBytesAndIsLowWhenDry) {
  const std::uint8_t bytes[] = {7, 0x34, 0x12};
  ByteChooser c(bytes);
  EXPECT_EQ(c.pick(0, 9), 7u);           // one byte covers 0..9
  EXPECT_EQ(c.pick(0, 65535), 0x1234u);  // two bytes, little-endian
  EXPECT_TRUE(c.exhausted());
  EXPECT_EQ(c.pick(5, 9), 5u);           // dry: the lowest value
  EXPECT_EQ(c.pick(3, 3), 3u);
}

}  // namespace
}  // namespace pc
