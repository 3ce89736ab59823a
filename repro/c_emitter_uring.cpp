#include "repro/c_emitter_uring.h"

#include <fmt/format.h>

#include <set>

#include "oracle/params.h"
#include "vocab/uring_flags.h"
#include "vocab/uring_opcodes.h"

namespace pc {
namespace {

std::string u64(std::uint64_t v) { return fmt::format("{}ULL", v); }

const char* opcode_macro(UringOpcode op) {
  switch (op) {
    case UringOpcode::Nop: return "PC_UOP_NOP";
    case UringOpcode::PollAdd: return "PC_UOP_POLL_ADD";
    case UringOpcode::PollRemove: return "PC_UOP_POLL_REMOVE";
    case UringOpcode::PollUpdate: return "PC_UOP_POLL_UPDATE";
    case UringOpcode::Read: return "PC_UOP_READ";
    case UringOpcode::Write: return "PC_UOP_WRITE";
    case UringOpcode::Recv: return "PC_UOP_RECV";
    case UringOpcode::Send: return "PC_UOP_SEND";
    case UringOpcode::Cancel: return "PC_UOP_CANCEL";
    case UringOpcode::LinkTimeout: return "PC_UOP_LINK_TIMEOUT";
  }
  return "PC_UOP_NOP";
}

}  // namespace

ReapPrediction pinned_reap(const std::vector<CqeObs>& cqes, std::uint32_t wait, bool timed_out) {
  ReapPrediction p;
  // Each its own request: the pin fixes which CQEs come, and the oracle's check after it their
  // order (harness/differ.cpp order_free_cqes).
  for (const CqeObs& c : cqes) p.definite.push_back(ModelCqe{c, p.definite.size() + 1, 0, 0});
  p.wait = wait;
  p.wait_may_time_out = p.wait_must_time_out = timed_out;
  return p;
}

std::string c_uring_require_call(const std::vector<UringOpcode>& used) {
  std::string features, opcodes;
  for (const UringFeatureName& f : kNeededUringFeatures)
    features += fmt::format("    {{{:#x}u, \"{}\"}},\n", f.bit, f.name);
  std::set<std::uint8_t> seen;
  for (UringOpcode op : used) {
    const UringOpcodeInfo& info = uring_opcode_info(op);
    if (seen.insert(info.kernel).second) opcodes += fmt::format("    {{{}u, \"{}\"}},\n", info.kernel, info.kernel_name);
  }
  std::string out = "{\n  /* the io_uring features pollcheck's oracle relies on, and the trace's opcodes */\n";
  out += "  static const struct uring_need features[] = {\n" + features + "  };\n";
  if (!seen.empty()) out += "  static const struct uring_need opcodes[] = {\n" + opcodes + "  };\n";
  out += fmt::format("  uring_require(features, {}, {}, {});\n}}\n", std::size(kNeededUringFeatures),
                     seen.empty() ? "NULL" : "opcodes", seen.size());
  return out;
}

std::string c_uring_setup_call(const UringSetup& op, const std::string& out_expr) {
  return fmt::format("do_uring_setup({}, {}u, {:#x}u, {}u);\n", out_expr, op.entries, op.flags.bits,
                     op.cq_entries);
}

std::string c_uring_prep_call(const UringPrep& op, const std::string& ring, const std::string& fd,
                              std::size_t step) {
  return fmt::format("do_uring_prep({}, {}, {}, {}u, {:#x}u, {}, {}, {}, {:#x}u, {}, {}, {});\n", ring,
                     opcode_macro(op.opcode), fd, op.len, op.mask.bits, u64(op.user_data), u64(op.target),
                     u64(op.new_data), op.flags.bits, uring_kernel_flag_names(op.op_flags, true), uring_kernel_flag_names(op.op_flags, false), step);
}

std::string c_uring_submit_call(const std::string& ring) { return fmt::format("do_uring_submit({});\n", ring); }

std::string c_uring_reap_call(const UringReap& op, const std::string& ring, std::size_t settle) {
  return fmt::format("do_uring_reap({}, {}u, {}u);\n", ring, op.wait, settle);
}

std::string c_uring_reap_check(const ReapPrediction& p, std::string_view source) {
  std::string elems;
  auto add = [&](const ModelCqe& m, bool maybe) {
    elems += fmt::format("{}{{{}, {}, {:#x}u, {:#x}ULL, {}ULL, {}ULL, {}ULL, {}}}", elems.empty() ? "" : ", ",
                         m.cqe.res, u64(m.cqe.user_data), m.cqe.flags, m.cqe.digest, m.req, m.chain, m.epoch,
                         maybe ? 1 : 0);
  };
  for (const ModelCqe& m : p.definite) add(m, false);
  for (const ModelCqe& m : p.maybe) add(m, true);
  const std::size_t n = p.definite.size() + p.maybe.size();
  const std::string array = n ? fmt::format("(const struct cqe_exp[]){{{}}}", elems) : "NULL";
  return fmt::format("check_cqes({}, {}, {}, {}u, {}, {});", source, array, n, p.wait,
                     p.wait_may_time_out ? 1 : 0, p.wait_must_time_out ? 1 : 0);
}

}  // namespace pc
