/* The reproducer's waiter threads (pc_waiters.h's calls and watching), its timed waits
 * (pc_timed_wait.h) and the checks of which waiters returned and of early timeouts. */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_WAITERS_H
#define POLLCHECK_RUNTIME_PC_REPRO_WAITERS_H

#include <stddef.h>

#include "pc_repro.h"

/* A waiter that returned: its number and result (pollcheck's WaiterObs). */
struct woke {
  unsigned waiter;
  long long ret;
  int err;
  size_t nev;
  const struct event *ev;
};

void waiters_probe(void);
void waiters_start(int api, int fd, unsigned n, int maxevents, short events);
void waiters_join(void);
void waiters_settle(void);
void check_woke(int source, size_t nalts, const struct woke *const *alts, const size_t *counts);
void woke_seen(void);
/* A bug-zoo mutant's answer in place of the waiters that returned (pc_repro_mutant.h): v must
   live until the next woke_seen(). */
void woke_decorate(const struct woke *v, size_t n);
void timed_wait(int api, int fd, unsigned us, short events);
void check_early(int source, int expected);

#endif
