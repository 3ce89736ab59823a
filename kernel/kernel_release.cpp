#include "kernel/kernel_release.h"

#include <sys/utsname.h>

namespace pc {

std::string kernel_release() {
  utsname u{};
  if (uname(&u) != 0) return {};
  return u.release;
}

}  // namespace pc
