#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO_WAITERS
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "pc_limits.h"
#include "pc_repro.h"
#include "pc_repro_waiters.h"
#include "pc_timed_wait.h"
#include "pc_waiters.h"

/* ---- waiter threads: each blocks in one call with no timeout. The runtime's pc_waiters.c
   starts, watches (through /proc, never by sleeping a while) and interrupts the calls. */
#define MAX_WAITERS 256

/* A waiter thread: its call (the runtime's pc_waiter_call) and what the call returned. */
struct waiter {
  struct pc_waiter_watch watch;
  int fd, maxevents;
  short events;
  int reported, joined;
  long long ret;
  int err;
  size_t nev;
  struct event *ev;
  pthread_t thread;
};
static struct waiter waiters[MAX_WAITERS];
static int nwaiters;

static void *waiter_main(void *arg) {
  struct waiter *w = arg;
  struct epoll_event *buf = NULL;
  short revents = 0;
  long n;
  size_t i, cap = w->maxevents > 0 ? (size_t)w->maxevents : 1;
  if (cap > 1024) cap = 1024;
  pc_waiter_begin(&w->watch);
  if (w->watch.api == PC_WAIT_EPOLL) {
    buf = xmalloc(cap * sizeof *buf);
    w->ev = xmalloc(cap * sizeof *w->ev);
  } else if (w->watch.api == PC_WAIT_POLL) {
    w->ev = xmalloc(sizeof *w->ev);
  }
  n = pc_waiter_call(&w->watch, w->fd, w->maxevents, w->events, buf, &revents);
  w->err = n < 0 ? errno : 0;
  if (w->watch.api == PC_WAIT_EPOLL) {
    for (i = 0; n > 0 && i < (size_t)n; ++i) {
      w->ev[i].events = buf[i].events;
      w->ev[i].data = buf[i].data.u64;
    }
    w->nev = n > 0 ? (size_t)n : 0;
  } else if (w->watch.api == PC_WAIT_POLL && n > 0) {
    w->ev[0].events = (unsigned short)revents;
    w->ev[0].data = 0;
    w->nev = 1;
  }
  free(buf);
  w->ret = n < 0 ? -1 : n;
  pc_waiter_end(&w->watch);
  return NULL;
}

static int is_done(const struct waiter *w) { return pc_watch_done(&w->watch); }

/* No verdict: a thread still moving is no mismatch, and what the step left behind is unknown. */
static void unsettled(void) {
  printf("step %d: %s: unsettled: waiter threads still moving after %d ms; no verdict\n", cur_step,
         cur_op, PC_WAITER_SETTLE_MS);
  exit(EXIT_UNSETTLED);
}

/* Before the first waiter: whether this implementation offers a sound settle signal (the
   runtime's pc_waiters_probe, which the harness runs too); a skip if it does not. */
void waiters_probe(void) {
  char why[512];
  if (pc_waiters_probe(why, sizeof why, NULL) == PC_SETTLE_PROC) return;
  printf("waiter threads cannot be settled here (%s): skipped\n", why);
  exit(EXIT_SKIP);
}

/* Every waiter still in its call sleeps there, and nothing moved between two looks. */
void waiters_settle(void) {
  static struct pc_waiter_watch *watches[MAX_WAITERS];
  static struct pc_task_look scratch[2 * MAX_WAITERS];
  int i;
  for (i = 0; i < nwaiters; ++i) watches[i] = &waiters[i].watch;
  if (!pc_waiters_settle(watches, (size_t)nwaiters, scratch)) unsettled();
}

static int alive(void) {
  int i, n = 0;
  for (i = 0; i < nwaiters; ++i) n += !is_done(&waiters[i]);
  return n;
}

/* Starts n waiters one at a time, each asleep in its call (or returned) before the next. */
void waiters_start(int api, int fd, unsigned n, int maxevents, short events) {
  unsigned k;
  int room = PC_MAX_WAITERS - alive();
  if ((int)n > room) n = room > 0 ? (unsigned)room : 0u;  /* as many as fit when the op begins */
  o.ret = 0;
  for (k = 0; k < n && nwaiters < MAX_WAITERS; ++k) {
    struct waiter *w = &waiters[nwaiters++];
    memset(w, 0, sizeof *w);
    pc_watch_init(&w->watch, api);
    w->fd = fd;
    w->maxevents = maxevents;
    w->events = events;
    if (pthread_create(&w->thread, NULL, waiter_main, w) != 0) {
      printf("step %d: %s: pthread_create failed\n", cur_step, cur_op);
      exit(2);
    }
    ++o.ret;
    if (!pc_watch_started(&w->watch)) unsettled();
    waiters_settle();
  }
}

/* Interrupts every waiter still blocked, in number order, then joins every thread. */
void waiters_join(void) {
  static int installed;
  int i;
  if (!installed) {
    pc_install_interrupt();
    installed = 1;
  }
  for (i = 0; i < nwaiters; ++i) {
    if (is_done(&waiters[i])) continue;
    if (!pc_watch_interrupt(&waiters[i].watch)) unsettled();
    waiters_settle();
  }
  for (i = 0; i < nwaiters; ++i)
    if (!waiters[i].joined) {
      pthread_join(waiters[i].thread, NULL);
      waiters[i].joined = 1;
    }
}

/* What a kernel with a bug-zoo mutant's bug answers in place of the waiters that returned
   (pc_repro_mutant.h), until the next woke_seen(). */
static const struct woke *shown_woke;
static size_t n_shown_woke;
static int woke_decorated;

void woke_decorate(const struct woke *v, size_t n) {
  shown_woke = v;
  n_shown_woke = n;
  woke_decorated = 1;
}

static int woke_entry_is(const struct woke *exp, unsigned waiter, long long ret, int err,
                         const struct event *ev, size_t nev) {
  size_t e;
  if (exp->waiter != waiter || exp->ret != ret || exp->err != err || exp->nev != nev) return 0;
  for (e = 0; e < nev; ++e)
    if (exp->ev[e].events != ev[e].events || exp->ev[e].data != ev[e].data) return 0;
  return 1;
}

/* Whether the waiters that returned since the last woke_seen() are exactly these. */
static int woke_is(const struct woke *exp, size_t n) {
  size_t k = 0;
  int i;
  if (woke_decorated) {
    if (n != n_shown_woke) return 0;
    for (k = 0; k < n; ++k)
      if (!woke_entry_is(&exp[k], shown_woke[k].waiter, shown_woke[k].ret, shown_woke[k].err,
                         shown_woke[k].ev, shown_woke[k].nev))
        return 0;
    return 1;
  }
  for (i = 0; i < nwaiters; ++i) {
    const struct waiter *w = &waiters[i];
    if (w->reported || !is_done(w)) continue;
    if (k == n || !woke_entry_is(&exp[k], (unsigned)i, w->ret, w->err, w->ev, w->nev)) return 0;
    ++k;
  }
  return k == n;
}

static void print_woke_entry(unsigned waiter, long long ret, int err, const struct event *ev, size_t nev) {
  size_t e;
  printf("%u:%lld", waiter, ret);
  if (ret == -1) printf(" %s", errno_name(err));
  for (e = 0; e < nev; ++e) printf("%s%#x/%llu", e ? "+" : ":", ev[e].events, (unsigned long long)ev[e].data);
}

/* The threads ran in an order the oracle admits but not the first one, which the checks of
   the later steps assume: the program runs again from the start, up to 100 times. */
static void rerun_for_order(void) {
  const char *s = getenv("POLLCHECK_REPRO_RUNS");
  int runs = s ? atoi(s) : 0, err;
  char buf[16];
  if (runs >= 100) {
    printf("step %d: %s: the waiter threads took another admitted order in 100 runs in a row; "
           "the later checks assume the first\n", cur_step, cur_op);
    exit(2);
  }
  snprintf(buf, sizeof buf, "%d", runs + 1);
  setenv("POLLCHECK_REPRO_RUNS", buf, 1);
  fflush(stdout);
  execl("/proc/self/exe", "repro", (char *)NULL);
  err = errno;
  printf("step %d: %s: cannot run the program again: %s (%s)\n", cur_step, cur_op, errno_name(err),
         strerror(err));
  exit(2);
}

/* Any one of the admitted lists may match. */
void check_woke(int source, size_t nalts, const struct woke *const *alts, const size_t *counts) {
  size_t a, k;
  int i, first = 1;
  if (woke_is(alts[0], counts[0])) return;
  for (a = 1; a < nalts; ++a)
    if (woke_is(alts[a], counts[a])) {
      if (source == ORACLE) rerun_for_order();
      return;
    }
  mismatch_begin("woke");
  printf("[");
  for (k = 0; k < counts[0]; ++k) {
    printf("%s", k ? ", " : "");
    print_woke_entry(alts[0][k].waiter, alts[0][k].ret, alts[0][k].err, alts[0][k].ev, alts[0][k].nev);
  }
  printf("]%s", nalts > 1 ? " (or another admitted order)" : "");
  mismatch_observed(source, "woke");
  printf("[");
  for (k = 0; woke_decorated && k < n_shown_woke; ++k) {
    printf("%s", k ? ", " : "");
    print_woke_entry(shown_woke[k].waiter, shown_woke[k].ret, shown_woke[k].err, shown_woke[k].ev,
                     shown_woke[k].nev);
  }
  for (i = 0; !woke_decorated && i < nwaiters; ++i) {
    const struct waiter *w = &waiters[i];
    if (w->reported || !is_done(w)) continue;
    printf("%s", first ? "" : ", ");
    print_woke_entry((unsigned)i, w->ret, w->err, w->ev, w->nev);
    first = 0;
  }
  printf("]");
  mismatch_end();
}

void woke_seen(void) {
  int i;
  woke_decorated = 0;
  for (i = 0; i < nwaiters; ++i)
    if (is_done(&waiters[i]) && !waiters[i].reported) {
      waiters[i].reported = 1;
      pc_watch_close(&waiters[i].watch);
    }
}

/* One wait with a timespec timeout, in this thread (pc_timed_wait); o.early: it returned 0
   (io_uring: ETIME) before the timeout had elapsed. Once the program has used io_uring, its task
   work can fail an epoll wait with EINTR though no signal came (pollcheck's rule X-EINTR-NOTIFY
   admits that): such a call is made again, up to 100 times, to reach the outcome checked. */
void timed_wait(int api, int fd, unsigned us, short events) {
  static struct pc_timed_wait_obs r;
  size_t i;
  pc_timed_wait(api, fd, us, events, 100, &r);
  o.ret = r.ret;
  o.err = r.err;
  o.early = r.early;
  if (r.nevents > 0) {
    o.events = xmalloc(r.nevents * sizeof *o.events);
    for (i = 0; i < r.nevents; ++i) {
      o.events[i].events = r.events[i].events;
      o.events[i].data = r.events[i].data.u64;
    }
    o.nevents = r.nevents;
  }
  if (r.polled) {
    o.revents = xmalloc(sizeof *o.revents);
    o.revents[0] = r.revents;
    o.nrevents = 1;
  }
}

void check_early(int source, int expected) {
  if (o.early == expected) return;
  mismatch_begin("returned-before-timeout");
  printf("%s", expected ? "yes" : "no");
  mismatch_observed(source, "returned-before-timeout");
  printf("%s", o.early ? "yes" : "no");
  mismatch_end();
}
#endif
