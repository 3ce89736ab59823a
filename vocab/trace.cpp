#include "vocab/trace.h"

namespace pc {

std::string_view profile_name(Profile p) { return enum_name(p); }

std::optional<Profile> profile_from_name(std::string_view name) {
  for (const auto& [value, n] : kProfileNames)
    if (n == name) return value;
  return std::nullopt;
}

std::string profile_choices() {
  std::string out;
  const std::size_t n = std::size(kProfileNames);
  for (std::size_t i = 0; i < n; ++i)
    out += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + std::string(kProfileNames[i].name);
  return out;
}

}  // namespace pc
