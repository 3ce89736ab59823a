// Names and outputs of ops, derived from their field tables so that adding an op needs no edit here.
#include "vocab/ops.h"

#include <type_traits>

namespace pc {

std::string_view op_name(const Op& op) {
  return std::visit([](const auto& o) { return std::remove_cvref_t<decltype(o)>::kName; }, op);
}

std::vector<OutHandle> op_outputs(const Op& op) {
  std::vector<OutHandle> outs;
  std::visit(
      [&](const auto& o) {
        for_each_field(o, [&](std::string_view, const auto& value) {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, OutHandle>)
            outs.push_back(value);
        });
      },
      op);
  return outs;
}

}  // namespace pc
