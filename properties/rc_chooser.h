// The generator's choices drawn from RapidCheck, so that a failing property shrinks choice by
// choice.
//
// Why: generate_trace is the one generator (campaigns feed it a RandomChooser). Inside a property
// body (or gen::exec) every `*gen` is recorded by RapidCheck as one ingredient of the case; when
// the property fails, RapidCheck shrinks the ingredients one at a time, each towards the lower
// end of its range, and re-runs the body. So each pick(lo, hi) of the generator becomes one
// shrinkable value, and a shrunk trace is simply the generator's output for smaller choices:
// fewer ops (the length is the first choice), earlier weighted alternatives, smaller lengths.
//
// Two details of RapidCheck matter here:
//  - gen::inRange scales its range with RapidCheck's size (at size 0 it always yields lo). The
//    choices are drawn at the nominal size instead, so that every case has the same distribution
//    of ops as a campaign; only the ops RapidCheck's shrinking makes smaller differ.
//  - While shrinking, RapidCheck replays the recorded ingredients by position, whatever
//    generator asks for them. Once an earlier choice has shrunk, the generator may take another
//    path and ask for a value in a different range than the one recorded there. Such a value is
//    folded back into [lo, hi] (an out-of-range index would be undefined behaviour in one_of).
#pragma once

#include <cstdint>
#include <limits>

#include <rapidcheck.h>

#include "gen/chooser.h"

namespace pc {

class RapidCheckChooser final : public Chooser {
 public:
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) override {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t v;
    if (hi < kMax) {
      v = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::uint64_t>(lo, hi + 1));
    } else if (lo > 0) {
      // [lo, MAX] is [lo - 1, MAX) shifted by one; still shrinks towards lo.
      v = *rc::gen::resize(rc::kNominalSize,
                           rc::gen::map(rc::gen::inRange<std::uint64_t>(lo - 1, kMax),
                                        [](std::uint64_t x) { return x + 1; }));
    } else {
      // The whole range: at nominal size arbitrary<uint64_t> draws all 64 bits, shrinks to 0.
      v = *rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<std::uint64_t>());
    }
    if (v < lo || v > hi) v = lo + (v - lo) % (hi - lo + 1);  // a replayed value (see above)
    return v;
  }
};

}  // namespace pc
