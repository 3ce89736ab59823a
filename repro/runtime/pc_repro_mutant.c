#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO_MUTANT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_repro_mutant.h"

int decorated;

void mutant_conditions(const char *name, const char *models) {
  const char *asked = getenv("POLLCHECK_MUTANT");
  if (!asked || !*asked) return;
  if (strcmp(asked, name) != 0) {
    printf("POLLCHECK_MUTANT=%s, but this program carries the answers of mutant %s only\n", asked, name);
    exit(2);
  }
  decorated = 1;
  printf("under mutant %s: where a kernel with its bug (%s) answers otherwise, its answer replaces "
         "the kernel's\n", name, models);
}

/* A copy of v for the step's state to own in place of old (begin_step frees it). */
static void *replaced(void *old, const void *v, size_t bytes) {
  void *p = xmalloc(bytes);
  if (bytes) memcpy(p, v, bytes);
  free(old);
  return p;
}

void decorate_ret(long long ret, int err) {
  o.ret = ret;
  o.err = err;
}

void decorate_fds(const int *v, size_t n) {
  size_t i;
  o.nfds = n < 2 ? n : 2;
  for (i = 0; i < o.nfds; ++i) o.fds[i] = v[i];
}

void decorate_digest(uint64_t digest) { o.digest = digest; }
void decorate_writes(unsigned writes) { o.writes = writes; }

void decorate_events(const struct event *v, size_t n) {
  o.events = replaced(o.events, v, n * sizeof *v);
  o.nevents = n;
}

void decorate_revents(const unsigned short *v, size_t n) {
  o.revents = replaced(o.revents, v, n * sizeof *v);
  o.nrevents = n;
}

void decorate_clobbered(unsigned clobbered) { o.clobbered = clobbered; }

void decorate_set(int which, const int *v, size_t n) {
  o.set[which] = replaced(o.set[which], v, n * sizeof *v);
  o.nset[which] = n;
}

void decorate_tv(long long us) { o.tv_left_us = us; }

void decorate_ring(unsigned sq, unsigned cq) {
  o.sq_entries = sq;
  o.cq_entries = cq;
}

void decorate_cqes(const struct cqe_obs *v, size_t n) {
  o.cqes = replaced(o.cqes, v, n * sizeof *v);
  o.ncqes = n;
}

void decorate_early(int early) { o.early = early; }

#endif
