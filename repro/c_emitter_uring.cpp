#include "repro/c_emitter_uring.h"

#include <fmt/format.h>

#include "vocab/uring_flags.h"

namespace pc {
namespace {

std::string u64(std::uint64_t v) { return fmt::format("{}ULL", v); }

const char* opcode_macro(UringOpcode op) {
  switch (op) {
    case UringOpcode::Nop: return "UOP_NOP";
    case UringOpcode::PollAdd: return "UOP_POLL_ADD";
    case UringOpcode::PollRemove: return "UOP_POLL_REMOVE";
    case UringOpcode::PollUpdate: return "UOP_POLL_UPDATE";
    case UringOpcode::Read: return "UOP_READ";
    case UringOpcode::Write: return "UOP_WRITE";
    case UringOpcode::Recv: return "UOP_RECV";
    case UringOpcode::Send: return "UOP_SEND";
    case UringOpcode::Cancel: return "UOP_CANCEL";
    case UringOpcode::LinkTimeout: return "UOP_LINK_TIMEOUT";
  }
  return "UOP_NOP";
}

}  // namespace

std::string c_uring_helpers() {
  return fmt::format(R"C(
/* ---- io_uring, through liburing ---- */
#define REAP_WAIT_MS {}     /* how long a reap waits for CQEs it was asked to wait for */
#define SETTLE_WAIT_MS 1000 /* how long it waits for completions io-wq owes (the oracle counts them) */
#define MAX_RINGS 16
#define UNUSED __attribute__((unused)) /* a trace need not use every helper */

enum {{ UOP_NOP, UOP_POLL_ADD, UOP_POLL_REMOVE, UOP_POLL_UPDATE, UOP_READ, UOP_WRITE, UOP_RECV,
       UOP_SEND, UOP_CANCEL, UOP_LINK_TIMEOUT }};

/* The rings set up, by descriptor: a dup of one is a plain descriptor to io_uring_enter. */
static struct {{
  int fd;
  int mapped;
  struct io_uring ring;
}} rings[MAX_RINGS];

/* Buffers of reads, looked up by user_data when their CQE comes (its digest). They are never
   freed: a request may outlive its ring's mapping. */
struct read_buf {{
  uint64_t user_data;
  unsigned char *buf;
  int done;
}};
static struct read_buf *read_bufs;
static size_t nread_bufs, cap_read_bufs;

UNUSED static struct io_uring *ring_of(int fd) {{
  int i;
  for (i = 0; i < MAX_RINGS; ++i)
    if (rings[i].mapped && rings[i].fd == fd) return &rings[i].ring;
  return NULL;
}}

/* Before close(): unmap the ring behind fd, leaving the descriptor to close() itself. */
UNUSED static void uring_forget(int fd) {{
  int i;
  for (i = 0; i < MAX_RINGS; ++i)
    if (rings[i].mapped && rings[i].fd == fd) {{
      rings[i].ring.ring_fd = -1;
      io_uring_queue_exit(&rings[i].ring);
      rings[i].mapped = 0;
    }}
}}

UNUSED static void do_uring_setup(int *slot, unsigned entries, unsigned flags, unsigned cq_entries) {{
  struct io_uring_params p;
  int i, ret;
  for (i = 0; i < MAX_RINGS && rings[i].mapped; ++i) {{
  }}
  if (i == MAX_RINGS) {{
    printf("step %d: %s: more than %d rings at once\n", cur_step, cur_op, MAX_RINGS);
    exit(2);
  }}
  memset(&p, 0, sizeof p);
  p.flags = flags;
  p.cq_entries = cq_entries;
  ret = io_uring_queue_init_params(entries, &rings[i].ring, &p);
  if (ret < 0) {{
    o.ret = -1;
    o.err = -ret;
    *slot = -1;
    return;
  }}
  rings[i].mapped = 1;
  rings[i].fd = rings[i].ring.ring_fd;
  *slot = rings[i].fd;
  o.nfds = 1;
  o.fds[0] = rings[i].fd;
  o.sq_entries = p.sq_entries;
  o.cq_entries = p.cq_entries;
}}

/* Fills the next SQE (no system call): EBADF without a mapped ring, EBUSY when the SQ is full. */
UNUSED static void do_uring_prep(int ringfd, int opcode, int fd, unsigned len, unsigned mask, uint64_t user_data,
                          uint64_t target, uint64_t new_data, unsigned sqe_flags, unsigned poll_flags,
                          unsigned cancel_flags, size_t step) {{
  struct io_uring *r = ring_of(ringfd);
  struct io_uring_sqe *sqe;
  if (!r) {{
    o.ret = -1;
    o.err = EBADF;
    return;
  }}
  sqe = io_uring_get_sqe(r);
  if (!sqe) {{
    o.ret = -1;
    o.err = EBUSY;
    return;
  }}
  switch (opcode) {{
    case UOP_NOP:
      io_uring_prep_nop(sqe);
      break;
    case UOP_POLL_ADD:
      io_uring_prep_poll_add(sqe, fd, mask);
      sqe->len = poll_flags;
      break;
    case UOP_POLL_REMOVE:
      io_uring_prep_poll_remove(sqe, target);
      break;
    case UOP_POLL_UPDATE:
      io_uring_prep_poll_update(sqe, target, new_data, mask, poll_flags);
      break;
    case UOP_READ:
    case UOP_RECV: {{
      struct read_buf *b;
      if (nread_bufs == cap_read_bufs) {{
        struct read_buf *grown;
        cap_read_bufs = cap_read_bufs ? 2 * cap_read_bufs : 16;
        grown = realloc(read_bufs, cap_read_bufs * sizeof *read_bufs);
        if (!grown) {{
          printf("step %d: %s: out of memory\n", cur_step, cur_op);
          exit(2);
        }}
        read_bufs = grown;
      }}
      b = &read_bufs[nread_bufs++];
      b->user_data = user_data;
      b->buf = xmalloc(len);
      b->done = 0;
      if (opcode == UOP_READ) io_uring_prep_read(sqe, fd, b->buf, len, (uint64_t)-1);
      else io_uring_prep_recv(sqe, fd, b->buf, len, 0);
      break;
    }}
    case UOP_WRITE:
    case UOP_SEND: {{
      unsigned char *buf = xmalloc(len);
      memcpy(buf, payload(len, step, target), len);
      if (opcode == UOP_WRITE) io_uring_prep_write(sqe, fd, buf, len, (uint64_t)-1);
      else io_uring_prep_send(sqe, fd, buf, len, 0);
      break;
    }}
    case UOP_CANCEL:
      if (cancel_flags & IORING_ASYNC_CANCEL_FD)
        io_uring_prep_cancel_fd(sqe, fd, cancel_flags & ~IORING_ASYNC_CANCEL_FD);
      else
        io_uring_prep_cancel64(sqe, target, (int)cancel_flags);
      break;
    case UOP_LINK_TIMEOUT: {{
      struct __kernel_timespec *ts = xmalloc(sizeof *ts);
      ts->tv_sec = len / 1000;
      ts->tv_nsec = (long long)(len % 1000) * 1000000;
      io_uring_prep_link_timeout(sqe, ts, 0);
      break;
    }}
  }}
  sqe->user_data = user_data;
  sqe->flags |= (unsigned char)sqe_flags;
  o.ret = 0;
}}

UNUSED static void do_uring_submit(int ringfd) {{
  struct io_uring *r = ring_of(ringfd);
  int ret;
  if (!r) {{
    result(syscall(__NR_io_uring_enter, ringfd, 0u, 0u, 0u, NULL, 0));
    return;
  }}
  ret = io_uring_submit(r);
  o.ret = ret < 0 ? -1 : ret;
  if (ret < 0) o.err = -ret;
}}

UNUSED static uint64_t read_digest(const struct io_uring_cqe *cqe) {{
  size_t i;
  for (i = 0; i < nread_bufs; ++i) {{
    if (read_bufs[i].done || read_bufs[i].user_data != cqe->user_data) continue;
    read_bufs[i].done = 1;
    return cqe->res > 0 ? pc_fnv1a(read_bufs[i].buf, (size_t)cqe->res, PC_FNV1A_INIT) : 0;
  }}
  return 0;
}}

/* GETEVENTS (deferred task work, held CQEs), an optional bounded wait for `wait` CQEs, then
   every CQE ready now, entering again while the kernel flags held ones. */
UNUSED static void do_uring_reap(int ringfd, unsigned wait, unsigned settle) {{
  struct io_uring *r = ring_of(ringfd);
  struct io_uring_cqe *cqe;
  struct __kernel_timespec ts;
  size_t cap = 0;
  int ret, tries;
  if (!r) {{
    result(syscall(__NR_io_uring_enter, ringfd, 0u, 0u, IORING_ENTER_GETEVENTS, NULL, 0));
    return;
  }}
  ret = io_uring_get_events(r);
  if (ret < 0) o.err = -ret;
  if (wait > 0 && o.err == 0) {{
    ts.tv_sec = REAP_WAIT_MS / 1000;
    ts.tv_nsec = (long long)(REAP_WAIT_MS % 1000) * 1000000;
    ret = -EINTR;
    for (tries = 0; ret == -EINTR && tries < 100; ++tries) /* a signal is no answer: wait again */
      ret = io_uring_wait_cqes(r, &cqe, wait, &ts, NULL);
    if (ret < 0) o.err = -ret;
  }}
  if (settle > wait) {{
    ts.tv_sec = SETTLE_WAIT_MS / 1000;
    ts.tv_nsec = 0;
    io_uring_wait_cqes(r, &cqe, settle, &ts, NULL);
  }}
  for (;;) {{
    unsigned head, seen = 0;
    io_uring_for_each_cqe(r, head, cqe) {{
      if (o.ncqes == cap) {{
        struct cqe_obs *grown;
        cap = cap ? 2 * cap : 16;
        grown = realloc(o.cqes, cap * sizeof *o.cqes);
        if (!grown) {{
          printf("step %d: %s: out of memory\n", cur_step, cur_op);
          exit(2);
        }}
        o.cqes = grown;
      }}
      o.cqes[o.ncqes].res = cqe->res;
      o.cqes[o.ncqes].user_data = cqe->user_data;
      o.cqes[o.ncqes].flags = cqe->flags;
      o.cqes[o.ncqes].digest = read_digest(cqe);
      ++o.ncqes;
      ++seen;
    }}
    io_uring_cq_advance(r, seen);
    if (seen > 0) continue;
    if (!(IO_URING_READ_ONCE(*r->sq.kflags) & IORING_SQ_CQ_OVERFLOW)) break;
    if (io_uring_get_events(r) < 0 || io_uring_cq_ready(r) == 0) break;
  }}
  o.ret = (long long)o.ncqes;
}}
)C",
                     kReapWaitMs);
}

std::string c_uring_check() {
  return R"C(
/* A predicted CQE: its value, and what orders it (the request that posts it, its link chain,
   its drain epoch); maybe: io-wq may not have posted it yet. */
struct cqe_exp {
  int32_t res;
  uint64_t user_data;
  uint32_t flags;
  uint64_t digest;
  unsigned long long req, chain, epoch;
  int maybe;
};

static void print_cqe(int32_t res, uint64_t user_data, uint32_t flags, uint64_t digest) {
  if (res < 0) printf("-%s", errno_name(-res));
  else printf("%d", res);
  printf(":%llu", (unsigned long long)user_data);
  if (flags) printf(" flags=0x%x", flags);
  if (digest) printf(" digest=0x%llx", (unsigned long long)digest);
}

static void print_observed_cqes(void) {
  size_t i;
  printf("[");
  for (i = 0; i < o.ncqes; ++i) {
    printf("%s", i ? ", " : "");
    print_cqe(o.cqes[i].res, o.cqes[i].user_data, o.cqes[i].flags, o.cqes[i].digest);
  }
  printf("]");
}

static void print_expected_cqes(const struct cqe_exp *e, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) {
    printf("%s", i ? ", " : "");
    print_cqe(e[i].res, e[i].user_data, e[i].flags, e[i].digest);
    if (e[i].maybe) printf(" (may be late)");
  }
  printf("]");
}

/* The CQEs a reap took, against the prediction: every definite one and maybe some of the rest
   (a multiset), with one request's CQEs, one chain's and successive drain epochs in order. */
static void check_cqes(int source, const struct cqe_exp *e, size_t n, unsigned wait, int may_time_out,
                       int must_time_out) {
  size_t i, j, k;
  size_t *match = xmalloc((o.ncqes + 1) * sizeof *match);
  unsigned char *used = xmalloc(n + 1);
  const char *why = NULL;
  memset(used, 0, n + 1);
  for (i = 0; i < o.ncqes && !why; ++i) {
    for (k = 0; k < n; ++k)
      if (!used[k] && e[k].res == o.cqes[i].res && e[k].user_data == o.cqes[i].user_data &&
          e[k].flags == o.cqes[i].flags && e[k].digest == o.cqes[i].digest)
        break;
    if (k == n) why = "a CQE the oracle does not predict";
    else {
      used[k] = 1;
      match[i] = k;
    }
  }
  for (k = 0; k < n && !why; ++k)
    if (!e[k].maybe && !used[k]) why = "a predicted CQE is missing";
  for (i = 0; i < o.ncqes && !why; ++i)
    for (j = i + 1; j < o.ncqes && !why; ++j) {
      const struct cqe_exp *a = &e[match[i]], *b = &e[match[j]];
      if (match[i] > match[j] &&
          (b->req == a->req || (b->chain != 0 && b->chain == a->chain) || b->epoch < a->epoch))
        why = "CQEs out of the order their request, link chain or drain imposes";
    }
  if (!why && o.err == ETIME && !may_time_out) why = "the wait timed out with enough CQEs ready";
  if (!why && o.err == 0 && must_time_out) why = "the wait returned without enough CQEs";
  if (!why && o.err == 0 && o.ncqes < wait) why = "the wait returned with too few CQEs";
  free(match);
  free(used);
  if (!why) return;
  mismatch_begin("cqes");
  print_expected_cqes(e, n);
  mismatch_observed(source, "cqes");
  print_observed_cqes();
  printf(" (%s)", why);
  mismatch_end();
}
)C";
}

ReapPrediction pinned_reap(const std::vector<CqeObs>& cqes, std::uint32_t wait, bool timed_out) {
  ReapPrediction p;
  for (const CqeObs& c : cqes) p.definite.push_back(ModelCqe{c, 1, 0, 0});  // one "request": in order
  p.wait = wait;
  p.wait_may_time_out = p.wait_must_time_out = timed_out;
  return p;
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
