// The fuzz encoding: any byte string decodes to a valid op sequence. Byte 0 is skipped, whatever
// its value: it is not checked, so every input decodes with the current encoding
// (kFuzzEncodingVersion, which import-fuzz records in the trace it writes; a saved trace, not a
// saved input, is the reproducible record). The rest feeds the one generator (gen/generator.h)
// choice by choice, so every op of the vocabulary, io_uring included, can come out, and the same
// bytes give the same trace on every machine. Decoding stops when the bytes run out or at
// kFuzzMaxOps ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gen/chooser.h"
#include "vocab/trace.h"

namespace pc {

// 4: FIFOs and eventfd initial values joined the generator.
inline constexpr std::uint8_t kFuzzEncodingVersion = 4;
inline constexpr std::size_t kFuzzMaxOps = 100;

// Each choice takes the fewest little-endian bytes that cover its range (value mod the range
// size); once the bytes run out every choice is its lowest value.
class ByteChooser final : public Chooser {
 public:
  explicit ByteChooser(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) override;
  bool exhausted() const { return pos_ >= bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

Trace decode_fuzz_input(std::span<const std::uint8_t> bytes);

// The inverse of ByteChooser: passes on another chooser's picks and records the bytes that make
// a ByteChooser pick the same values, so that a trace generated from a seed can become a fuzz
// input (seed inputs that reach deep states, such as a ring with a request pending, which
// libFuzzer's mutations rarely assemble from scratch).
class RecordingChooser final : public Chooser {
 public:
  explicit RecordingChooser(Chooser& inner) : inner_(inner) {}
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) override;
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  Chooser& inner_;
  std::vector<std::uint8_t> bytes_;
};

// A fuzz input that decodes to `ops` ops generated from `seed` (byte 0, which the decoder
// skips, is 0); the ops are those generate_trace_while makes from the same picks.
std::vector<std::uint8_t> encode_fuzz_input(std::uint64_t seed, std::size_t ops);

}  // namespace pc
