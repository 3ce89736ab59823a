// Raised when an op reaches behaviour the oracle does not model yet: the run stops with a clear
// message instead of a guess.
#pragma once

#include <stdexcept>

namespace pc {

struct Unmodeled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pc
