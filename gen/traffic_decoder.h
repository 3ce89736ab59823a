// The fuzz_traffic encoding: any byte string decodes to socket traffic on one connected pair,
// with every readiness API checked after each step. Byte 0 is skipped, whatever its value
// (every input decodes with the current encoding, kTrafficEncodingVersion), byte 1 the socket kind;
// then each step takes an action byte and its arguments:
//
//   write    end, chunk size, eight payload bytes (the rest of the payload is the step's pattern)
//   read     end, length (partial reads included)
//   peek     end, length: recv(MSG_PEEK)
//   shutdown end, how
//   close    end (once; the end then leaves the checks)
//
// After each step: poll and select on both ends, an LT and an ET epoll instance holding both,
// and a one-shot io_uring POLL_ADD on each end, reaped and then removed. At the end every open
// end is read dry, so every byte must have arrived, intact and in order (or as whole messages).
// The oracle predicts every one of those results. Decoding does not depend on the machine:
// where TCP and UDP or io_uring cannot run, the oracle skips those ops as missing features.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vocab/trace.h"

namespace pc {

inline constexpr std::uint8_t kTrafficEncodingVersion = 1;
inline constexpr std::size_t kTrafficMaxSteps = 24;

Trace decode_traffic_input(std::span<const std::uint8_t> bytes);

}  // namespace pc
