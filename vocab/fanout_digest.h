// The digest a fanout op reports (vocab/ops.h Fanout): FNV-1a over what was reported, in order,
// each value little-endian. Shared by the executor and the oracle.
#pragma once

#include <cstdint>

#include "vocab/c/pc_digest.h"

namespace pc {

class FanoutDigest {
 public:
  void event(std::uint64_t data, std::uint32_t events) {
    add(data, 8);
    add(events, 4);
  }
  void revents(std::uint16_t r) { add(r, 2); }
  void fd(int fd) { add(static_cast<std::uint32_t>(fd), 4); }
  std::uint64_t value() const { return h_; }

 private:
  void add(std::uint64_t v, int bytes) { h_ = pc_fnv1a_le(h_, v, bytes); }
  std::uint64_t h_ = PC_FNV1A_INIT;
};

}  // namespace pc
