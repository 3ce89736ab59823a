// Where the generator's choices come from: a seeded PRNG for campaigns, RapidCheck for
// properties (so that it can shrink each choice), fuzzer bytes (gen/fuzz_decoder.h). The
// generator itself is written once against this interface.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>

namespace pc {

class Chooser {
 public:
  virtual ~Chooser() = default;
  // A value in [lo, hi]; implementations should shrink towards lo.
  virtual std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) = 0;

  bool percent(unsigned p) { return pick(0, 99) < p; }
  template <class T>
  T one_of(std::initializer_list<T> xs) {
    return *(xs.begin() + pick(0, xs.size() - 1));
  }
  // An index drawn with the given weights (first entries win ties when shrinking).
  std::size_t weighted(std::span<const unsigned> weights);
};

class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) override {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace pc
