// The digest a fanout op reports (vocab/ops.h Fanout): FNV-1a over what was reported, in order,
// each value little-endian. Shared by the executor and the oracle.
#pragma once

#include <cstdint>

#include "vocab/observation.h"

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
  void add(std::uint64_t v, int bytes) {
    unsigned char b[8];
    for (int i = 0; i < bytes; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    h_ = fnv1a(b, static_cast<std::size_t>(bytes), h_);
  }
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace pc
