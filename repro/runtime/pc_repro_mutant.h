/* A reproducer of a bug-zoo mutant's finding, run under that mutant's conditions
 * (POLLCHECK_MUTANT=<name> in the environment): the program runs on the real kernel, as
 * pollcheck's harness did, and at each step where a kernel with the mutant's bug answers
 * otherwise it puts that answer in place of the real one (once the real one has matched Linux's)
 * and checks again. So it shows that its own checks fail on a kernel with the bug. Without the
 * variable, it checks the real kernel alone. */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_MUTANT_H
#define POLLCHECK_RUNTIME_PC_REPRO_MUTANT_H

#include <stddef.h>
#include <stdint.h>

#include "pc_repro.h"

/* Set by mutant_conditions(): the steps' answers are the mutant's where they differ. */
extern int decorated;

/* Whether POLLCHECK_MUTANT names this program's mutant (and says so on stdout). */
void mutant_conditions(const char *name, const char *models);

/* Each puts one field of what a kernel with the bug answers in place of what the step
   returned. */
void decorate_ret(long long ret, int err);
void decorate_fds(const int *v, size_t n);
void decorate_digest(uint64_t digest);
void decorate_writes(unsigned writes);
void decorate_events(const struct event *v, size_t n);
void decorate_revents(const unsigned short *v, size_t n);
void decorate_clobbered(unsigned clobbered);
void decorate_set(int which, const int *v, size_t n);
void decorate_tv(long long us);
void decorate_ring(unsigned sq, unsigned cq);
void decorate_cqes(const struct cqe_obs *v, size_t n);
void decorate_early(int early);

#endif
