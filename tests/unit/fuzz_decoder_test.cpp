// The fuzz encoding: every byte string decodes, the same bytes give the same trace, and the
// bytes reach the whole vocabulary.
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "gen/fuzz_decoder.h"
#include "gen/generator.h"
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

// An input made from a seed decodes to the ops the generator made from that seed's picks: every
// pick went into the bytes, in the width ByteChooser reads. Its last ops may be the rest of a
// scenario, which take no byte: the decoder stops before those once the bytes ran out.
TEST(FuzzEncoder, AnEncodedSeedDecodesToItsOwnOps) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const std::vector<std::uint8_t> input = encode_fuzz_input(seed, 40);
    RandomChooser random(seed);
    std::size_t made = 0;
    const Trace generated = generate_trace_while(random, 40, [&] { return made++ < 40; });
    const Trace decoded = decode_fuzz_input(input);
    ASSERT_GT(decoded.steps.size(), 0u);
    ASSERT_LE(decoded.steps.size(), generated.steps.size());
    for (std::size_t i = 0; i < decoded.steps.size(); ++i)
      EXPECT_EQ(print_op(decoded.steps[i].op), print_op(generated.steps[i].op)) << "seed " << seed << " op " << i;
  }
}

TEST(RecordingChooser, RecordsWhatByteChooserReadsBack) {
  RandomChooser random(3);
  RecordingChooser rec(random);
  std::vector<std::uint64_t> picked;
  const std::pair<std::uint64_t, std::uint64_t> ranges[] = {{0, 9}, {5, 5}, {100, 70000}, {1, 6}, {0, UINT64_MAX}};
  for (auto [lo, hi] : ranges) picked.push_back(rec.pick(lo, hi));
  ByteChooser back(rec.bytes());
  for (std::size_t i = 0; i < std::size(ranges); ++i)
    EXPECT_EQ(back.pick(ranges[i].first, ranges[i].second), picked[i]) << "range " << i;
  EXPECT_TRUE(back.exhausted());
}

}  // namespace
}  // namespace pc
