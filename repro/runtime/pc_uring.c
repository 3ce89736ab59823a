#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_URING
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pc_digest.h"
#include "pc_limits.h"
#include "pc_payload.h"
#include "pc_uring.h"

#define SETTLE_WAIT_MS 1000 /* the bound on waiting for completions io-wq owes */

int pc_ring_setup(struct pc_ring *r, unsigned entries, unsigned flags, unsigned cq_entries,
                  unsigned *sq_size, unsigned *cq_size) {
  struct io_uring_params p;
  int ret;
  memset(r, 0, sizeof *r);
  memset(&p, 0, sizeof p);
  p.flags = flags;
  p.cq_entries = cq_entries;
  if ((ret = io_uring_queue_init_params(entries, &r->ring, &p)) < 0) return -ret;
  r->mapped = 1;
  *sq_size = p.sq_entries;
  *cq_size = p.cq_entries;
  return 0;
}

void pc_ring_unmap(struct pc_ring *r) {
  if (!r->mapped) return;
  r->ring.ring_fd = -1;
  io_uring_queue_exit(&r->ring);
  r->mapped = 0;
}

void pc_ring_release(struct pc_ring *r) {
  size_t i;
  for (i = 0; i < r->nreads; ++i) free(r->reads[i].buf);
  for (i = 0; i < r->nblocks; ++i) free(r->blocks[i]);
  free(r->reads);
  free(r->blocks);
  r->reads = NULL;
  r->blocks = NULL;
  r->nreads = r->cap_reads = r->nblocks = r->cap_blocks = 0;
}

/* A block of n bytes (at least one) kept until pc_ring_release; NULL when memory ran out. */
static void *keep(struct pc_ring *r, size_t n) {
  void *p;
  if (r->nblocks == r->cap_blocks) {
    size_t cap = r->cap_blocks ? 2 * r->cap_blocks : 16;
    void **grown = realloc(r->blocks, cap * sizeof *grown);
    if (!grown) return NULL;
    r->blocks = grown;
    r->cap_blocks = cap;
  }
  if ((p = malloc(n ? n : 1)) == NULL) return NULL;
  r->blocks[r->nblocks++] = p;
  return p;
}

static struct pc_ring_read *new_read(struct pc_ring *r, uint64_t user_data, size_t len) {
  struct pc_ring_read *b;
  if (r->nreads == r->cap_reads) {
    size_t cap = r->cap_reads ? 2 * r->cap_reads : 16;
    struct pc_ring_read *grown = realloc(r->reads, cap * sizeof *grown);
    if (!grown) return NULL;
    r->reads = grown;
    r->cap_reads = cap;
  }
  b = &r->reads[r->nreads];
  if ((b->buf = malloc(len ? len : 1)) == NULL) return NULL;
  b->user_data = user_data;
  b->len = len ? len : 1;
  b->done = 0;
  ++r->nreads;
  return b;
}

int pc_ring_prep(struct pc_ring *r, int opcode, int fd, unsigned len, unsigned mask, uint64_t user_data,
                 uint64_t target, uint64_t new_data, unsigned sqe_flags, unsigned poll_flags,
                 unsigned cancel_flags, size_t step) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
  if (!sqe) return EBUSY;
  switch (opcode) {
    case PC_UOP_NOP:
      io_uring_prep_nop(sqe);
      break;
    case PC_UOP_POLL_ADD:
      io_uring_prep_poll_add(sqe, fd, mask);
      sqe->len = poll_flags;
      break;
    case PC_UOP_POLL_REMOVE:
      io_uring_prep_poll_remove(sqe, target);
      break;
    case PC_UOP_POLL_UPDATE:
      io_uring_prep_poll_update(sqe, target, new_data, mask, poll_flags);
      break;
    case PC_UOP_READ:
    case PC_UOP_RECV: {
      struct pc_ring_read *b = new_read(r, user_data, len);
      if (!b) return -1;
      if (opcode == PC_UOP_READ) io_uring_prep_read(sqe, fd, b->buf, len, (uint64_t)-1);
      else io_uring_prep_recv(sqe, fd, b->buf, len, 0);
      break;
    }
    case PC_UOP_WRITE:
    case PC_UOP_SEND: {
      unsigned char *buf = keep(r, len);
      if (!buf) return -1;
      pc_fill_payload(buf, len, step, target);
      if (opcode == PC_UOP_WRITE) io_uring_prep_write(sqe, fd, buf, len, (uint64_t)-1);
      else io_uring_prep_send(sqe, fd, buf, len, 0);
      break;
    }
    case PC_UOP_CANCEL:
      if (cancel_flags & IORING_ASYNC_CANCEL_FD)
        io_uring_prep_cancel_fd(sqe, fd, cancel_flags & ~IORING_ASYNC_CANCEL_FD);
      else
        io_uring_prep_cancel64(sqe, target, (int)cancel_flags);
      break;
    case PC_UOP_LINK_TIMEOUT: {
      struct __kernel_timespec *ts = keep(r, sizeof *ts);
      if (!ts) return -1;
      ts->tv_sec = len / 1000;
      ts->tv_nsec = (long long)(len % 1000) * 1000000;
      io_uring_prep_link_timeout(sqe, ts, 0);
      break;
    }
  }
  sqe->user_data = user_data;
  sqe->flags |= (unsigned char)sqe_flags;
  return 0;
}

int pc_ring_submit(struct pc_ring *r) { return io_uring_submit(&r->ring); }

/* The digest of the bytes a read put into the buffer of this CQE (0: no read of that id). */
static uint64_t read_digest(struct pc_ring *r, const struct io_uring_cqe *cqe) {
  size_t i, n;
  for (i = 0; i < r->nreads; ++i) {
    if (r->reads[i].done || r->reads[i].user_data != cqe->user_data) continue;
    r->reads[i].done = 1;
    if (cqe->res <= 0) return 0;
    n = (size_t)cqe->res < r->reads[i].len ? (size_t)cqe->res : r->reads[i].len;
    return pc_fnv1a(r->reads[i].buf, n, PC_FNV1A_INIT);
  }
  return 0;
}

int pc_ring_reap(struct pc_ring *r, unsigned wait, unsigned settle, size_t max, struct pc_cqe **cqes,
                 size_t *ncqes, int *err) {
  struct io_uring_cqe *cqe = NULL;
  struct __kernel_timespec ts;
  size_t cap = *ncqes;
  int ret, tries;
  *err = 0;
  if ((ret = io_uring_get_events(&r->ring)) < 0) *err = -ret;
  if (wait > 0 && *err == 0) {
    ts.tv_sec = PC_REAP_WAIT_MS / 1000;
    ts.tv_nsec = (long long)(PC_REAP_WAIT_MS % 1000) * 1000000;
    ret = -EINTR;
    for (tries = 0; ret == -EINTR && tries < 100; ++tries)
      ret = io_uring_wait_cqes(&r->ring, &cqe, wait, &ts, NULL);
    if (ret < 0) *err = -ret;
  }
  if (settle > wait) {
    ts.tv_sec = SETTLE_WAIT_MS / 1000;
    ts.tv_nsec = 0;
    io_uring_wait_cqes(&r->ring, &cqe, settle, &ts, NULL);
  }
  while (*ncqes < max) {
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&r->ring, head, cqe) {
      if (*ncqes == cap) {
        struct pc_cqe *grown;
        cap = cap ? 2 * cap : 16;
        if ((grown = realloc(*cqes, cap * sizeof *grown)) == NULL) return -1;
        *cqes = grown;
      }
      (*cqes)[*ncqes].res = cqe->res;
      (*cqes)[*ncqes].user_data = cqe->user_data;
      (*cqes)[*ncqes].flags = cqe->flags;
      (*cqes)[*ncqes].digest = read_digest(r, cqe);
      ++*ncqes;
      ++seen;
    }
    io_uring_cq_advance(&r->ring, seen);
    if (seen > 0) continue;
    /* The ring is empty: CQEs the kernel held back while it was full come in on the next enter. */
    if (!(IO_URING_READ_ONCE(*r->ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW)) break;
    if (io_uring_get_events(&r->ring) < 0 || io_uring_cq_ready(&r->ring) == 0) break;
  }
  return 0;
}

long pc_uring_enter_raw(int fd, unsigned flags) {
  return syscall(__NR_io_uring_enter, fd, 0u, 0u, flags, NULL, 0);
}
#endif
