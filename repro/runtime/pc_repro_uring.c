#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO_URING
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_limits.h"
#include "pc_repro.h"
#include "pc_repro_uring.h"
#include "pc_uring.h"
#include "pc_uring_probe.h"

/* ---- io_uring: the runtime's rings (pc_uring.c), by descriptor: a dup of one is a plain
   descriptor to io_uring_enter. Their requests' memory is never freed: a request may outlive
   its ring's mapping. */
#define MAX_RINGS 16

static struct {
  int fd;
  struct pc_ring r;
} rings[MAX_RINGS];

static struct pc_ring *ring_of(int fd) {
  int i;
  for (i = 0; i < MAX_RINGS; ++i)
    if (rings[i].r.mapped && rings[i].fd == fd) return &rings[i].r;
  return NULL;
}

static void uring_out_of_memory(void) {
  printf("step %d: %s: out of memory\n", cur_step, cur_op);
  exit(2);
}

/* The probes are the harness's own (pc_uring_probe.c), with raw system calls. */
void uring_require(const struct uring_need *features, size_t nfeatures, const struct uring_need *opcodes,
                   size_t nopcodes) {
  static unsigned char supported[256];
  long long have = pc_uring_features();
  size_t i;
  if (have < 0) {
    printf("io_uring_setup is refused (%s): skipped\n", errno_name((int)-have));
    exit(EXIT_SKIP);
  }
  for (i = 0; i < nfeatures; ++i)
    if (!((unsigned long long)have & features[i].value)) {
      printf("this kernel's io_uring lacks %s (features %#llx): skipped\n", features[i].name, have);
      exit(EXIT_SKIP);
    }
  if (nopcodes && pc_uring_probe_opcodes(supported, sizeof supported) != 0) {
    printf("this kernel's io_uring opcode probe (IORING_REGISTER_PROBE) fails: skipped\n");
    exit(EXIT_SKIP);
  }
  for (i = 0; i < nopcodes; ++i)
    if (opcodes[i].value >= sizeof supported || !supported[opcodes[i].value]) {
      printf("this kernel's io_uring lacks %s: skipped\n", opcodes[i].name);
      exit(EXIT_SKIP);
    }
}

/* Before close(): unmap the ring behind fd, leaving the descriptor to close() itself. */
void uring_forget(int fd) {
  int i;
  for (i = 0; i < MAX_RINGS; ++i)
    if (rings[i].r.mapped && rings[i].fd == fd) pc_ring_unmap(&rings[i].r);
}

void do_uring_setup(int *slot, unsigned entries, unsigned flags, unsigned cq_entries) {
  unsigned sq, cq;
  int i, err;
  for (i = 0; i < MAX_RINGS && rings[i].r.mapped; ++i) {
  }
  if (i == MAX_RINGS) {
    printf("step %d: %s: more than %d rings at once\n", cur_step, cur_op, MAX_RINGS);
    exit(2);
  }
  if ((err = pc_ring_setup(&rings[i].r, entries, flags, cq_entries, &sq, &cq)) != 0) {
    o.ret = -1;
    o.err = err;
    *slot = -1;
    return;
  }
  rings[i].fd = rings[i].r.ring.ring_fd;
  *slot = rings[i].fd;
  o.nfds = 1;
  o.fds[0] = rings[i].fd;
  o.sq_entries = sq;
  o.cq_entries = cq;
}

/* Fills the next SQE (no system call): EBADF without a mapped ring, EBUSY when the SQ is full. */
void do_uring_prep(int ringfd, int opcode, int fd, unsigned len, unsigned mask, uint64_t user_data,
                                 uint64_t target, uint64_t new_data, unsigned sqe_flags, unsigned poll_flags,
                                 unsigned cancel_flags, size_t step) {
  struct pc_ring *r = ring_of(ringfd);
  int err = r ? pc_ring_prep(r, opcode, fd, len, mask, user_data, target, new_data, sqe_flags, poll_flags,
                             cancel_flags, step)
              : EBADF;
  if (err < 0) uring_out_of_memory();
  o.ret = err ? -1 : 0;
  o.err = err;
}

void do_uring_submit(int ringfd) {
  struct pc_ring *r = ring_of(ringfd);
  int ret;
  if (!r) {
    result(pc_uring_enter_raw(ringfd, 0));
    return;
  }
  ret = pc_ring_submit(r);
  o.ret = ret < 0 ? -1 : ret;
  if (ret < 0) o.err = -ret;
}

/* pc_ring_reap; settle: CQEs worth waiting for that io-wq owes (the oracle counts them). */
void do_uring_reap(int ringfd, unsigned wait, unsigned settle) {
  struct pc_ring *r = ring_of(ringfd);
  struct pc_cqe *cqes = NULL;
  size_t n = 0, i;
  if (!r) {
    result(pc_uring_enter_raw(ringfd, IORING_ENTER_GETEVENTS));
    return;
  }
  if (pc_ring_reap(r, wait, settle, PC_REAP_MAX_CQES, &cqes, &n, &o.err) != 0) uring_out_of_memory();
  o.cqes = xmalloc(n * sizeof *o.cqes);
  for (i = 0; i < n; ++i) {
    o.cqes[i].res = cqes[i].res;
    o.cqes[i].user_data = cqes[i].user_data;
    o.cqes[i].flags = cqes[i].flags;
    o.cqes[i].digest = cqes[i].digest;
  }
  o.ncqes = n;
  free(cqes);
  o.ret = (long long)n;
}
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

static int same_cqe(const struct cqe_exp *e, size_t i) {
  return e->res == o.cqes[i].res && e->user_data == o.cqes[i].user_data && e->flags == o.cqes[i].flags &&
         e->digest == o.cqes[i].digest;
}

/* Whether predicted a must come before predicted b. */
static int comes_before(const struct cqe_exp *a, const struct cqe_exp *b) {
  return a->req == b->req || (a->chain != 0 && a->chain == b->chain) || a->epoch < b->epoch;
}

/* Whether observed CQEs i.. can be matched to unused predictions, every definite one taken,
   none coming after one it must precede. Equal CQEs of different requests (a user_data shared)
   may be matched either way, so each way is tried, up to a bound on the steps. */
static int match_rest(const struct cqe_exp *e, size_t n, size_t i, unsigned char *used, size_t *match,
                      unsigned long *steps) {
  size_t j, k;
  int fits;
  if (++*steps > 100000) return 0;
  if (i == o.ncqes) {
    for (k = 0; k < n; ++k)
      if (!e[k].maybe && !used[k]) return 0;
    return 1;
  }
  for (k = 0; k < n; ++k) {
    if (used[k] || !same_cqe(&e[k], i)) continue;
    for (fits = 1, j = 0; j < i && fits; ++j) fits = !(k < match[j] && comes_before(&e[k], &e[match[j]]));
    if (!fits) continue;
    used[k] = 1;
    match[i] = k;
    if (match_rest(e, n, i + 1, used, match, steps)) return 1;
    used[k] = 0;
  }
  return 0;
}

/* The CQEs a reap took, against the prediction: every definite one and maybe some of the rest
   (a multiset), with one request's CQEs, one chain's and successive drain epochs in order. */
void check_cqes(int source, const struct cqe_exp *e, size_t n, unsigned wait, int may_time_out,
                       int must_time_out) {
  size_t i, k;
  size_t *match = xmalloc((o.ncqes + 1) * sizeof *match);
  unsigned char *used = xmalloc(n + 1);
  const char *why = NULL;
  unsigned long steps = 0;
  memset(used, 0, n + 1);
  if (!match_rest(e, n, 0, used, match, &steps)) {
    /* None fits: the first matching tried says why. */
    why = "CQEs out of the order their request, link chain or drain imposes";
    memset(used, 0, n + 1);
    for (i = 0; i < o.ncqes; ++i) {
      for (k = 0; k < n && (used[k] || !same_cqe(&e[k], i)); ++k) continue;
      if (k == n) break;
      used[k] = 1;
      match[i] = k;
    }
    if (i < o.ncqes) why = "a CQE the oracle does not predict";
    for (k = 0; k < n && i == o.ncqes; ++k)
      if (!e[k].maybe && !used[k]) why = "a predicted CQE is missing";
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
#endif
