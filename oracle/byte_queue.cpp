#include <algorithm>

#include "oracle/model.h"

namespace pc {

unsigned char Segment::byte_at(std::uint64_t p) const {
  const std::uint64_t k = p % wlen;
  if (k < 8) return static_cast<unsigned char>(value >> (8 * k));
  return pattern_byte(step, k);
}

void Segment::digest(std::uint64_t from, std::uint64_t n, std::uint64_t& h) const {
  for (std::uint64_t p = from; p < from + n; ++p) {
    const unsigned char b = byte_at(p);
    h = fnv1a(&b, 1, h);
  }
}

void ByteQueue::push(const Segment& s) {
  if (s.size() == 0) return;
  size_ += s.size();
  // A fill repeats one payload: extend the run instead of growing the queue per write.
  if (!segs_.empty()) {
    Segment& last = segs_.back();
    if (last.step == s.step && last.value == s.value && last.wlen == s.wlen &&
        last.end % last.wlen == 0 && s.begin == 0) {
      last.end += s.size();
      return;
    }
  }
  segs_.push_back(s);
}

void ByteQueue::pop(std::uint64_t n, std::uint64_t& digest) {
  size_ -= n;
  while (n > 0) {
    Segment& s = segs_.front();
    const std::uint64_t take = std::min(n, s.size());
    s.digest(s.begin, take, digest);
    s.begin += take;
    n -= take;
    if (s.size() == 0) segs_.pop_front();
  }
}

}  // namespace pc
