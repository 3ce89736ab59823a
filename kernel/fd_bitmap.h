// A select bitmap sized by hand: fd_set and FD_SET stop at FD_SETSIZE (and abort past it under
// fortify), while the kernel takes any nfds.
#pragma once

#include <sys/select.h>

#include <climits>
#include <cstdint>
#include <vector>

namespace pc {

class FdBitmap {
 public:
  explicit FdBitmap(std::uint64_t bits) : words_((bits + kBitsPerWord - 1) / kBitsPerWord) {}
  void set(int fd) { words_[static_cast<std::size_t>(fd) / kBitsPerWord] |= bit(fd); }
  bool test(int fd) const { return words_[static_cast<std::size_t>(fd) / kBitsPerWord] & bit(fd); }
  fd_set* raw() { return reinterpret_cast<fd_set*>(words_.data()); }
  // Every set bit, not just the ones put in, so a stray kernel write shows up too.
  std::vector<int> members() const {
    std::vector<int> out;
    for (std::size_t w = 0; w < words_.size(); ++w)
      for (std::size_t b = 0; b < kBitsPerWord; ++b)
        if (words_[w] >> b & 1ul) out.push_back(static_cast<int>(w * kBitsPerWord + b));
    return out;
  }

 private:
  static constexpr std::size_t kBitsPerWord = sizeof(unsigned long) * CHAR_BIT;
  static unsigned long bit(int fd) { return 1ul << (static_cast<std::size_t>(fd) % kBitsPerWord); }
  std::vector<unsigned long> words_;
};

}  // namespace pc
