#include "kernel/held_descriptors.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace pc {

HeldDescriptors::HeldDescriptors(const std::vector<int>& held) {
  for (int fd : held) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;  // open here already
    // An eventfd, which every implementation has, moved to the number; where that fails the
    // number stays free, and the run is judged with the descriptors it has (the oracle is told).
    UniqueFd e(eventfd(0, EFD_CLOEXEC));
    if (!e) continue;
    if (e.get() == fd) {
      placeholders_.push_back(std::move(e));
      continue;
    }
    const int moved = dup3(e.get(), fd, O_CLOEXEC);
    if (moved == fd) placeholders_.emplace_back(moved);
  }
}

}  // namespace pc
