#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_WAITERS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <limits.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pc_clock.h"
#include "pc_limits.h"
#include "pc_proc.h"
#include "pc_waiters.h"

#define PC_IORING_ENTER_GETEVENTS 1u /* linux/io_uring.h, which a libc-only build may lack */

/* Where the run count is read from: chosen by the probe; schedstat until it has run. */
#define PC_COUNT_SCHEDSTAT 0
#define PC_COUNT_STATUS 1
static int count_source = PC_COUNT_SCHEDSTAT;

void pc_watch_init(struct pc_waiter_watch *w, int api) {
  memset(w, 0, sizeof *w);
  w->stat_fd = w->syscall_fd = w->count_fd = -1;
  w->api = api;
}

void pc_watch_close(struct pc_waiter_watch *w) {
  if (w->stat_fd >= 0) close(w->stat_fd);
  if (w->syscall_fd >= 0) close(w->syscall_fd);
  if (w->count_fd >= 0) close(w->count_fd);
  w->stat_fd = w->syscall_fd = w->count_fd = -1;
}

int pc_watch_done(const struct pc_waiter_watch *w) { return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE); }

int pc_watch_tid(const struct pc_waiter_watch *w) { return __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE); }

void pc_waiter_begin(struct pc_waiter_watch *w) {
  struct pc_backoff b;
  __atomic_store_n(&w->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
  /* The watcher opens this thread's /proc files first: an open takes the lowest free number
     for a moment, and the call must not meet a /proc file under a descriptor it names. */
  pc_backoff_init(&b);
  while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE)) pc_backoff_sleep(&b);
}

/* The raw call; in_call is set just before it and cleared as soon as it returns, so a look
   that reads the thread asleep between two reads of a set flag saw it asleep inside it. */
static long raw_wait(struct pc_waiter_watch *w, int fd, int maxevents, struct epoll_event *buf,
                     struct pollfd *p) {
  long n;
  int err;
  __atomic_store_n(&w->in_call, 1, __ATOMIC_SEQ_CST);
  if (w->api == PC_WAIT_EPOLL) n = syscall(SYS_epoll_wait, fd, buf, maxevents, -1);
  else if (w->api == PC_WAIT_POLL) n = syscall(SYS_poll, p, 1, -1);
  else n = syscall(SYS_io_uring_enter, fd, 0, 1, PC_IORING_ENTER_GETEVENTS, NULL, 0);
  err = errno;
  __atomic_store_n(&w->in_call, 0, __ATOMIC_SEQ_CST);
  errno = err;
  return n;
}

long pc_waiter_call(struct pc_waiter_watch *w, int fd, int maxevents, short events,
                    struct epoll_event *buf, short *revents) {
  struct pollfd p;
  long n;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  n = raw_wait(w, fd, maxevents, buf, &p);
  if (w->api == PC_WAIT_POLL) *revents = p.revents;
  return n;
}

/* Bumped, and its sleepers woken, each time a waiter returns: a watcher waiting for threads to
   return or settle sleeps on it for each step of its backoff, and so looks again as soon as one
   returns rather than when the step ends. */
static int returns_seen;

static int returns_now(void) { return __atomic_load_n(&returns_seen, __ATOMIC_SEQ_CST); }

/* One step of the backoff, cut short when a waiter returns after `before` was read. */
static void pause_for_return(struct pc_backoff *b, int before) {
  struct timespec ts;
  ts.tv_sec = 0;
  ts.tv_nsec = pc_backoff_next(b);
  syscall(SYS_futex, &returns_seen, FUTEX_WAIT_PRIVATE, before, &ts, NULL, 0);
}

void pc_waiter_end(struct pc_waiter_watch *w) {
  __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
  __atomic_add_fetch(&returns_seen, 1, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, &returns_seen, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static long wait_syscall(int api) {
  return api == PC_WAIT_EPOLL ? SYS_epoll_wait : api == PC_WAIT_POLL ? SYS_poll : SYS_io_uring_enter;
}

static int open_task_file(int tid, const char *name) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, name);
  return pc_open_high(path);
}

void pc_watch_attach(struct pc_waiter_watch *w, int tid) {
  __atomic_store_n(&w->tid, tid, __ATOMIC_RELEASE);
  w->stat_fd = open_task_file(tid, "stat");
  w->syscall_fd = open_task_file(tid, "syscall");
  w->count_fd = open_task_file(tid, count_source == PC_COUNT_SCHEDSTAT ? "schedstat" : "status");
  w->seen_done = w->seen_asleep = 0;
  __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
}

static size_t read_small(int fd, char *buf, size_t cap) {
  ssize_t n = fd < 0 ? -1 : pread(fd, buf, cap - 1, 0);
  size_t len = n > 0 ? (size_t)n : 0;
  buf[len] = '\0';
  return len;
}

/* The run count from schedstat ("sum_exec_runtime run_delay pcount") or status (the two
   context-switch counts added); v->counted says whether it was there. */
static void read_count(int fd, int source, struct pc_task_look *v) {
  char buf[2048], *end;
  const char *p;
  unsigned long long ns, delay, runs;
  if (!read_small(fd, buf, source == PC_COUNT_SCHEDSTAT ? 128 : sizeof buf)) return;
  if (source == PC_COUNT_SCHEDSTAT) {
    ns = strtoull(buf, &end, 10);
    if (end == buf) return;
    delay = strtoull(p = end, &end, 10);
    if (end == p) return;
    runs = strtoull(p = end, &end, 10);
    if (end == p) return;
    (void)delay;
    v->ns = ns;
    v->runs = runs;
    v->counted = 1;
    return;
  }
  if ((p = strstr(buf, "\nvoluntary_ctxt_switches:")) == NULL) return;
  runs = strtoull(p + 25, NULL, 10);
  if ((p = strstr(buf, "nonvoluntary_ctxt_switches:")) == NULL) return;
  v->runs = runs + strtoull(p + 27, NULL, 10);
  v->counted = 1;
}

/* stat: "pid (comm) S ...": the state follows the last ')' (comm may hold any byte). */
static char read_state(int fd) {
  char buf[512];
  const char *p;
  if (!read_small(fd, buf, sizeof buf) || (p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
    return '?';
  return p[2];
}

static int asleep_in_call(const struct pc_waiter_watch *w, const struct pc_task_look *v) {
  return v->in_call && v->counted && v->state == 'S' && v->syscall == wait_syscall(w->api);
}

/* One look at a thread still in its call (see the top of pc_waiters.h for what each file says).
   The run count is read before and after the rest: with no new count between, the thread did
   not reach a CPU during the look, so the syscall file's "asleep in the call" and stat's S speak
   of one sleep, which no wakeup had reached when stat was read (a woken thread reads R until it
   has run). v->still: asleep so, and with the count its previous look, asleep too, ended with:
   it has not run since. Updates the watch's record of what was last seen. */
static void look_at(struct pc_waiter_watch *w, struct pc_task_look *v) {
  char buf[256];
  struct pc_task_look before;
  int in_before;
  memset(v, 0, sizeof *v);
  memset(&before, 0, sizeof before);
  v->state = '?';
  v->syscall = -1;
  in_before = __atomic_load_n(&w->in_call, __ATOMIC_SEQ_CST);
  read_count(w->count_fd, count_source, &before);
  if (read_small(w->syscall_fd, buf, sizeof buf) && buf[0] >= '0' && buf[0] <= '9')
    v->syscall = strtol(buf, NULL, 10);
  v->state = read_state(w->stat_fd);
  read_count(w->count_fd, count_source, v);
  v->in_call = in_before && __atomic_load_n(&w->in_call, __ATOMIC_SEQ_CST);
  if (!before.counted || before.runs != v->runs || before.ns != v->ns) v->counted = 0;
  v->still = asleep_in_call(w, v) && w->seen_asleep && before.runs == w->seen_runs && before.ns == w->seen_ns;
  w->seen_done = 0;
  w->seen_asleep = asleep_in_call(w, v);
  w->seen_runs = v->runs;
  w->seen_ns = v->ns;
}

int pc_watch_started(struct pc_waiter_watch *w) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  struct pc_task_look v;
  struct pc_backoff b;
  int tid, before;
  for (pc_backoff_init(&b); pc_now_ms() < end; pause_for_return(&b, before)) {
    before = returns_now();
    if (pc_watch_done(w)) return 1;
    if ((tid = pc_watch_tid(w)) == 0) continue;
    if (!__atomic_load_n(&w->go, __ATOMIC_RELAXED)) pc_watch_attach(w, tid);
    /* The handshake: no /proc file is read before the thread is at its call. */
    if (!__atomic_load_n(&w->in_call, __ATOMIC_SEQ_CST)) continue;
    look_at(w, &v);
    if (w->seen_asleep) return 1;
  }
  return pc_watch_done(w);
}

/* One pass over every waiter: whether each either had returned at its previous look already,
   or is asleep in its call and has not run since its previous look found it so (and whether all
   are at least asleep or returned: *quiet). */
static int pass(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *out, int *quiet) {
  size_t i;
  int unchanged = 1;
  struct pc_waiter_watch *w;
  *quiet = 1;
  for (i = 0; i < n; ++i) {
    w = ws[i];
    memset(&out[i], 0, sizeof out[i]);
    if ((out[i].done = pc_watch_done(w)) != 0) {
      if (!w->seen_done) unchanged = 0;
      w->seen_done = 1;
      continue;
    }
    look_at(w, &out[i]);
    if (!w->seen_asleep) *quiet = 0;
    if (!out[i].still) unchanged = 0;
  }
  return unchanged;
}

/* Why one pass with nothing moved suffices. Every thread X still in its call was found, at its
   look, asleep in its call (stat's S excludes a wakeup not yet run), with no run from the start
   of its previous look, which found it asleep too, to the end of this one: it stayed in one sleep
   all along, and ran at no time in between. Could X be woken after its stat read, before the pass
   ends? Not by the op, whose wakeups were made before it returned and before the pass began. By
   another waiter Y, then, running after X's look: Y ran at no time from its previous look to the
   end of its look in this pass, so it was woken after its own stat read, by a third running
   later still, and so on; with finitely many threads the earliest of those wakeups has no waker.
   A thread that returned since the previous pass is a change (its call may have woken others
   after their looks), and so is one found asleep with a count that moved: the next pass sees
   past them. What no pass can see are wakeups from outside the threads and the op (timers,
   io-wq, the network), which the ops that cause them settle on their own. */
int pc_waiters_settle(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *scratch) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  struct pc_backoff b;
  int quiet, before;
  pc_backoff_init(&b);
  for (;;) {
    before = returns_now();
    if (pass(ws, n, scratch, &quiet)) return 1;
    if (pc_now_ms() >= end) return 0;
    /* A change among threads all asleep is looked at again at once; one still moving is given
       time, or less if a thread returns meanwhile. */
    if (!quiet) pause_for_return(&b, before);
  }
}

/* ---- the probe ---- */

static void add_reason(char *why, size_t cap, const char *sep, const char *text) {
  size_t len = strlen(why);
  if (len + 1 >= cap) return;
  snprintf(why + len, cap - len, "%s%s", len ? sep : "", text);
}

int pc_settle_judge(const struct pc_settle_seen *s, char *why, size_t cap) {
  if (cap) why[0] = '\0';
  if (s->state && s->syscall_named && s->counted && s->asleep && !s->lagged && s->moved && s->returned)
    return PC_SETTLE_PROC;
  if (!cap) return PC_SETTLE_NONE;
  if (!s->state) {
    add_reason(why, cap, ", ", "/proc/self/task/TID/stat cannot be read or has no state");
  } else {
    if (!s->syscall_file) add_reason(why, cap, ", ", "/proc/self/task/TID/syscall is missing");
    else if (!s->syscall_named)
      add_reason(why, cap, ", ", "/proc/self/task/TID/syscall does not name the call a sleeping thread is in");
    if (!s->counted) add_reason(why, cap, ", ", "neither schedstat nor status has a run count");
    if (!s->asleep) add_reason(why, cap, ", ", "stat never said S for a thread blocked in poll");
    if (s->lagged)
      add_reason(why, cap, ", ", "a thread still read asleep in poll after the write that woke it had returned");
    if (s->counted && s->syscall_named && s->asleep && !s->lagged && !s->moved)
      add_reason(why, cap, ", ", "the run count did not move for a thread woken that slept again");
  }
  if (!s->returned) add_reason(why, cap, ", ", "a thread blocked in poll did not return when woken and signalled");
  if (s->state && s->asleep && !s->lagged && (!s->syscall_named || !s->counted))
    add_reason(why, cap, ": ",
               "state S alone cannot tell a woken thread that has not run yet from one still asleep, "
               "nor show one that was woken and went back to sleep");
  return PC_SETTLE_NONE;
}

struct probe_state {
  struct pc_waiter_watch w;
  int rd, wr;
};

/* Polls, reads the byte that woke it, polls again. */
static void *probe_thread(void *arg) {
  struct probe_state *p = arg;
  short revents = 0;
  char c;
  pc_waiter_begin(&p->w);
  if (pc_waiter_call(&p->w, p->rd, 0, POLLIN, NULL, &revents) == 1 && read(p->rd, &c, 1) == 1)
    pc_waiter_call(&p->w, p->rd, 0, POLLIN, NULL, &revents);
  pc_waiter_end(&p->w);
  return NULL;
}

/* Waits, bounded, for the probe thread to return; 1 if it did. */
static int probe_returned(struct probe_state *p) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  struct pc_backoff b;
  int before;
  for (pc_backoff_init(&b); before = returns_now(), !pc_watch_done(&p->w) && pc_now_ms() < end;)
    pause_for_return(&b, before);
  return pc_watch_done(&p->w) || pc_watch_interrupt(&p->w);
}

/* Looks until the probe thread is seen asleep in poll every way this implementation can say so,
   or the bound runs out; fills what was seen. 1 once asleep in poll by every part. */
static int probe_until_asleep(struct probe_state *p, struct pc_settle_seen *seen, struct pc_task_look *v) {
  long long end;
  struct pc_backoff b;
  for (end = pc_now_ms() + PC_WAITER_SETTLE_MS, pc_backoff_init(&b); pc_now_ms() < end; pc_backoff_sleep(&b)) {
    if (pc_watch_done(&p->w)) return 0;
    if (!__atomic_load_n(&p->w.in_call, __ATOMIC_SEQ_CST)) continue;
    look_at(&p->w, v);
    if (v->state != '?') seen->state = 1;
    if (v->counted) seen->counted = 1;
    if (v->in_call && v->state == 'S') seen->asleep = 1;
    if (v->in_call && v->state == 'S' && v->syscall == wait_syscall(PC_WAIT_POLL)) seen->syscall_named = 1;
    if (p->w.seen_asleep) return 1;
    if (seen->asleep && !seen->syscall_file) return 0; /* all there is to see */
  }
  return 0;
}

int pc_waiters_probe(char *why, size_t cap, struct pc_settle_seen *out) {
  struct pc_settle_seen seen;
  struct probe_state *p;
  struct pc_task_look v;
  pthread_t thread;
  long long end;
  struct pc_backoff b;
  unsigned long long runs, ns;
  int tid, fds[2], woken = 0, method;
  memset(&seen, 0, sizeof seen);
  if ((p = calloc(1, sizeof *p)) == NULL || pipe2(fds, O_CLOEXEC) != 0) {
    free(p);
    snprintf(why, cap, "the probe could not make its pipe: %s", strerror(errno));
    if (out) *out = seen;
    return PC_SETTLE_NONE;
  }
  pc_install_interrupt();
  p->rd = pc_move_high(fds[0]);
  p->wr = pc_move_high(fds[1]);
  pc_watch_init(&p->w, PC_WAIT_POLL);
  if (pthread_create(&thread, NULL, probe_thread, p) != 0) {
    close(p->rd);
    close(p->wr);
    free(p);
    snprintf(why, cap, "the probe could not start a thread");
    if (out) *out = seen;
    return PC_SETTLE_NONE;
  }
  for (end = pc_now_ms() + PC_WAITER_SETTLE_MS, pc_backoff_init(&b); (tid = pc_watch_tid(&p->w)) == 0 && pc_now_ms() < end;)
    pc_backoff_sleep(&b);
  /* The run count: schedstat where it reads, else status's switch counts. */
  if (tid != 0) {
    char path[64];
    int fd;
    snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
    fd = pc_open_high(path);
    memset(&v, 0, sizeof v);
    read_count(fd, PC_COUNT_SCHEDSTAT, &v);
    if (fd >= 0) close(fd);
    count_source = v.counted ? PC_COUNT_SCHEDSTAT : PC_COUNT_STATUS;
    seen.schedstat = v.counted;
    pc_watch_attach(&p->w, tid);
    seen.syscall_file = p->w.syscall_fd >= 0;
  }
  if (tid != 0 && probe_until_asleep(p, &seen, &v)) {
    /* One wakeup must take the thread out of "asleep in poll" before the write that made it
       returns: a look right after the write that still finds it so, while it has not returned,
       is a lag that no second look can see past. */
    runs = v.runs;
    ns = v.ns;
    if (write(p->wr, "x", 1) == 1) {
      look_at(&p->w, &v);
      if (p->w.seen_asleep && v.runs == runs && v.ns == ns && !pc_watch_done(&p->w)) seen.lagged = 1;
      /* Woken, it reads the byte and polls again: asleep once more, with a count that moved. */
      if (probe_until_asleep(p, &seen, &v) && (v.runs != runs || v.ns != ns)) seen.moved = 1;
    }
  }
  /* Two more bytes let it through both polls, wherever it is. */
  woken = write(p->wr, "xx", 2) == 2;
  seen.returned = woken && probe_returned(p);
  if (seen.returned) {
    pthread_join(thread, NULL);
    pc_watch_close(&p->w);
    close(p->rd);
    close(p->wr);
    free(p);
  } else {
    /* Still in the kernel past every bound: let it go, and leave it its pipe and memory. */
    pthread_detach(thread);
  }
  method = pc_settle_judge(&seen, why, cap);
  if (out) *out = seen;
  return method;
}

int pc_interrupt_signal(void) { return SIGRTMIN + 4; }

static void on_interrupt(int sig) { (void)sig; }

void pc_install_interrupt(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: the interrupted call returns EINTR */
  sigaction(pc_interrupt_signal(), &sa, NULL);
}

int pc_watch_interrupt(struct pc_waiter_watch *w) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS, next = 0;
  struct pc_backoff b;
  int tid, before;
  __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
  for (pc_backoff_init(&b); before = returns_now(), !pc_watch_done(w) && pc_now_ms() < end;
       pause_for_return(&b, before))
    if ((tid = pc_watch_tid(w)) != 0 && pc_now_ms() >= next) {
      syscall(SYS_tgkill, getpid(), tid, pc_interrupt_signal());
      next = pc_now_ms() + 5;
    }
  return pc_watch_done(w);
}

void pc_drain_interrupt(void) {
  sigset_t set;
  struct timespec zero;
  zero.tv_sec = 0;
  zero.tv_nsec = 0;
  sigemptyset(&set);
  sigaddset(&set, pc_interrupt_signal());
  while (sigtimedwait(&set, NULL, &zero) > 0) {
  }
}
#endif
