// Raised when an op reaches behaviour the oracle does not model yet: the run stops with a clear
// message instead of a guess. missing_feature marks the case where the running kernel lacks
// what the op needs (io_uring refused, say): a skip, not a gap in the model.
#pragma once

#include <stdexcept>

namespace pc {

struct Unmodeled : std::runtime_error {
  explicit Unmodeled(const std::string& what, bool missing = false)
      : std::runtime_error(what), missing_feature(missing) {}
  bool missing_feature = false;
};

}  // namespace pc
