// The C reproducer: the oracle's predictions for a trace, frozen into a C99 program that
// performs the same calls as kernel/executor.cpp and checks each result.
//
// Layout of the program: a header comment (the trace, the rules, the kernels); the parts of the
// C runtime (repro/runtime/) the trace needs, the very files the executor is built from, chosen
// by their PC_NEED_* switches (repro/runtime_select.h); the reproducer's own check and report
// helpers (each defined once, and only if some step uses it, since -Wall rejects unused static
// functions); then main() with one block per step.
#include "repro/c_emitter.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <span>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "repro/c_emitter_inet.h"
#include "repro/c_literals.h"
#include "repro/runtime/pc_limits.h"
#include "repro/runtime_select.h"
#include "repro/c_emitter_waiters.h"
#include "repro/c_emitter_fanout.h"
#include "repro/c_emitter_uring.h"
#include "vocab/mask_names.h"
#include "vocab/observation.h"
#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/rules.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

// ---- helpers of the generated program -----------------------------------------------------

// In definition order: a helper only uses helpers listed before it.
enum class Helper : std::uint8_t {
  State, OutOfMemory, Report, ErrnoNames, IntList, MaskPrinter, EpollNames, PollNames,
  CheckRet, CheckErrno, CheckFds, CheckDigest, CheckWrites, CheckEvents, CheckRevents,
  CheckClobbered, CheckSet, CheckTv,
  Result, Created, CreatedPair, Need, Payload, Read, Recv, Fill,
  EpollWait, Poll, Select, Uring, CheckRing, CheckCqes, Inet, Waiters, Fanout,
  kCount
};

std::vector<Helper> helper_deps(Helper h) {
  using enum Helper;
  switch (h) {
    case State: return {};
    case OutOfMemory: return {State};
    case Report: return {State};
    case ErrnoNames: return {};
    case IntList: return {};
    case MaskPrinter: return {};
    case EpollNames: return {MaskPrinter};
    case PollNames: return {MaskPrinter};
    case CheckRet: return {Report, ErrnoNames};
    case CheckErrno: return {Report, ErrnoNames};
    case CheckFds: return {Report, IntList};
    case CheckDigest: return {Report};
    case CheckWrites: return {Report};
    case CheckEvents: return {Report, EpollNames};
    case CheckRevents: return {Report, PollNames};
    case CheckClobbered: return {Report};
    case CheckSet: return {Report, IntList};
    case CheckTv: return {Report};
    case Result: return {State};
    case Created: return {State};
    case CreatedPair: return {State};
    case Need: return {State};
    case Payload: return {OutOfMemory};
    case Read: return {Result, OutOfMemory};
    case Recv: return {Result, OutOfMemory};
    case Fill: return {State, Payload};
    case EpollWait: return {Result, OutOfMemory};
    case Poll: return {Result, OutOfMemory};
    case Select: return {Result, OutOfMemory};
    case Uring: return {Result, OutOfMemory};
    case CheckRing: return {Report};
    case CheckCqes: return {Report, ErrnoNames, OutOfMemory};
    case Inet: return {State, Report};
    case Waiters: return {State, Report, ErrnoNames, OutOfMemory};
    case Fanout: return {State};
    case kCount: break;
  }
  return {};
}

// The parts of the C runtime (repro/runtime/, by their PC_NEED_* switch) a helper calls; the
// runtime files they include come along (RuntimeSelection).
std::vector<std::string_view> runtime_needs(Helper h) {
  using enum Helper;
  switch (h) {
    case Payload: return {"PAYLOAD"};
    case Read:
    case Recv:
    case Fill: return {"IO"};
    case EpollWait:
    case Poll:
    case Select: return {"READINESS"};
    case Uring: return {"URING"};
    case Inet: return {"INET", "NETNS", "LOOPBACK"};
    case Waiters: return {"WAITERS", "TIMED_WAIT"};
    case Fanout: return {"FANOUT"};
    default: return {};
  }
}

std::string bit_table(std::string_view name, std::span<const BitName> table, std::string_view prefix) {
  std::string out = fmt::format("static const struct bit_name {}[] = {{\n", name);
  for (const BitName& b : table) out += fmt::format("  {{{}{}, \"{}\"}},\n", prefix, b.name, b.name);
  return out + "};\n";
}

std::string helper_code(Helper h) {
  using enum Helper;
  switch (h) {
    case State:
      return R"C(/* One CQE a reap took; digest: of the bytes a read put in its buffer. */
struct cqe_obs {
  int32_t res;
  uint64_t user_data;
  uint32_t flags;
  uint64_t digest;
};

/* One event epoll_wait returned. */
struct event {
  uint32_t events;
  uint64_t data;
};

/* What one step returned, field by field (pollcheck's Observation). */
struct obs {
  long long ret;            /* the call's return value (-1 on failure); fill: bytes written */
  int err;                  /* errno when ret == -1; fill: the errno that ended it (0: a cap) */
  size_t nfds;              /* creators: the descriptors made (pipe: read end, write end) */
  int fds[2];
  uint64_t digest;          /* read: FNV-1a of the bytes read */
  unsigned writes;          /* fill: how many writes succeeded */
  size_t nevents;           /* epoll_wait: the events in the order returned */
  struct event *events;
  size_t nrevents;          /* poll: revents of each entry */
  unsigned short *revents;
  unsigned clobbered;       /* poll: entries whose events field came back changed */
  unsigned sq_entries;      /* uring_setup: the ring's sizes */
  unsigned cq_entries;
  size_t ncqes;             /* uring_reap: the CQEs taken, in CQ ring order */
  struct cqe_obs *cqes;
  size_t nset[3];           /* select: descriptors left set in rd, wr, ex (ascending) */
  int *set[3];
  long long tv_left_us;     /* select: what the kernel wrote back into the timeval */
  int early;                /* timed_wait: it returned 0 before its timeout elapsed */
};

#define ORACLE 0 /* a value pollcheck's oracle predicts */
#define PINNED 1 /* a value the trace pins by hand */

static int h[16];          /* the trace's slots h0..h15: a descriptor number, -1 when unbound */
static struct obs o;       /* what the current step returned */
static int cur_step;       /* the current step (1-based, numbered as in the trace) */
static const char *cur_op; /* and its op line */

static void begin_step(int step, const char *op) {
  int i;
  free(o.events);
  free(o.revents);
  for (i = 0; i < 3; ++i) free(o.set[i]);
  free(o.cqes);
  memset(&o, 0, sizeof o);
  cur_step = step;
  cur_op = op;
}
)C";
    case OutOfMemory:
      return R"C(
static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    printf("step %d: %s: out of memory (%zu bytes)\n", cur_step, cur_op, n);
    exit(2);
  }
  return p;
}
)C";
    case Report:
      return R"C(
/* A mismatch ends the program with one line:
   "step N: <op>: expected <field>=<value>, observed <field>=<value>". */
static void mismatch_begin(const char *field) {
  printf("step %d: %s: expected %s=", cur_step, cur_op, field);
}

static void mismatch_observed(int source, const char *field) {
  printf("%s, observed %s=", source == PINNED ? " (pinned)" : "", field);
}

static void mismatch_end(void) {
  printf("\n");
  exit(1);
}
)C";
    case ErrnoNames: {
      std::string out = "\nstatic const struct {\n  int err;\n  const char *name;\n} errno_names[] = {\n";
      for (int e = 1; e < 4096; ++e) {
        const std::string name = errno_name(e);
        if (name.size() > 1 && !(name[1] >= '0' && name[1] <= '9'))
          out += fmt::format("  {{{}, \"{}\"}},\n", name, name);
      }
      out += R"C(};

static const char *errno_name(int err) {
  static char other[16];
  size_t i;
  if (err == 0) return "0";
  for (i = 0; i < sizeof errno_names / sizeof errno_names[0]; ++i)
    if (errno_names[i].err == err) return errno_names[i].name;
  snprintf(other, sizeof other, "E%d", err);
  return other;
}
)C";
      return out;
    }
    case IntList:
      return R"C(
static int ints_equal(const int *a, size_t na, const int *b, size_t nb) {
  size_t i;
  if (na != nb) return 0;
  for (i = 0; i < na; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

static void print_ints(const int *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) printf("%s%d", i ? "," : "", v[i]);
  printf("]");
}
)C";
    case MaskPrinter:
      return R"C(
struct bit_name {
  unsigned bit;
  const char *name;
};

/* "IN|OUT"; "0" for no bits; bits without a name last, as one hex number. */
static void print_mask(unsigned bits, const struct bit_name *table, size_t n) {
  size_t i;
  int any = 0;
  if (bits == 0) {
    printf("0");
    return;
  }
  for (i = 0; i < n; ++i) {
    if (!(bits & table[i].bit)) continue;
    printf("%s%s", any ? "|" : "", table[i].name);
    any = 1;
    bits &= ~table[i].bit;
  }
  if (bits) printf("%s0x%x", any ? "|" : "", bits);
}
)C";
    case EpollNames:
      return "\n" + bit_table("epoll_bits", kEpollBitNames, "EPOLL");
    case PollNames:
      return "\n" + bit_table("poll_bits", kPollBitNames, "POLL");
    case CheckRet:
      return R"C(
static void check_ret(int source, long long expected) {
  if (o.ret == expected) return;
  mismatch_begin("ret");
  printf("%lld", expected);
  mismatch_observed(source, "ret");
  printf("%lld", o.ret);
  if (o.err != 0) printf(" (errno %s)", errno_name(o.err));
  mismatch_end();
}
)C";
    case CheckErrno:
      return R"C(
static void check_errno(int source, int expected) {
  if (o.err == expected) return;
  mismatch_begin("errno");
  printf("%s", errno_name(expected));
  mismatch_observed(source, "errno");
  printf("%s", errno_name(o.err));
  mismatch_end();
}
)C";
    case CheckFds:
      return R"C(
static void check_fds(int source, const int *expected, size_t n) {
  if (ints_equal(o.fds, o.nfds, expected, n)) return;
  mismatch_begin("fds");
  print_ints(expected, n);
  mismatch_observed(source, "fds");
  print_ints(o.fds, o.nfds);
  mismatch_end();
}
)C";
    case CheckDigest:
      return R"C(
static void check_digest(int source, uint64_t expected) {
  if (o.digest == expected) return;
  mismatch_begin("digest");
  printf("0x%016llx", (unsigned long long)expected);
  mismatch_observed(source, "digest");
  printf("0x%016llx", (unsigned long long)o.digest);
  mismatch_end();
}
)C";
    case CheckWrites:
      return R"C(
static void check_writes(int source, unsigned expected) {
  if (o.writes == expected) return;
  mismatch_begin("writes");
  printf("%u", expected);
  mismatch_observed(source, "writes");
  printf("%u", o.writes);
  mismatch_end();
}
)C";
    case CheckEvents:
      return R"C(
static void print_events(const struct event *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) {
    printf("%s", i ? ", " : "");
    print_mask(v[i].events, epoll_bits, sizeof epoll_bits / sizeof epoll_bits[0]);
    printf(" data=%llu", (unsigned long long)v[i].data);
  }
  printf("]");
}

/* The events epoll_wait returned, in order, each with its mask and data. */
static void check_events(int source, const struct event *expected, size_t n) {
  size_t i;
  int same = o.nevents == n;
  for (i = 0; same && i < n; ++i)
    same = o.events[i].events == expected[i].events && o.events[i].data == expected[i].data;
  if (same) return;
  mismatch_begin("events");
  print_events(expected, n);
  mismatch_observed(source, "events");
  print_events(o.events, o.nevents);
  mismatch_end();
}
)C";
    case CheckRevents:
      return R"C(
static void print_revents(const unsigned short *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) {
    printf("%s", i ? ", " : "");
    print_mask(v[i], poll_bits, sizeof poll_bits / sizeof poll_bits[0]);
  }
  printf("]");
}

/* The revents of each entry the trace gave (padding entries are not reported). */
static void check_revents(int source, const unsigned short *expected, size_t n) {
  size_t i;
  int same = o.nrevents == n;
  for (i = 0; same && i < n; ++i) same = o.revents[i] == expected[i];
  if (same) return;
  mismatch_begin("revents");
  print_revents(expected, n);
  mismatch_observed(source, "revents");
  print_revents(o.revents, o.nrevents);
  mismatch_end();
}
)C";
    case CheckClobbered:
      return R"C(
/* poll must leave every events field as given. */
static void check_clobbered(int source, unsigned expected) {
  if (o.clobbered == expected) return;
  mismatch_begin("clobbered");
  printf("%u", expected);
  mismatch_observed(source, "clobbered");
  printf("%u", o.clobbered);
  mismatch_end();
}
)C";
    case CheckSet:
      return R"C(
/* One select result set (0: rd, 1: wr, 2: ex): every bit left set, ascending. */
static void check_set(int source, int which, const int *expected, size_t n) {
  static const char *const names[3] = {"rd", "wr", "ex"};
  if (ints_equal(o.set[which], o.nset[which], expected, n)) return;
  mismatch_begin(names[which]);
  print_ints(expected, n);
  mismatch_observed(source, names[which]);
  print_ints(o.set[which], o.nset[which]);
  mismatch_end();
}
)C";
    case CheckTv:
      return R"C(
/* The timeout select left in its timeval, in microseconds. */
static void check_tv(int source, long long expected) {
  if (o.tv_left_us == expected) return;
  mismatch_begin("tv");
  printf("%lld", expected);
  mismatch_observed(source, "tv");
  printf("%lld", o.tv_left_us);
  mismatch_end();
}
)C";
    case Result:
      return R"C(
/* A call that returns -1 and sets errno on failure: its value, and errno if it failed. */
static void result(long long r) {
  o.ret = r;
  if (r < 0) o.err = errno;
}
)C";
    case Created:
      return R"C(
/* A call that creates one descriptor: bound to the slot, or -1 and errno (which unbinds it). */
static void created(int *slot, int fd) {
  if (fd < 0) {
    o.ret = -1;
    o.err = errno;
  } else {
    o.nfds = 1;
    o.fds[0] = fd;
  }
  if (slot) *slot = fd;
}
)C";
    case CreatedPair:
      return R"C(
/* A call that creates two descriptors (pipe2, socketpair): r is what it returned. On failure
   both slots are unbound. */
static void created_pair(int *a, int *b, int r, const int fds[2]) {
  if (r != 0) {
    o.ret = -1;
    o.err = errno;
    if (a) *a = -1;
    if (b) *b = -1;
    return;
  }
  o.nfds = 2;
  o.fds[0] = fds[0];
  o.fds[1] = fds[1];
  if (a) *a = fds[0];
  if (b) *b = fds[1];
}
)C";
    case Need:
      return R"C(
/* A creator failing with ENOSYS: this kernel lacks the feature, which is no mismatch. */
static void need(const char *call) {
  if (o.ret == -1 && o.err == ENOSYS) {
    printf("step %d: %s: %s is not available on this kernel (ENOSYS): skipped\n", cur_step,
           cur_op, call);
    exit(77);
  }
}
)C";
    case Payload:
      return R"C(
/* The payload of a write at `step` (pc_fill_payload), in a buffer valid until the next call. */
static const unsigned char *payload(uint32_t len, size_t step, uint64_t value) {
  static unsigned char *buf;
  free(buf);
  buf = xmalloc(len);
  pc_fill_payload(buf, len, step, value);
  return buf;
}
)C";
    case Read:
      return R"C(
static void do_read(int fd, uint32_t len) {
  unsigned char *buf = xmalloc(len);
  result(pc_read_digest(fd, buf, len, &o.digest));
  free(buf);
}
)C";
    case Recv:
      return R"C(
static void do_recv(int fd, uint32_t len, int flags) {
  unsigned char *buf = xmalloc(len);
  result(pc_recv_digest(fd, buf, len, flags, &o.digest));
  free(buf);
}
)C";
    case Fill:
      return R"C(
/* The step's payload written until the kernel refuses it or a cap is reached (pc_fill).
   ret: bytes written. */
static void do_fill(int fd, uint32_t len, size_t step, uint64_t value) {
  o.ret = (long long)pc_fill(fd, payload(len, step, value), len, &o.writes, &o.err);
}
)C";
    case EpollWait:
      return R"C(
/* epoll_wait with timeout 0, into a buffer of pc_epoll_entries(maxevents) entries. */
static void do_epoll_wait(int epfd, int maxevents) {
  size_t n = pc_epoll_entries(maxevents), i;
  struct epoll_event *buf = xmalloc(n * sizeof *buf);
  memset(buf, 0, n * sizeof *buf);
  result(epoll_wait(epfd, buf, maxevents, 0));
  if (o.ret > 0) {
    o.nevents = (size_t)o.ret;
    o.events = xmalloc(o.nevents * sizeof *o.events);
    for (i = 0; i < o.nevents; ++i) {
      o.events[i].events = buf[i].events;
      o.events[i].data = buf[i].data.u64;
    }
  }
  free(buf);
}
)C";
    case Poll:
      return R"C(
/* poll with timeout 0 on the entries given, padded with fd -1 entries when over_limit != 0
   (pc_poll_size, pc_poll_run). */
static void do_poll(const struct pollfd *entries, size_t n, int over_limit) {
  int capped;
  size_t total = pc_poll_size(n, over_limit, &capped);
  struct pollfd *arr = xmalloc(total * sizeof *arr);
  o.nrevents = n;
  o.revents = xmalloc(n * sizeof *o.revents);
  result(pc_poll_run(arr, total, entries, n, o.revents, &o.clobbered));
  free(arr);
}
)C";
    case Select:
      return R"C(
#define NFDS_RELATIVE 1 /* nfds = the highest descriptor in the sets + 1 + value */
#define NFDS_ABSOLUTE 0 /* nfds = value */

/* select with a zero timeout on bitmaps sized by hand (pc_select_bits). The result sets are
   every bit left set, not just the ones put in. */
static void do_select(const int *rd, size_t nrd, const int *wr, size_t nwr, const int *ex,
                      size_t nex, int relative, int value) {
  const int *lists[3];
  size_t sizes[3], k, nwords;
  unsigned long *maps[3];
  int i, highest = -1, nfds;
  struct timeval tv = {0, 0};
  lists[0] = rd;
  lists[1] = wr;
  lists[2] = ex;
  sizes[0] = nrd;
  sizes[1] = nwr;
  sizes[2] = nex;
  for (i = 0; i < 3; ++i)
    for (k = 0; k < sizes[i]; ++k)
      if (lists[i][k] > highest) highest = lists[i][k];
  nfds = pc_select_nfds(highest, relative, value);
  nwords = pc_bitmap_words(pc_select_bits(nfds, highest));
  for (i = 0; i < 3; ++i) {
    maps[i] = xmalloc(nwords * sizeof(unsigned long));
    memset(maps[i], 0, nwords * sizeof(unsigned long));
    for (k = 0; k < sizes[i]; ++k)
      if (lists[i][k] >= 0) pc_bitmap_set(maps[i], lists[i][k]);
  }
  result(select(nfds, (fd_set *)maps[0], (fd_set *)maps[1], (fd_set *)maps[2], &tv));
  for (i = 0; i < 3; ++i) {
    o.set[i] = xmalloc(pc_bitmap_members(maps[i], nwords, NULL) * sizeof(int));
    o.nset[i] = pc_bitmap_members(maps[i], nwords, o.set[i]);
    free(maps[i]);
  }
  o.tv_left_us = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}
)C";
    case Uring:
      return c_uring_helpers();
    case CheckRing:
      return R"C(
static void check_ring(int source, unsigned sq, unsigned cq) {
  if (o.sq_entries == sq && o.cq_entries == cq) return;
  mismatch_begin("ring sizes");
  printf("sq=%u cq=%u", sq, cq);
  mismatch_observed(source, "ring sizes");
  printf("sq=%u cq=%u", o.sq_entries, o.cq_entries);
  mismatch_end();
}
)C";
    case CheckCqes:
      return c_uring_check();
    case Inet:
      return c_inet_helpers();
    case Waiters:
      return c_waiter_helpers();
    case Fanout:
      return c_fanout_helpers();
    case kCount: break;
  }
  return {};
}

class Helpers {
 public:
  void use(Helper h) {
    if (used_.insert(h).second)
      for (Helper d : helper_deps(h)) use(d);
  }
  bool uses(Helper h) const { return used_.contains(h); }
  std::string code() const {
    std::string out;
    for (Helper h : used_) out += helper_code(h);  // std::set: enum (definition) order
    return out;
  }
  // A part of the C runtime a step calls directly (pc_epoll_ctl, say).
  void need(std::string_view runtime_switch) { runtime_.need(runtime_switch); }
  // The parts of the C runtime these helpers and steps call.
  std::string runtime() const {
    RuntimeSelection r = runtime_;
    for (Helper h : used_)
      for (std::string_view sw : runtime_needs(h)) r.need(sw);
    return r.text();
  }

 private:
  std::set<Helper> used_;
  RuntimeSelection runtime_;
};

// ---- one step -----------------------------------------------------------------------------

// The observation fields an op fills besides ret and errno (checked even at their defaults).
enum Field : unsigned {
  kFds = 1u << 0, kDigest = 1u << 1, kWrites = 1u << 2, kEvents = 1u << 3, kRevents = 1u << 4,
  kClobbered = 1u << 5, kSets = 1u << 6, kTv = 1u << 7, kRing = 1u << 8, kEarly = 1u << 9,
};

struct OpCode {
  std::string code;       // the statements that perform the op, one per line, unindented
  unsigned fields = 0;    // Field bits
  std::string_view feature;  // a creator whose ENOSYS means this kernel lacks the feature
};

// One emit function per op kind, reached through std::visit: an op without one does not compile.
class OpEmitter {
 public:
  // uring: the trace has io_uring ops, so closes unmap rings first (as the executor does).
  OpEmitter(Helpers& helpers, std::size_t step, bool uring, std::size_t settle)
      : helpers_(helpers), step_(step), uring_(uring), settle_(settle) {}

  OpCode operator()(const MakePipe& op) {
    return pair(op.rd, op.wr, "pipe2(p, O_NONBLOCK)");
  }
  OpCode operator()(const MakeSocketPair& op) {
    if (op.type == SockType::Tcp || op.type == SockType::Udp) {
      helpers_.use(Helper::Inet);
      return pair(op.a, op.b, op.type == SockType::Tcp ? "tcp_pair(p)" : "udp_pair(p)");
    }
    const char* type = op.type == SockType::Stream ? "SOCK_STREAM"
                       : op.type == SockType::Dgram ? "SOCK_DGRAM"
                                                    : "SOCK_SEQPACKET";
    return pair(op.a, op.b, fmt::format("socketpair(AF_UNIX, {} | SOCK_NONBLOCK, 0, p)", type));
  }
  OpCode operator()(const MakeEventFd& op) {
    return one(op.out, op.semaphore ? "eventfd(0, EFD_NONBLOCK | EFD_SEMAPHORE)" : "eventfd(0, EFD_NONBLOCK)",
               "eventfd");
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
    helpers_.use(Helper::Payload);
    return plain(fmt::format("write({}, payload({}, {}, {}), {})", slot(op.fd), c_u32(op.len), step_,
                             c_u64(op.value), c_u32(op.len)));
  }
  OpCode operator()(const FillWrite& op) {
    helpers_.use(Helper::Fill);
    return {fmt::format("do_fill({}, {}, {}, {});\n", slot(op.fd), c_u32(op.len), step_, c_u64(op.value)),
            kWrites, {}};
  }
  OpCode operator()(const Read& op) {
    helpers_.use(Helper::Read);
    return {fmt::format("do_read({}, {});\n", slot(op.fd), c_u32(op.len)), kDigest, {}};
  }
  OpCode operator()(const Recv& op) {
    helpers_.use(Helper::Recv);
    return {fmt::format("do_recv({}, {}, {});\n", slot(op.fd), c_u32(op.len), op.peek ? "MSG_PEEK" : "0"),
            kDigest, {}};
  }
  OpCode operator()(const SendOob& op) {
    helpers_.use(Helper::Payload);
    return plain(fmt::format("send({}, payload({}, {}, 0), {}, MSG_OOB | MSG_DONTWAIT)", slot(op.fd),
                             c_u32(op.len), step_, c_u32(op.len)));
  }
  OpCode operator()(const RecvOob& op) {
    helpers_.use(Helper::Recv);
    return {fmt::format("do_recv({}, 1, MSG_OOB | MSG_DONTWAIT);\n", slot(op.fd)), kDigest, {}};
  }
  OpCode operator()(const TcpListen& op) {
    helpers_.use(Helper::Inet);
    return one(op.out, "pc_tcp_listener(TCP_BACKLOG)", {});
  }
  OpCode operator()(const TcpConnect& op) {
    helpers_.use(Helper::Inet);
    return {fmt::format("do_tcp_connect({}, {});\n", slot_ptr(op.out), slot(op.listener)), kFds, {}};
  }
  OpCode operator()(const Accept& op) {
    helpers_.use(Helper::Inet);
    return one(op.out, fmt::format("tcp_accept({})", slot(op.fd)), {});
  }
  OpCode operator()(const LingerZero& op) {
    helpers_.use(Helper::Inet);
    return plain(fmt::format("pc_linger_zero({})", slot(op.fd)));
  }
  OpCode operator()(const SoError& op) {
    helpers_.use(Helper::Inet);
    return {fmt::format("do_so_error({});\n", slot(op.fd)), 0, {}};
  }
  OpCode operator()(const Shutdown& op) {
    const char* how = op.how == ShutHow::Rd     ? "SHUT_RD"
                      : op.how == ShutHow::Wr   ? "SHUT_WR"
                      : op.how == ShutHow::RdWr ? "SHUT_RDWR"
                                                : "3 /* the first value the kernel rejects */";
    return plain(fmt::format("shutdown({}, {})", slot(op.fd), how));
  }
  OpCode operator()(const EpollCtl& op) {
    helpers_.use(Helper::Result);
    helpers_.need("READINESS");
    const char* ctl = op.op == CtlOp::Add   ? "EPOLL_CTL_ADD"
                      : op.op == CtlOp::Mod ? "EPOLL_CTL_MOD"
                      : op.op == CtlOp::Del ? "EPOLL_CTL_DEL"
                                            : "0x7f /* no such op */";
    return plain(fmt::format("pc_epoll_ctl({}, {}, {}, {}, {})", slot(op.epfd), ctl, slot(op.fd),
                             c_epoll_mask(op.events.bits), c_u64(op.data)));
  }
  OpCode operator()(const EpollWait& op) {
    helpers_.use(Helper::EpollWait);
    return {fmt::format("do_epoll_wait({}, {});\n", slot(op.epfd), c_i32(op.maxevents)), kEvents, {}};
  }
  OpCode operator()(const Poll& op) {
    helpers_.use(Helper::Poll);
    OpCode c{{}, kRevents | kClobbered, {}};
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
    helpers_.use(Helper::Uring);
    return {c_uring_setup_call(op, slot_ptr(op.out)), kFds | kRing, {}};
  }
  OpCode operator()(const UringPrep& op) {
    helpers_.use(Helper::Uring);
    return {c_uring_prep_call(op, slot(op.ring), slot(op.fd), step_), 0, {}};
  }
  OpCode operator()(const UringSubmit& op) {
    helpers_.use(Helper::Uring);
    return {c_uring_submit_call(slot(op.ring)), 0, {}};
  }
  OpCode operator()(const UringReap& op) {
    helpers_.use(Helper::Uring);
    return {c_uring_reap_call(op, slot(op.ring), settle_), 0, {}};
  }
  OpCode operator()(const Waiters& op) {
    helpers_.use(Helper::Waiters);
    return {c_waiters_call(op, slot(op.fd)), 0, {}};
  }
  OpCode operator()(const JoinWaiters&) {
    helpers_.use(Helper::Waiters);
    return {"waiters_join();\n", 0, {}};
  }
  OpCode operator()(const TimedWait& op) {
    helpers_.use(Helper::Waiters);
    const unsigned fields = op.api == WaitApi::Epoll ? kEvents : op.api == WaitApi::Poll ? kRevents : 0u;
    return {c_timed_wait_call(op, slot(op.fd)), fields | kEarly, {}};
  }
  OpCode operator()(const Fanout& op) {
    helpers_.use(Helper::Fanout);
    return {c_fanout_call(op, slot(op.fd), slot(op.epfd)), kFds | kDigest | kWrites, {}};
  }
  OpCode operator()(const Select& op) {
    helpers_.use(Helper::Select);
    OpCode c{{}, kSets | kTv, {}};
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
    helpers_.use(Helper::Result);
    return {fmt::format("result({});\n", call), 0, {}};
  }
  OpCode one(OutHandle out, const std::string& call, std::string_view feature) {
    helpers_.use(Helper::Created);
    return {fmt::format("created({}, {});\n", slot_ptr(out), call), kFds, feature};
  }
  OpCode pair(OutHandle a, OutHandle b, const std::string& call) {
    helpers_.use(Helper::CreatedPair);
    return {fmt::format("int p[2] = {{-1, -1}};\ncreated_pair({}, {}, {}, p);\n", slot_ptr(a), slot_ptr(b), call),
            kFds, {}};
  }

  Helpers& helpers_;
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

std::string events_arg(const std::vector<EpollEventObs>& v) {
  return c_array_arg("struct event", v, [](const EpollEventObs& e) {
    return fmt::format("{{{}, {}}}", c_epoll_mask(e.events), c_u64(e.data));
  });
}

std::string revents_arg(const std::vector<std::uint16_t>& v) {
  return c_array_arg("unsigned short", v, [](std::uint16_t r) { return c_mask(r, kPollBitNames, "POLL"); });
}

// The checks of one step: for each field, the pinned value (if any) and then the oracle's
// (unless the pin already asks the same). A field the op does not fill is checked only where a
// value other than its default is expected; the program leaves such fields at their default.
class CheckEmitter {
 public:
  CheckEmitter(Helpers& helpers, std::string& out) : helpers_(helpers), out_(out) {}

  void emit(const Observation& p, const std::optional<Pin>& pin, unsigned fields) {
    const Observation def;
    const Pin none;
    const Pin& q = pin ? *pin : none;
    field(Helper::CheckRet, true, q.ret, p.ret, def.ret,
          [](auto src, auto v) { return fmt::format("check_ret({}, {});", src, c_i64(v)); });
    field(Helper::CheckErrno, true, q.err, p.err, def.err,
          [](auto src, auto v) { return fmt::format("check_errno({}, {});", src, c_errno(v)); });
    field(Helper::CheckFds, fields & kFds, q.fds, p.fds, def.fds, [](auto src, const auto& v) {
      return fmt::format("check_fds({}, {});", src, c_int_list(v));
    });
    field(Helper::CheckDigest, fields & kDigest, q.digest, p.digest, def.digest,
          [](auto src, auto v) { return fmt::format("check_digest({}, {:#018x}ULL);", src, v); });
    field(Helper::CheckWrites, fields & kWrites, q.writes, p.writes, def.writes,
          [](auto src, auto v) { return fmt::format("check_writes({}, {}u);", src, v); });
    field(Helper::CheckEvents, fields & kEvents, q.events, p.events, def.events,
          [](auto src, const auto& v) { return fmt::format("check_events({}, {});", src, events_arg(v)); });
    field(Helper::CheckRevents, fields & kRevents, q.revents, p.revents, def.revents,
          [](auto src, const auto& v) { return fmt::format("check_revents({}, {});", src, revents_arg(v)); });
    field(Helper::CheckClobbered, fields & kClobbered, std::optional<std::uint32_t>{}, p.clobbered,
          def.clobbered, [](auto src, auto v) { return fmt::format("check_clobbered({}, {}u);", src, v); });
    for (std::size_t k = 0; k < 3; ++k) {
      std::optional<std::vector<int>> pinned;
      if (q.sets) pinned = (*q.sets)[k];
      field(Helper::CheckSet, fields & kSets, pinned, p.sets[k], def.sets[k], [k](auto src, const auto& v) {
        return fmt::format("check_set({}, {}, {});", src, k, c_int_list(v));
      });
    }
    field(Helper::CheckTv, fields & kTv, std::optional<std::int64_t>{}, p.timeout_left_us,
          def.timeout_left_us, [](auto src, auto v) { return fmt::format("check_tv({}, {});", src, c_i64(v)); });
    if (fields & kRing) line(Helper::CheckRing, fmt::format("check_ring(ORACLE, {}u, {}u);", p.sq_entries, p.cq_entries));
    if (fields & kEarly) line(Helper::Waiters, fmt::format("check_early(ORACLE, {});", p.early ? 1 : 0));
  }

 private:
  // call(source, v) gives the check of v, from the source ORACLE or PINNED.
  template <class T, class Call>
  void field(Helper helper, bool fills, const std::optional<T>& pinned, const T& predicted,
             const T& def, Call call) {
    if (pinned) line(helper, call("PINNED", *pinned));
    if ((fills || !(predicted == def)) && !(pinned && *pinned == predicted))
      line(helper, call("ORACLE", predicted));
  }
  void line(Helper helper, const std::string& text) {
    helpers_.use(helper);
    out_ += "  " + text + "\n";
  }

  Helpers& helpers_;
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

// The step a divergence description in the header comments names ("step N: <op>", as
// annotate_finding writes it), the last step if the comments report a finding without one, or
// nothing if they describe no divergence.
std::optional<std::size_t> divergent_step(const Trace& trace) {
  static const std::regex step_line(R"(^\s*step ([0-9]+): )");
  bool finding = false;
  for (const std::string& c : trace.comments) {
    std::smatch m;
    if (std::regex_search(c, m, step_line)) {
      const std::size_t n = std::stoull(m[1].str());
      if (n >= 1 && n <= trace.steps.size()) return n;
    }
    if (c.find(": divergence") != std::string::npos || c.find("because:") != std::string::npos)
      finding = true;
  }
  if (finding && !trace.steps.empty()) return trace.steps.size();
  return std::nullopt;
}

}  // namespace

std::string emit_c_reproducer(const Trace& trace, LearnedParams& params,
                              const std::string& emitted_on, CEmitStats* stats) {
  Oracle oracle(trace.profile, params, std::set<int>{0, 1, 2});
  const bool uses_uring = std::any_of(trace.steps.begin(), trace.steps.end(), [](const Step& s) {
    return std::holds_alternative<UringSetup>(s.op) || std::holds_alternative<UringPrep>(s.op) ||
           std::holds_alternative<UringSubmit>(s.op) || std::holds_alternative<UringReap>(s.op);
  });
  Helpers helpers;
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
    step_rules[i] = std::set<RuleId>(e.rules.begin(), e.rules.end());
    all_rules.insert(e.rules.begin(), e.rules.end());
    ++counts.checked;

    // A reap is checked against the prediction as a whole (repro/c_emitter_uring.h).
    std::optional<ReapPrediction> reap;
    if (std::holds_alternative<UringReap>(s.op)) reap = oracle.reap_prediction();
    const std::size_t settle =
        reap && !reap->maybe.empty() ? reap->definite.size() + reap->maybe.size() : 0;
    OpCode code = std::visit(OpEmitter(helpers, step, uses_uring, settle), s.op);
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
    if (helpers.uses(Helper::Inet)) body += "  inet_settle();\n";
    if (helpers.uses(Helper::Waiters)) body += "  waiters_settle();\n";
    const bool enosys_expected =
        predicted.err == ENOSYS || (s.pin && s.pin->err && *s.pin->err == ENOSYS);
    if (!code.feature.empty() && !enosys_expected) {
      helpers.use(Helper::Need);
      body += fmt::format("  need(\"{}\");\n", code.feature);
    }
    if (reap) {
      helpers.use(Helper::CheckCqes);
      if (s.pin && s.pin->cqes) {
        const bool timed_out = s.pin->err && *s.pin->err == ETIME;
        body += "  " + c_uring_reap_check(pinned_reap(*s.pin->cqes, std::get<UringReap>(s.op).wait, timed_out), "PINNED") + "\n";
      }
      body += "  " + c_uring_reap_check(*reap, "ORACLE") + "\n";
    }
    CheckEmitter(helpers, body).emit(predicted, s.pin, code.fields);
    if (helpers.uses(Helper::Waiters)) {
      if (s.pin && s.pin->woke) body += indent_block(c_woke_check({*s.pin->woke}, "PINNED"), "  ");
      std::vector<std::vector<WaiterObs>> admitted;
      for (const Observation& a : e.allowed)
        if (std::find(admitted.begin(), admitted.end(), a.woke) == admitted.end()) admitted.push_back(a.woke);
      body += indent_block(c_woke_check(admitted, "ORACLE"), "  ");
      body += "  woke_seen();\n";
    }
  }
  if (!trace.trailing_comments.empty()) {
    body += "\n";
    for (const std::string& c : trace.trailing_comments) body += "  /* " + c_comment_text(c) + " */\n";
  }

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
      " * call the trace needs; 2 the program could not run (out of memory; waiter threads that\n"
      " * kept taking an order other than the one its checks assume, rerun 100 times).\n"
      " *\n"
      " * The expected values assume a fresh process with only descriptors 0, 1 and 2 open (the\n"
      " * program closes the rest first) and these parameters, learned where it was emitted:\n";
  const std::vector<std::string> learned = params.report();
  comment_wrapped(out, "  ", learned.empty() ? std::string("(none needed)") : fmt::format("{}", fmt::join(learned, ", ")));
  if (const auto& bad = params.violation())
    comment_wrapped(out, "  WARNING: ", *bad);
  out += " *\n";
  out += fmt::format(" * Trace recorded on kernel: {}\n",
                     c_comment_text(trace.kernel.empty() ? std::string("(unknown)") : trace.kernel));
  out += fmt::format(" * Emitted on kernel:        {}\n", c_comment_text(emitted_on.empty() ? std::string("(unknown)") : emitted_on));
  out += fmt::format(" * Profile:                  {}\n", profile_name(trace.profile));
  comment_wrapped(out, "Rules involved:           ", rule_list(all_rules));
  if (const auto d = divergent_step(trace)) {
    const auto& r = step_rules[*d - 1];
    comment_wrapped(out, fmt::format("Rules of step {} (where the trace diverged): ", *d),
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
  if (helpers.uses(Helper::Uring)) out += "#include <liburing.h>\n";
  out += R"C(
#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 27))
/* glibc before 2.27 has no memfd_create wrapper. */
#define memfd_create(name, flags) ((int)syscall(SYS_memfd_create, (name), (flags)))
#endif

)C";
  out += helpers.runtime();
  out += "\n/* ---- the checks and the calls of this trace ---- */\n";
  out += helpers.code();
  out += R"C(
/* Only descriptors 0, 1 and 2 open, as the expectations assume (new descriptors take the lowest
   free number); SIGPIPE ignored, so that writes without a reader report EPIPE. */
static void setup(void) {
  long fd, max = 1L << 20;
  struct rlimit rl;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) max = 3;
#endif
  if (max > 3 && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max) max = (long)rl.rlim_cur;
  for (fd = 3; fd < max; ++fd) close((int)fd);
  for (fd = 0; fd < 3; ++fd) {
    if (fcntl((int)fd, F_GETFD) != -1) continue;
    if (open("/dev/null", O_RDWR) != fd) {
      printf("cannot open /dev/null as descriptor %ld: skipped\n", fd);
      exit(77);
    }
  }
  signal(SIGPIPE, SIG_IGN);
}

int main(void) {
)C";
  if (helpers.uses(Helper::State)) out += "  int i;\n\n";
  out += "  setup();\n";
  if (helpers.uses(Helper::Inet)) out += "  enter_netns();\n";
  if (helpers.uses(Helper::State)) out += "  for (i = 0; i < 16; ++i) h[i] = -1;\n";
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
