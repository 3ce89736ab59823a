#include "repro/c_emitter_waiters.h"

#include <fmt/format.h>

#include "repro/c_literals.h"
#include "vocab/c/pc_limits.h"

namespace pc {
namespace {

const char* api_macro(WaitApi api) {
  switch (api) {
    case WaitApi::Epoll: return "PC_WAIT_EPOLL";
    case WaitApi::Poll: return "PC_WAIT_POLL";
    case WaitApi::Uring: return "PC_WAIT_URING";
  }
  return "PC_WAIT_EPOLL";
}

}  // namespace

std::string c_woke_elements(const std::vector<WaiterObs>& woke) {
  std::string elems;
  for (const WaiterObs& w : woke)
    elems += fmt::format("{}{{{}u, {}, {}, {}, {}}}", elems.empty() ? "" : ", ", w.waiter, c_i64(w.ret),
                         c_errno(w.err), w.events.size(), c_events_literal(w.events));
  return elems;
}

std::string c_waiters_call(const Waiters& op, const std::string& fd) {
  return fmt::format("waiters_start({}, {}, {}u, {}, {});\n", api_macro(op.api), fd, op.n,
                     c_i32(op.maxevents), c_poll_mask(op.events.bits));
}

std::string c_timed_wait_call(const TimedWait& op, const std::string& fd) {
  return fmt::format("timed_wait({}, {}, {}u, {});\n", api_macro(op.api), fd,
                     std::min(op.us, kTimedWaitMaxUs), c_poll_mask(op.events.bits));
}

std::string c_woke_check(const std::vector<std::vector<WaiterObs>>& admitted, const char* source) {
  std::string arrays, names, counts;
  for (std::size_t a = 0; a < admitted.size(); ++a) {
    const std::vector<WaiterObs>& list = admitted[a];
    const std::string elems = c_woke_elements(list);
    if (list.empty()) {
      names += fmt::format("{}NULL", a ? ", " : "");
    } else {
      arrays += fmt::format("const struct woke w{}[] = {{{}}};\n", a, elems);
      names += fmt::format("{}w{}", a ? ", " : "", a);
    }
    counts += fmt::format("{}{}", a ? ", " : "", list.size());
  }
  return fmt::format("{{\n{}check_woke({}, {}, (const struct woke *const[]){{{}}}, (const size_t[]){{{}}});\n}}\n",
                     arrays, source, admitted.size(), names, counts);
}

}  // namespace pc
