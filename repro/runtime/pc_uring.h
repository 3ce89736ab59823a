/* io_uring rings as both sides use them: set up and mapped through liburing, SQEs filled by its
 * prep helpers, io_uring_enter for submit and reap. Every request's memory (read buffers, write
 * payloads, link timeouts' timespecs) lives until pc_ring_release, since a request can outlive
 * the mapping of its ring (a dup keeps the ring alive). */
#ifndef POLLCHECK_RUNTIME_PC_URING_H
#define POLLCHECK_RUNTIME_PC_URING_H

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The opcodes of vocab/ops.h UringPrep. */
enum pc_uring_op {
  PC_UOP_NOP,
  PC_UOP_POLL_ADD,
  PC_UOP_POLL_REMOVE,
  PC_UOP_POLL_UPDATE,
  PC_UOP_READ,
  PC_UOP_WRITE,
  PC_UOP_RECV,
  PC_UOP_SEND,
  PC_UOP_CANCEL,
  PC_UOP_LINK_TIMEOUT
};

/* A read's buffer, looked up by user_data when its CQE comes (its digest). */
struct pc_ring_read {
  uint64_t user_data;
  unsigned char *buf;
  size_t len;
  int done;
};

struct pc_ring {
  struct io_uring ring;
  int mapped;
  struct pc_ring_read *reads;
  size_t nreads, cap_reads;
  void **blocks; /* write payloads and timespecs */
  size_t nblocks, cap_blocks;
};

/* One CQE a reap took; digest: of the bytes its read put in its buffer (0: not a read). */
struct pc_cqe {
  int32_t res;
  uint64_t user_data;
  uint32_t flags;
  uint64_t digest;
};

/* io_uring_queue_init_params into a zeroed *r: 0 with the ring's sizes, or an errno. */
int pc_ring_setup(struct pc_ring *r, unsigned entries, unsigned flags, unsigned cq_entries,
                  unsigned *sq_size, unsigned *cq_size);
/* Unmaps the ring, leaving its descriptor for a real close(2) to close. */
void pc_ring_unmap(struct pc_ring *r);
/* Frees the requests' memory: only once no request can write into it any more. */
void pc_ring_release(struct pc_ring *r);

/* Fills the next SQE (no system call) with user_data and sqe_flags; write payloads are step's
 * (pc_payload.h). 0; EBUSY when the SQ is full; -1 when memory ran out. */
int pc_ring_prep(struct pc_ring *r, int opcode, int fd, unsigned len, unsigned mask, uint64_t user_data,
                 uint64_t target, uint64_t new_data, unsigned sqe_flags, unsigned poll_flags,
                 unsigned cancel_flags, size_t step);
/* io_uring_submit: the SQEs submitted, or -errno. */
int pc_ring_submit(struct pc_ring *r);
/* GETEVENTS first (it runs deferred task work and flushes held CQEs, which a wait that finds
 * enough CQEs would skip); then, when wait > 0, a wait for that many CQEs within
 * PC_REAP_WAIT_MS (made again on EINTR: a signal is no answer of the ring's); then, when
 * settle > wait, a wait of up to a second for settle CQEs; then every CQE ready, entering again
 * while the kernel flags held ones, until max are taken. *cqes grows with realloc. *err: the
 * errno of a failed GETEVENTS or wait, else 0. 0, or -1 when memory ran out. */
int pc_ring_reap(struct pc_ring *r, unsigned wait, unsigned settle, size_t max, struct pc_cqe **cqes,
                 size_t *ncqes, int *err);

/* io_uring_enter(fd, 0, 0, flags) without liburing, for a descriptor that is no mapped ring
 * (closed, never a ring, a dup of one): the kernel decides what it is. -1 with errno. */
long pc_uring_enter_raw(int fd, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
