// The release of the running kernel (uname(2)), recorded in traces and reproducers.
#pragma once

#include <string>

namespace pc {

// uname -r, and where uname -v names a Debian package, "(Debian VERSION)" after it (its
// ABI name hides the stable update); "" if uname fails.
std::string kernel_release();

}  // namespace pc
