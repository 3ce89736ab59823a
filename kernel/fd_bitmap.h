// A select bitmap sized by hand (repro/runtime/pc_readiness.h says why), owned by a vector; its
// bits are set and listed by the runtime, as the reproducer's are.
#pragma once

#include <sys/select.h>

#include <cstdint>
#include <vector>

#include "repro/runtime/pc_readiness.h"

namespace pc {

class FdBitmap {
 public:
  explicit FdBitmap(std::uint64_t bits) : words_(pc_bitmap_words(bits)) {}
  void set(int fd) { pc_bitmap_set(words_.data(), fd); }
  bool test(int fd) const { return pc_bitmap_test(words_.data(), fd) != 0; }
  fd_set* raw() { return reinterpret_cast<fd_set*>(words_.data()); }
  // Every set bit, not just the ones put in, so a stray kernel write shows up too.
  std::vector<int> members() const {
    std::vector<int> out(pc_bitmap_members(words_.data(), words_.size(), nullptr));
    pc_bitmap_members(words_.data(), words_.size(), out.data());
    return out;
  }

 private:
  std::vector<unsigned long> words_;
};

}  // namespace pc
