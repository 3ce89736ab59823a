#include "repro/c_emitter_mutant.h"

#include <fmt/format.h>

#include "repro/c_emitter_waiters.h"
#include "repro/c_literals.h"

namespace pc {
namespace {

// The waiters' list lives in the block the statements open: the decorated check reads it there.
std::string woke_statements(const std::vector<WaiterObs>& woke) {
  if (woke.empty()) return "woke_decorate(NULL, 0);\n";
  return fmt::format("woke_decorate((const struct woke[]){{{}}}, {});\n", c_woke_elements(woke), woke.size());
}

}  // namespace

std::string c_decorate(const Observation& p, const Observation& s) {
  std::string out;
  if (s.ret != p.ret || s.err != p.err) out += fmt::format("decorate_ret({}, {});\n", c_i64(s.ret), c_errno(s.err));
  if (s.fds != p.fds) out += fmt::format("decorate_fds({});\n", c_int_list(s.fds));
  if (s.digest != p.digest) out += fmt::format("decorate_digest({:#018x}ULL);\n", s.digest);
  if (s.writes != p.writes) out += fmt::format("decorate_writes({}u);\n", s.writes);
  if (s.events != p.events) out += fmt::format("decorate_events({});\n", c_events_arg(s.events));
  if (s.revents != p.revents)
    out += fmt::format("decorate_revents({});\n", c_revents_arg(s.revents));
  if (s.clobbered != p.clobbered) out += fmt::format("decorate_clobbered({}u);\n", s.clobbered);
  for (std::size_t k = 0; k < 3; ++k)
    if (s.sets[k] != p.sets[k]) out += fmt::format("decorate_set({}, {});\n", k, c_int_list(s.sets[k]));
  if (s.timeout_left_us != p.timeout_left_us) out += fmt::format("decorate_tv({});\n", c_i64(s.timeout_left_us));
  if (s.sq_entries != p.sq_entries || s.cq_entries != p.cq_entries)
    out += fmt::format("decorate_ring({}u, {}u);\n", s.sq_entries, s.cq_entries);
  if (s.cqes != p.cqes)
    out += fmt::format("decorate_cqes({});\n", c_array_arg("struct cqe_obs", s.cqes, [](const CqeObs& c) {
                         return fmt::format("{{{}, {}, {}u, {:#018x}ULL}}", c_i32(c.res), c_u64(c.user_data),
                                            c.flags, c.digest);
                       }));
  if (s.early != p.early) out += fmt::format("decorate_early({});\n", s.early ? 1 : 0);
  if (s.woke != p.woke) out += woke_statements(s.woke);
  return out;
}

}  // namespace pc
