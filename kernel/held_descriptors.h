// Placeholders at the descriptor numbers a trace says its harness held when it ran (Trace::held)
// that are free in this process, for as long as the owner lives: a trace replayed or reduced in
// another process then gives its new descriptors the numbers they had where it was found, which
// select's sets and nfds (and an implementation's bugs) can depend on.
#pragma once

#include <vector>

#include "vocab/unique_fd.h"

namespace pc {

class HeldDescriptors {
 public:
  explicit HeldDescriptors(const std::vector<int>& held);

 private:
  std::vector<UniqueFd> placeholders_;
};

}  // namespace pc
