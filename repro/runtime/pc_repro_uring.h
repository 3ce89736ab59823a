/* The reproducer's io_uring: its rings by descriptor (pc_uring.h's rings) and the check of the
 * CQEs a reap took against the oracle's prediction. */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_URING_H
#define POLLCHECK_RUNTIME_PC_REPRO_URING_H

#include <stddef.h>
#include <stdint.h>

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


/* A feature bit or an opcode, and its name. */
struct uring_need {
  unsigned value;
  const char *name;
};

/* Before the first step: this kernel's io_uring has every feature pollcheck's oracle relies on
   and every opcode the trace uses, or the program exits 77 naming the first it lacks. */
void uring_require(const struct uring_need *features, size_t nfeatures, const struct uring_need *opcodes,
                   size_t nopcodes);
void uring_forget(int fd);
void do_uring_setup(int *slot, unsigned entries, unsigned flags, unsigned cq_entries);
void do_uring_prep(int ringfd, int opcode, int fd, unsigned len, unsigned mask, uint64_t user_data,
                   uint64_t target, uint64_t new_data, unsigned sqe_flags, unsigned poll_flags,
                   unsigned cancel_flags, size_t step);
void do_uring_submit(int ringfd);
void do_uring_reap(int ringfd, unsigned wait, unsigned settle);
void check_cqes(int source, const struct cqe_exp *e, size_t n, unsigned wait, int may_time_out,
                int must_time_out);

#endif
