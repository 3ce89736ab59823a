// Delta debugging over a sequence (Zeller and Hildebrandt, "Simplifying and Isolating
// Failure-Inducing Input", 2002), in the complement-only form that suits long failing traces:
// remove chunks of size n/2, n/4, ... down to single elements, then repeat single removals
// until none helps. The result is 1-minimal: taking out any one element makes the test fail.
//
// Generic so that it can be unit-tested on a synthetic predicate; the reducer uses it on steps.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace pc {

// test(candidate) says whether the candidate still "fails" (keeps the property being kept). It
// may replace the candidate by a shorter sequence that also passes (the reducer cuts a trace
// after the step where it now diverges), and that is what is kept. items itself is assumed to
// pass. Deterministic: the candidates are tried in a fixed order.
template <class T, class Test>
std::vector<T> ddmin(std::vector<T> items, Test&& test) {
  std::size_t chunk = std::max<std::size_t>(1, items.size() / 2);
  while (!items.empty()) {
    bool removed = false;
    for (std::size_t start = 0; start < items.size();) {
      const std::size_t end = std::min(items.size(), start + chunk);
      std::vector<T> candidate;
      candidate.reserve(items.size() - (end - start));
      candidate.insert(candidate.end(), items.begin(), items.begin() + static_cast<std::ptrdiff_t>(start));
      candidate.insert(candidate.end(), items.begin() + static_cast<std::ptrdiff_t>(end), items.end());
      if (test(candidate)) {
        items = std::move(candidate);  // the next chunk has slid into place at `start`
        removed = true;
      } else {
        start = end;
      }
    }
    if (chunk > 1) {
      chunk = std::max<std::size_t>(1, std::min(chunk / 2, items.size() / 2));
    } else if (!removed) {
      break;  // no single removal helps: 1-minimal
    }
  }
  return items;
}

}  // namespace pc
