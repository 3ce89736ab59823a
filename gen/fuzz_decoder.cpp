#include "gen/fuzz_decoder.h"

#include "gen/generator.h"

namespace pc {

std::uint64_t ByteChooser::pick(std::uint64_t lo, std::uint64_t hi) {
  if (hi <= lo) return lo;
  const std::uint64_t span = hi - lo;  // the range holds span + 1 values
  std::uint64_t v = 0;
  std::size_t taken = 0;
  for (std::uint64_t rest = span; rest != 0 && pos_ < bytes_.size(); rest >>= 8, ++taken)
    v |= std::uint64_t{bytes_[pos_++]} << (8 * taken);
  if (taken == 0) return lo;
  return span == UINT64_MAX ? v : lo + v % (span + 1);
}

std::uint64_t RecordingChooser::pick(std::uint64_t lo, std::uint64_t hi) {
  const std::uint64_t v = inner_.pick(lo, hi);
  if (hi <= lo) return lo;  // ByteChooser takes no byte for a single value
  // ByteChooser reads as many bytes as the span has, little-endian, and takes the value mod
  // (span + 1): v - lo in that many bytes reads back as itself.
  std::uint64_t off = v - lo;
  for (std::uint64_t rest = hi - lo; rest != 0; rest >>= 8, off >>= 8)
    bytes_.push_back(static_cast<std::uint8_t>(off & 0xff));
  return v;
}

std::vector<std::uint8_t> encode_fuzz_input(std::uint64_t seed, std::size_t ops) {
  RandomChooser random(seed);
  RecordingChooser recorder(random);
  std::size_t made = 0;
  generate_trace_while(recorder, ops, [&] { return made++ < ops; });
  std::vector<std::uint8_t> input{0};
  input.insert(input.end(), recorder.bytes().begin(), recorder.bytes().end());
  return input;
}

Trace decode_fuzz_input(std::span<const std::uint8_t> bytes) {
  // Every first byte decodes with the newest version. Version 2 added TCP and UDP pairs and
  // recv, version 3 waiter threads, timed waits, TCP urgent data and fanout; an input saved
  // under an older version decodes to another trace now (its trace, saved with import-fuzz,
  // stays the reproducible record).
  ByteChooser chooser(bytes.empty() ? bytes : bytes.subspan(1));
  return generate_trace_while(chooser, kFuzzMaxOps, [&] { return !chooser.exhausted(); });
}

}  // namespace pc
