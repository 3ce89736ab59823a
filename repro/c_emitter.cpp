// The C reproducer: the oracle's predictions for a trace, frozen into a C99 program that
// performs the same calls as kernel/executor.cpp and checks each result.
//
// Layout of the program: a header comment (the trace, the rules, the kernels); the C runtime
// files (repro/runtime/) the trace needs, chosen by their PC_NEED_* switches
// (repro/runtime_select.h): the very files the executor is built from, and the reproducer's own
// state, checks and reports (pc_repro_*.c); the name tables those print from; then main() with
// one block per step. No C is written here but the per-trace calls and checks.
#include "repro/c_emitter.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "repro/c_literals.h"
#include "vocab/c/pc_limits.h"
#include "repro/runtime_select.h"
#include "repro/c_emitter_waiters.h"
#include "repro/c_emitter_fanout.h"
#include "repro/c_emitter_mutant.h"
#include "repro/c_emitter_uring.h"
#include "vocab/mask_names.h"
#include "vocab/obs_fields.h"
#include "vocab/observation.h"
#include "format/trace_format.h"
#include "oracle/mutants.h"
#include "oracle/oracle.h"
#include "oracle/rules.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

// ---- the name tables of the generated program ---------------------------------------------

// The reproducer's runtime files (repro/runtime/pc_repro.h) print names from tables the program
// defines: they are written here from pollcheck's own, so a reproducer spells errnos and masks
// as the trace format does.
std::string bit_table(std::string_view name, std::span<const BitName> table, std::string_view prefix) {
  std::string out = fmt::format("const struct bit_name {}[] = {{\n", name);
  for (const BitName& b : table) out += fmt::format("  {{{}{}, \"{}\"}},\n", prefix, b.name, b.name);
  return out + fmt::format("}};\nconst size_t n_{} = sizeof {} / sizeof {}[0];\n", name, name, name);
}

std::string name_tables() {
  std::string out = "\n/* ---- the names the checks print ---- */\nconst struct errno_entry errno_names[] = {\n";
  std::string line;
  for (int e = 1; e < 4096; ++e) {
    const std::string_view name = errno_symbol(e);
    if (name.empty()) continue;
    const std::string entry = fmt::format("{{{}, \"{}\"}},", name, name);
    if (!line.empty() && line.size() + 1 + entry.size() > 98) {
      out += " " + line + "\n";
      line.clear();
    }
    line += " " + entry;
  }
  if (!line.empty()) out += " " + line + "\n";
  out += "};\nconst size_t n_errno_names = sizeof errno_names / sizeof errno_names[0];\n";
  return out + bit_table("epoll_bits", kEpollBitNames, "EPOLL") + bit_table("poll_bits", kPollBitNames, "POLL");
}

// ---- one step -----------------------------------------------------------------------------

// What the program does for one op. Which fields it then checks is the op's row of the one
// table (vocab/obs_fields.h).
struct OpCode {
  std::string code;          // the statements that perform the op, one per line, unindented
  std::string_view feature;  // a creator whose ENOSYS means this kernel lacks the feature
};

// One emit function per op kind, reached through std::visit: an op without one does not compile.
class OpEmitter {
 public:
  // uring: the trace has io_uring ops, so closes unmap rings first (as the executor does).
  OpEmitter(RuntimeSelection& runtime, std::size_t step, bool uring, std::size_t settle)
      : runtime_(runtime), step_(step), uring_(uring), settle_(settle) {}

  OpCode operator()(const MakePipe& op) {
    return pair(op.rd, op.wr, "pipe2(p, O_NONBLOCK)");
  }
  OpCode operator()(const MakeSocketPair& op) {
    if (op.type == SockType::Tcp || op.type == SockType::Udp) {
      runtime_.need("REPRO_INET");
      return pair(op.a, op.b, op.type == SockType::Tcp ? "tcp_pair(p)" : "udp_pair(p)");
    }
    const char* type = op.type == SockType::Stream ? "SOCK_STREAM"
                       : op.type == SockType::Dgram ? "SOCK_DGRAM"
                                                    : "SOCK_SEQPACKET";
    return pair(op.a, op.b, fmt::format("socketpair(AF_UNIX, {} | SOCK_NONBLOCK, 0, p)", type));
  }
  OpCode operator()(const MakeEventFd& op) {
    return one(op.out, fmt::format("eventfd({}u, EFD_NONBLOCK{})", op.initval, op.semaphore ? " | EFD_SEMAPHORE" : ""),
               "eventfd");
  }
  OpCode operator()(const MakeFifo& op) {
    runtime_.header("pc_fifo.h");
    constexpr const char* kModes[] = {"PC_FIFO_BOTH", "PC_FIFO_READER", "PC_FIFO_WRITER"};
    const char* mode = kModes[static_cast<int>(op.open)];
    if (op.open == FifoOpen::Both) return pair(op.rd, op.wr, fmt::format("pc_make_fifo({}, p)", mode));
    // One end: the one the mode opens is bound (or the failure recorded), the other unbound.
    const bool reader = op.open == FifoOpen::Reader;
    const OutHandle opened = reader ? op.rd : op.wr, other = reader ? op.wr : op.rd;
    return {fmt::format("int p[2] = {{-1, -1}};\ncreated({}, pc_make_fifo({}, p) == 0 ? p[{}] : -1);\n*{} = -1;\n",
                        slot_ptr(opened), mode, reader ? 0 : 1, slot_ptr(other)),
            {}};
  }
  OpCode operator()(const MakeRegularFile& op) {
    return one(op.out, "memfd_create(\"pollcheck\", 0)", "memfd_create");
  }
  OpCode operator()(const EpollCreate1& op) {
    std::string flags;
    if (op.flags == 0) flags = "0";
    else if (op.flags == EPOLL_CLOEXEC) flags = "EPOLL_CLOEXEC";
    else flags = fmt::format("(int){:#x}u", op.flags);
    return one(op.out, fmt::format("epoll_create1({})", flags), "epoll_create1");
  }
  OpCode operator()(const EpollCreate& op) {
    return one(op.out, fmt::format("epoll_create({})", c_i32(op.size)), "epoll_create");
  }
  OpCode operator()(const Dup& op) { return one(op.out, fmt::format("dup({})", slot(op.fd)), {}); }
  OpCode operator()(const DupFd& op) {
    return one(op.out, fmt::format("fcntl({}, F_DUPFD, {})", slot(op.fd), c_i32(op.min)), {});
  }
  OpCode operator()(const Close& op) {
    if (!uring_) return plain(fmt::format("close({})", slot(op.fd)));
    OpCode c = plain(fmt::format("close({})", slot(op.fd)));
    c.code = fmt::format("uring_forget({});\n", slot(op.fd)) + c.code;
    return c;
  }
  OpCode operator()(const Write& op) {
    return plain(fmt::format("write({}, payload({}, {}, {}), {})", slot(op.fd), c_u32(op.len), step_,
                             c_u64(op.value), c_u32(op.len)));
  }
  OpCode operator()(const FillWrite& op) {
    return {fmt::format("do_fill({}, {}, {}, {});\n", slot(op.fd), c_u32(op.len), step_, c_u64(op.value)), {}};
  }
  OpCode operator()(const Read& op) {
    return {fmt::format("do_read({}, {});\n", slot(op.fd), c_u32(op.len)), {}};
  }
  OpCode operator()(const Recv& op) {
    return {fmt::format("do_recv({}, {}, {});\n", slot(op.fd), c_u32(op.len), op.peek ? "MSG_PEEK" : "0"), {}};
  }
  OpCode operator()(const SendOob& op) {
    return plain(fmt::format("send({}, payload({}, {}, 0), {}, MSG_OOB | MSG_DONTWAIT)", slot(op.fd),
                             c_u32(op.len), step_, c_u32(op.len)));
  }
  OpCode operator()(const RecvOob& op) {
    return {fmt::format("do_recv({}, 1, MSG_OOB | MSG_DONTWAIT);\n", slot(op.fd)), {}};
  }
  OpCode operator()(const TcpListen& op) {
    runtime_.need("REPRO_INET");
    return one(op.out, "pc_tcp_listener(PC_TCP_BACKLOG)", {});
  }
  OpCode operator()(const TcpConnect& op) {
    runtime_.need("REPRO_INET");
    return {fmt::format("do_tcp_connect({}, {});\n", slot_ptr(op.out), slot(op.listener)), {}};
  }
  OpCode operator()(const Accept& op) {
    runtime_.need("REPRO_INET");
    return one(op.out, fmt::format("tcp_accept({})", slot(op.fd)), {});
  }
  OpCode operator()(const LingerZero& op) {
    runtime_.need("REPRO_INET");
    return plain(fmt::format("pc_linger_zero({})", slot(op.fd)));
  }
  OpCode operator()(const SoError& op) {
    runtime_.need("REPRO_INET");
    return {fmt::format("do_so_error({});\n", slot(op.fd)), {}};
  }
  OpCode operator()(const Shutdown& op) {
    const char* how = op.how == ShutHow::Rd     ? "SHUT_RD"
                      : op.how == ShutHow::Wr   ? "SHUT_WR"
                      : op.how == ShutHow::RdWr ? "SHUT_RDWR"
                                                : "3 /* the first value the kernel rejects */";
    return plain(fmt::format("shutdown({}, {})", slot(op.fd), how));
  }
  OpCode operator()(const EpollCtl& op) {

    const char* ctl = op.op == CtlOp::Add   ? "EPOLL_CTL_ADD"
                      : op.op == CtlOp::Mod ? "EPOLL_CTL_MOD"
                      : op.op == CtlOp::Del ? "EPOLL_CTL_DEL"
                                            : "0x7f /* no such op */";
    return plain(fmt::format("pc_epoll_ctl({}, {}, {}, {}, {})", slot(op.epfd), ctl, slot(op.fd),
                             c_epoll_mask(op.events.bits), c_u64(op.data)));
  }
  OpCode operator()(const EpollWait& op) {
    return {fmt::format("do_epoll_wait({}, {});\n", slot(op.epfd), c_i32(op.maxevents)), {}};
  }
  OpCode operator()(const Poll& op) {
    OpCode c;
    if (op.entries.empty()) {
      c.code = fmt::format("do_poll(NULL, 0, {});\n", c_i32(op.over_limit));
      return c;
    }
    std::string entries;
    for (const PollEntry& e : op.entries) {
      const std::string fd = e.target.is_handle() ? slot(e.target.handle()) : fmt::format("{}", e.target.value);
      entries += fmt::format("{}{{{}, {}, 0}}", entries.empty() ? "" : ", ", fd, c_poll_mask(e.events.bits));
    }
    c.code = fmt::format("const struct pollfd entries[] = {{{}}};\ndo_poll(entries, {}, {});\n", entries,
                         op.entries.size(), c_i32(op.over_limit));
    return c;
  }
  OpCode operator()(const UringSetup& op) {
    runtime_.need("REPRO_URING");
    return {c_uring_setup_call(op, slot_ptr(op.out)), {}};
  }
  OpCode operator()(const UringPrep& op) {
    runtime_.need("REPRO_URING");
    return {c_uring_prep_call(op, slot(op.ring), slot(op.fd), step_), {}};
  }
  OpCode operator()(const UringSubmit& op) {
    runtime_.need("REPRO_URING");
    return {c_uring_submit_call(slot(op.ring)), {}};
  }
  OpCode operator()(const UringReap& op) {
    runtime_.need("REPRO_URING");
    return {c_uring_reap_call(op, slot(op.ring), settle_), {}};
  }
  OpCode operator()(const Waiters& op) {
    runtime_.need("REPRO_WAITERS");
    return {c_waiters_call(op, slot(op.fd)), {}};
  }
  OpCode operator()(const JoinWaiters&) {
    runtime_.need("REPRO_WAITERS");
    return {"waiters_join();\n", {}};
  }
  OpCode operator()(const TimedWait& op) {
    runtime_.need("REPRO_WAITERS");
    return {c_timed_wait_call(op, slot(op.fd)), {}};
  }
  OpCode operator()(const Fanout& op) {
    runtime_.need("REPRO_FANOUT");
    return {c_fanout_call(op, slot(op.fd), slot(op.epfd)), {}};
  }
  OpCode operator()(const Select& op) {
    OpCode c;
    const HandleList* lists[3] = {&op.rd, &op.wr, &op.ex};
    const char* names[3] = {"rd", "wr", "ex"};
    std::string args;
    for (int i = 0; i < 3; ++i) {
      if (lists[i]->empty()) {
        args += "NULL, 0, ";
        continue;
      }
      std::string elems;
      for (Handle hd : *lists[i]) elems += (elems.empty() ? "" : ", ") + slot(hd);
      c.code += fmt::format("const int {}[] = {{{}}};\n", names[i], elems);
      args += fmt::format("{}, {}, ", names[i], lists[i]->size());
    }
    c.code += fmt::format("do_select({}{}, {});\n", args,
                          op.nfds.relative ? "NFDS_RELATIVE" : "NFDS_ABSOLUTE", c_i32(op.nfds.value));
    return c;
  }

 private:
  OpCode plain(const std::string& call) {
    return {fmt::format("result({});\n", call), {}};
  }
  OpCode one(OutHandle out, const std::string& call, std::string_view feature) {
    return {fmt::format("created({}, {});\n", slot_ptr(out), call), feature};
  }
  OpCode pair(OutHandle a, OutHandle b, const std::string& call) {
    return {fmt::format("int p[2] = {{-1, -1}};\ncreated_pair({}, {}, {}, p);\n", slot_ptr(a), slot_ptr(b), call), {}};
  }

  RuntimeSelection& runtime_;
  std::size_t step_;
  bool uring_;
  std::size_t settle_;
};

std::string indent_block(const std::string& code, const std::string& indent) {
  std::string out;
  std::size_t start = 0;
  while (start < code.size()) {
    const std::size_t nl = code.find('\n', start);
    out += indent + code.substr(start, nl - start) + "\n";
    start = nl == std::string::npos ? code.size() : nl + 1;
  }
  return out;
}

// The checks of one step: for each field, the pinned value (if any) and then the oracle's
// (unless the pin already asks the same). A field the op does not fill is checked only where a
// value other than its default is expected; the program leaves such fields at their default.
class CheckEmitter {
 public:
  explicit CheckEmitter(std::string& out) : out_(out) {}

  void emit(const Observation& p, const std::optional<Pin>& pin, ObsFields fields) {
    const Observation def;
    const Pin none;
    const Pin& q = pin ? *pin : none;
    field(true, q.ret, p.ret, def.ret,
          [](auto src, auto v) { return fmt::format("check_ret({}, {});", src, c_i64(v)); });
    field(true, q.err, p.err, def.err,
          [](auto src, auto v) { return fmt::format("check_errno({}, {});", src, c_errno(v)); });
    field(fields.has(kObsFds), q.fds, p.fds, def.fds, [](auto src, const auto& v) {
      return fmt::format("check_fds({}, {});", src, c_int_list(v));
    });
    field(fields.has(kObsDigest), q.digest, p.digest, def.digest,
          [](auto src, auto v) { return fmt::format("check_digest({}, {:#018x}ULL);", src, v); });
    field(fields.has(kObsWrites), q.writes, p.writes, def.writes,
          [](auto src, auto v) { return fmt::format("check_writes({}, {}u);", src, v); });
    field(fields.has(kObsEvents), q.events, p.events, def.events,
          [](auto src, const auto& v) { return fmt::format("check_events({}, {});", src, c_events_arg(v)); });
    field(fields.has(kObsRevents), q.revents, p.revents, def.revents,
          [](auto src, const auto& v) { return fmt::format("check_revents({}, {});", src, c_revents_arg(v)); });
    field(fields.has(kObsClobbered), std::optional<std::uint32_t>{}, p.clobbered,
          def.clobbered, [](auto src, auto v) { return fmt::format("check_clobbered({}, {}u);", src, v); });
    for (std::size_t k = 0; k < 3; ++k) {
      std::optional<std::vector<int>> pinned;
      if (q.sets) pinned = (*q.sets)[k];
      field(fields.has(kObsSets), pinned, p.sets[k], def.sets[k], [k](auto src, const auto& v) {
        return fmt::format("check_set({}, {}, {});", src, k, c_int_list(v));
      });
    }
    field(fields.has(kObsTimeout), std::optional<std::int64_t>{}, p.timeout_left_us,
          def.timeout_left_us, [](auto src, auto v) { return fmt::format("check_tv({}, {});", src, c_i64(v)); });
    if (fields.has(kObsRing)) {
      const std::uint32_t sq = q.sq.value_or(p.sq_entries), cq = q.cq.value_or(p.cq_entries);
      if (sq != p.sq_entries || cq != p.cq_entries) line(fmt::format("check_ring(PINNED, {}u, {}u);", sq, cq));
      line(fmt::format("check_ring(ORACLE, {}u, {}u);", p.sq_entries, p.cq_entries));
    }
    if (fields.has(kObsEarly)) {
      if (q.early && *q.early != p.early) line(fmt::format("check_early(PINNED, {});", *q.early ? 1 : 0));
      line(fmt::format("check_early(ORACLE, {});", p.early ? 1 : 0));
    }
  }

 private:
  // call(source, v) gives the check of v, from the source ORACLE or PINNED.
  template <class T, class Call>
  void field(bool fills, const std::optional<T>& pinned, const T& predicted,
             const T& def, Call call) {
    if (pinned) line(call("PINNED", *pinned));
    if ((fills || !(predicted == def)) && !(pinned && *pinned == predicted))
      line(call("ORACLE", predicted));
  }
  void line(const std::string& text) {
    out_ += "  " + text + "\n";
  }

  std::string& out_;
};

// ---- the header comment -------------------------------------------------------------------

// A pin as the trace writes it, on the line after its op: "=> ret=1 events=[IN|OUT:7]".
std::string render_pin(const Pin& pin) { return "=> " + print_pin(pin); }

std::string rule_list(const std::set<RuleId>& rules) {
  std::string s;
  for (RuleId r : rules) s += fmt::format("{}{}", s.empty() ? "" : " ", rule_info(r).id);
  return s.empty() ? "(none)" : s;
}

// Appends " * <label><text>" lines (continuations indented under the text), the text wrapped at spaces to keep lines near 100 columns.
void comment_wrapped(std::string& out, std::string_view label, std::string_view text) {
  constexpr std::size_t kWidth = 96;
  const std::string indent(label.size(), ' ');
  std::string line(label);
  std::size_t start = 0;
  bool first_word = true;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!first_word && line.size() + 1 + word.size() > kWidth) {
      out += " * " + c_comment_text(line) + "\n";
      line = indent;
      first_word = true;
    }
    line += (first_word ? "" : " ") + std::string(word);
    first_word = false;
    start = end + 1;
  }
  out += " * " + c_comment_text(line) + "\n";
}

// One step of the mutant's kernel beside Linux's (which answered `predicted`), as the harness's
// mutant executor takes it: where the buggy model admits Linux's answer it gave that one, else
// its own. Returns the statements that put its answer in place ("" where it is Linux's), and
// stops following (buggy reset) once the buggy model cannot say.
std::string follow_mutant(std::optional<Oracle>& buggy, const Op& op, std::size_t step, const Observation& predicted) {
  Expectation b;
  try {
    b = buggy->expect(op, step);
  } catch (const Unmodeled&) {
    buggy.reset();
    return {};
  }
  if (b.allowed.empty()) {
    buggy.reset();
    return {};
  }
  const Observation shown = b.admits(predicted) ? predicted : b.allowed.front();
  buggy->commit(op, step, shown);
  return c_decorate(predicted, shown);
}

}  // namespace

std::string emit_c_reproducer(const Trace& trace, LearnedParams& params,
                              const std::string& emitted_on, CEmitStats* stats) {
  // The expected values are Linux's, with the accounting measured here: a C program checks one
  // outcome per step. Under a profile that leaves accounting to the implementation, the steps
  // whose outcome depends on it are run but not checked (accounting_unchecked below).
  std::set<int> open_at_start{0, 1, 2};
  open_at_start.insert(trace.held.begin(), trace.held.end());
  Oracle oracle(Profile::Linux, params, open_at_start);
  // A mutant's finding: the answers of a kernel with its bug, kept in step as the harness's
  // mutant executor keeps them (harness/mutant_executor.cpp), for its conditions.
  std::optional<Oracle> buggy;
  const MutantInfo* mutant = nullptr;
  if (!trace.mutant.empty()) {
    const std::optional<Mutant> m = mutant_from_name(trace.mutant);
    if (!m) throw std::invalid_argument(fmt::format("the trace names mutant '{}', which the bug zoo does not have", trace.mutant));
    mutant = &mutant_info(*m);
    buggy.emplace(Profile::Linux, params, open_at_start, *m);
  }
  std::vector<std::size_t> decorated_steps;
  const bool profile_judges_accounting = judges_accounting(trace.profile);
  const bool uses_uring = std::any_of(trace.steps.begin(), trace.steps.end(), [](const Step& s) {
    return std::holds_alternative<UringSetup>(s.op) || std::holds_alternative<UringPrep>(s.op) ||
           std::holds_alternative<UringSubmit>(s.op) || std::holds_alternative<UringReap>(s.op);
  });
  bool starts_waiters = false;             // a waiters step is run: probe the settle signal
  std::vector<UringOpcode> uring_opcodes;  // the opcodes of the preps run: probe them
  RuntimeSelection runtime;
  runtime.need("REPRO");
  std::string body;
  std::set<RuleId> all_rules;
  std::vector<std::optional<std::set<RuleId>>> step_rules(trace.steps.size());
  std::vector<std::string> unmodeled(trace.steps.size());
  CEmitStats counts;

  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    const std::size_t step = i + 1;
    const Step& s = trace.steps[i];
    const std::string line = print_op(s.op);
    body += "\n";
    for (const std::string& c : s.comments) body += "  /* " + c_comment_text(c) + " */\n";
    Expectation e;
    try {
      e = oracle.expect(s.op, step);
    } catch (const Unmodeled& u) {
      // A parameter out of bounds here, or a feature missing: the expected values of every
      // later step would rest on it, so there is no reproducer to write.
      if (u.missing_feature) throw;
      unmodeled[i] = u.what();
    }
    if (unmodeled[i].empty() && e.allowed.empty()) unmodeled[i] = "the oracle allows no outcome";
    if (!unmodeled[i].empty()) {
      ++counts.skipped;
      body += fmt::format("  /* step {}: {}\n   * not run: the oracle cannot predict it ({}) */\n", step,
                          c_comment_text(line), c_comment_text(unmodeled[i]));
      continue;
    }
    const Observation predicted = e.allowed.front();
    oracle.commit(s.op, step, predicted);
    const std::string decoration = buggy ? follow_mutant(buggy, s.op, step, predicted) : std::string();
    starts_waiters = starts_waiters || std::holds_alternative<Waiters>(s.op);
    if (const auto* prep = std::get_if<UringPrep>(&s.op)) uring_opcodes.push_back(prep->opcode);
    step_rules[i] = std::set<RuleId>(e.rules.begin(), e.rules.end());
    all_rules.insert(e.rules.begin(), e.rules.end());
    ++counts.checked;

    // A reap is checked against the prediction as a whole (repro/c_emitter_uring.h).
    std::optional<ReapPrediction> reap;
    if (std::holds_alternative<UringReap>(s.op)) reap = oracle.reap_prediction();
    const std::size_t settle =
        reap && !reap->maybe.empty() ? reap->definite.size() + reap->maybe.size() : 0;
    OpCode code = std::visit(OpEmitter(runtime, step, uses_uring, settle), s.op);
    body += fmt::format("  /* step {}: {} */\n", step, c_comment_text(line));
    if (s.pin) body += fmt::format("  /* {} */\n", c_comment_text(render_pin(*s.pin)));
    body += fmt::format("  begin_step({}, {});\n", step, c_string(line));
    const bool block = code.code.find('\n') + 1 != code.code.size();  // more than one statement
    if (block) body += "  {\n";
    std::size_t start = 0;
    while (start < code.code.size()) {
      const std::size_t nl = code.code.find('\n', start);
      body += (block ? "    " : "  ") + code.code.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
    if (block) body += "  }\n";
    if (runtime.needs("REPRO_INET")) body += "  inet_settle();\n";
    if (runtime.needs("REPRO_WAITERS")) body += "  waiters_settle();\n";
    const bool enosys_expected =
        predicted.err == ENOSYS || (s.pin && s.pin->err && *s.pin->err == ENOSYS);
    if (!code.feature.empty() && !enosys_expected) {
      body += fmt::format("  need(\"{}\");\n", code.feature);
    }
    std::string reap_checks;
    if (reap) {
      if (s.pin && s.pin->cqes) {
        const bool timed_out = s.pin->err && *s.pin->err == ETIME;
        reap_checks += "  " + c_uring_reap_check(pinned_reap(*s.pin->cqes, std::get<UringReap>(s.op).wait, timed_out), "PINNED") + "\n";
      }
      reap_checks += "  " + c_uring_reap_check(*reap, "ORACLE") + "\n";
    }
    body += reap_checks;
    // A write's count and a fill's length are where accounting shows; readiness a program
    // checks exactly (POLLOUT of a buffer that is far from full is the same everywhere).
    std::string checks;
    const bool counts_bytes = std::holds_alternative<Write>(s.op) || std::holds_alternative<FillWrite>(s.op);
    const bool accounting_unchecked =
        !profile_judges_accounting && counts_bytes &&
        std::any_of(e.rules.begin(), e.rules.end(), counts_buffer_space);
    if (accounting_unchecked) {
      checks += fmt::format("  /* counts not checked: under profile {} how much a buffer takes is "
                            "the implementation's choice */\n",
                            profile_name(trace.profile));
      // An error other than a full buffer's is semantics: the same, unless the buffer was full
      // first.
      if (predicted.err != 0 && predicted.err != EAGAIN)
        checks += fmt::format("  if (o.err != EAGAIN) check_errno(ORACLE, {});\n", c_errno(predicted.err));
    }
    else
      CheckEmitter(checks).emit(predicted, s.pin, observed_fields(s.op));
    if (runtime.needs("REPRO_WAITERS")) {
      if (s.pin && s.pin->woke) checks += indent_block(c_woke_check({*s.pin->woke}, "PINNED"), "  ");
      std::vector<std::vector<WaiterObs>> admitted;
      for (const Observation& a : e.allowed)
        if (std::find(admitted.begin(), admitted.end(), a.woke) == admitted.end()) admitted.push_back(a.woke);
      checks += indent_block(c_woke_check(admitted, "ORACLE"), "  ");
      checks += "  woke_seen();\n";
    }
    body += checks;
    if (!decoration.empty()) {
      // Under the mutant's conditions: its answer in place of the kernel's, checked again.
      decorated_steps.push_back(step);
      body += fmt::format("  if (decorated) {{ /* a kernel with the bug of mutant {} answers so */\n", mutant->name);
      body += indent_block(decoration, "    ") + indent_block(reap_checks + checks, "  ") + "  }\n";
    }
  }
  if (!trace.trailing_comments.empty()) {
    body += "\n";
    for (const std::string& c : trace.trailing_comments) body += "  /* " + c_comment_text(c) + " */\n";
  }

  if (!decorated_steps.empty()) runtime.need("REPRO_MUTANT");

  // ---- header ----
  std::string out = "/*\n";
  out += fmt::format(
      " * pollcheck reproducer: a {}-step pollcheck trace as plain libc calls, each result checked\n"
      " * against what pollcheck's oracle predicts for Linux and against what the trace pins.\n",
      trace.steps.size());
  out +=
      " *\n"
      " *   cc -std=c99 -Wall -Wextra -o repro repro.c && ./repro        (add -luring when it\n"
      " *                                                                 has io_uring steps,\n"
      " *                                                                 -pthread when it has\n"
      " *                                                                 waiter threads)\n"
      " *\n"
      " * Exit status: 0 every step matched (\"all N steps match\"); 1 a step differs, printed as\n"
      " * \"step N: <op>: expected <field>=<value>, observed <field>=<value>\"; 77 this kernel lacks a\n"
      " * call, a feature or a settle signal the trace needs (the reason is printed); 4 a step did\n"
      " * not settle within its bound (waiter threads or loopback traffic still moving: no verdict);\n"
      " * 2 the program could not run (out of memory; waiter threads that kept taking an order\n"
      " * other than the one its checks assume, rerun 100 times).\n"
      " *\n"
      " * The expected values assume a fresh process with only descriptors 0, 1 and 2 open (the\n"
      " * program closes the rest first) and these parameters, learned where it was emitted:\n";
  const std::vector<std::string> learned = params.report();
  comment_wrapped(out, "  ", learned.empty() ? std::string("(none needed)") : fmt::format("{}", fmt::join(learned, ", ")));
  out += " *\n";
  if (mutant) {
    out += " *\n";
    comment_wrapped(out, "", fmt::format(
        "The trace was run against bug-zoo mutant {}: a kernel with the bug of {}. Run as "
        "POLLCHECK_MUTANT={} ./repro, the program runs under its conditions, as pollcheck's harness "
        "did: on this kernel, with that kernel's answer put in place of this one's at {}, once this "
        "one has matched Linux's, and checked again. It exits 1 there when its checks catch the "
        "bug.",
        mutant->name, mutant->models, mutant->name,
        decorated_steps.empty() ? std::string("no step (the two kernels answer alike here)")
                                : fmt::format("step{} {}", decorated_steps.size() == 1 ? "" : "s",
                                              fmt::join(decorated_steps, ", "))));
    out += " *\n";
  }
  out += fmt::format(" * Trace recorded on kernel: {}\n",
                     c_comment_text(trace.kernel.empty() ? std::string("(unknown)") : trace.kernel));
  out += fmt::format(" * Emitted on kernel:        {}\n", c_comment_text(emitted_on.empty() ? std::string("(unknown)") : emitted_on));
  out += fmt::format(" * Profile:                  {}\n", profile_name(trace.profile));
  comment_wrapped(out, "Rules involved:           ", rule_list(all_rules));
  if (trace.finding && trace.finding->step >= 1 && trace.finding->step <= trace.steps.size()) {
    const std::size_t d = trace.finding->step;
    const auto& r = step_rules[d - 1];
    comment_wrapped(out, fmt::format("Rules of step {} (where the trace diverged): ", d),
                    r ? rule_list(*r) : std::string("(not modeled)"));
  }
  if (!trace.comments.empty()) {
    out += " *\n * The trace's header comments:\n";
    for (const std::string& c : trace.comments) out += " *   " + c_comment_text(c) + "\n";
  }
  out += " *\n * The trace:\n";
  const int width = static_cast<int>(fmt::format("{}", trace.steps.size()).size());
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    const Step& s = trace.steps[i];
    out += fmt::format(" *   {:>{}}  {}{}\n", i + 1, width, c_comment_text(print_op(s.op)),
                       unmodeled[i].empty() ? "" : "    (not modeled: not run)");
    if (s.pin) out += fmt::format(" *   {:>{}}  {}\n", "", width, c_comment_text(render_pin(*s.pin)));
  }
  out += " */\n";

  out += R"C(#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
)C";
  if (runtime.needs("REPRO_URING")) out += "#include <liburing.h>\n";
  out += R"C(
#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 27))
/* glibc before 2.27 has no memfd_create wrapper. */
#define memfd_create(name, flags) ((int)syscall(SYS_memfd_create, (name), (flags)))
#endif

)C";
  out += runtime.text();
  out += name_tables();
  out += "\n/* ---- the trace's steps, each checked ---- */\n";
  out += R"C(
int main(void) {
)C";
  out += "  int i;\n\n";
  out += "  setup();\n";
  if (!trace.held.empty())
    out += fmt::format("  hold_descriptors((const int[]){{{}}}, {});\n", fmt::join(trace.held, ", "), trace.held.size());
  if (!decorated_steps.empty())
    out += fmt::format("  mutant_conditions({}, {});\n", c_string(mutant->name), c_string(mutant->models));
  // What the trace needs of the implementation, probed before the first step: each exits 77
  // with the reason where it is missing (and the network namespace comes before any thread).
  if (runtime.needs("REPRO_INET")) out += "  enter_netns();\n";
  if (starts_waiters) out += "  waiters_probe();\n";
  if (runtime.needs("REPRO_URING")) out += indent_block(c_uring_require_call(uring_opcodes), "  ");
  out += "  for (i = 0; i < 16; ++i) h[i] = -1;\n";
  out += body;
  out += "\n";
  out += fmt::format("  printf(\"all {} steps match\\n\");\n", counts.checked);
  if (counts.skipped)
    out += fmt::format("  printf(\"({} steps not run: the oracle does not model them)\\n\");\n", counts.skipped);
  out += "  return 0;\n}\n";
  if (stats) *stats = counts;
  return out;
}

}  // namespace pc
