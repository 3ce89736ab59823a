// The release of the running kernel (uname(2)), recorded in traces and reproducers.
#pragma once

#include <string>

namespace pc {

std::string kernel_release();  // "" if uname fails

}  // namespace pc
