#include "kernel/kernel_release.h"

#include <sys/utsname.h>

#include <string_view>

namespace pc {

std::string kernel_release() {
  utsname u{};
  if (uname(&u) != 0) return {};
  std::string release = u.release;
  // Debian's ABI names ("6.1.0-57-amd64") keep a series' first numbers across its stable
  // updates, which the release-conditioned rules tell apart; its uname -v names the package
  // ("... Debian 6.1.192-3 (2026-...)"), so that is kept beside it.
  const std::string_view version = u.version;
  constexpr std::string_view kDebian = "Debian ";
  if (const std::size_t at = version.find(kDebian); at != std::string_view::npos) {
    const std::string_view package = version.substr(at + kDebian.size());
    const std::string_view number = package.substr(0, package.find(' '));
    if (!number.empty() && number.front() >= '0' && number.front() <= '9')
      release += " (Debian " + std::string(number) + ")";
  }
  return release;
}

}  // namespace pc
