#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_WAITERS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pc_clock.h"
#include "pc_limits.h"
#include "pc_proc.h"
#include "pc_waiters.h"

#define PC_IORING_ENTER_GETEVENTS 1u /* linux/io_uring.h, which a libc-only build may lack */

void pc_watch_init(struct pc_waiter_watch *w, int api) {
  memset(w, 0, sizeof *w);
  w->status_fd = w->syscall_fd = -1;
  w->api = api;
}

void pc_watch_close(struct pc_waiter_watch *w) {
  if (w->status_fd >= 0) close(w->status_fd);
  if (w->syscall_fd >= 0) close(w->syscall_fd);
  w->status_fd = w->syscall_fd = -1;
}

int pc_watch_done(const struct pc_waiter_watch *w) { return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE); }

int pc_watch_tid(const struct pc_waiter_watch *w) { return __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE); }

void pc_waiter_begin(struct pc_waiter_watch *w) {
  __atomic_store_n(&w->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
  /* The watcher opens this thread's /proc files first: an open takes the lowest free number
     for a moment, and the call must not meet a /proc file under a descriptor it names. */
  while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE)) sched_yield();
}

/* The raw call; in_call is set just before it and cleared as soon as it returns, so a look
   that reads S between two reads of a set flag saw the thread asleep inside it. */
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

void pc_waiter_end(struct pc_waiter_watch *w) { __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE); }

static long wait_syscall(int api) {
  return api == PC_WAIT_EPOLL ? SYS_epoll_wait : api == PC_WAIT_POLL ? SYS_poll : SYS_io_uring_enter;
}

static int open_task_file(int tid, const char *name) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, name);
  return pc_open_high(path);
}

static size_t read_small(int fd, char *buf, size_t cap) {
  ssize_t n = fd < 0 ? -1 : pread(fd, buf, cap - 1, 0);
  size_t len = n > 0 ? (size_t)n : 0;
  buf[len] = '\0';
  return len;
}

static void look_at(const struct pc_waiter_watch *w, struct pc_task_look *v) {
  char buf[2048];
  const char *p;
  v->done = 0;
  v->state = '?';
  v->switches = 0;
  v->counted = 0;
  v->syscall = -1;
  if (read_small(w->status_fd, buf, sizeof buf)) {
    if ((p = strstr(buf, "State:\t")) != NULL && p[7] != '\0') v->state = p[7];
    if ((p = strstr(buf, "\nvoluntary_ctxt_switches:")) != NULL) {
      v->switches += strtoull(p + 25, NULL, 10);
      ++v->counted;
    }
    if ((p = strstr(buf, "nonvoluntary_ctxt_switches:")) != NULL) {
      v->switches += strtoull(p + 27, NULL, 10);
      ++v->counted;
    }
    v->counted = v->counted == 2;
  }
  if (read_small(w->syscall_fd, buf, sizeof buf) && buf[0] >= '0' && buf[0] <= '9')
    v->syscall = strtol(buf, NULL, 10);
}

static int asleep_in_call(const struct pc_waiter_watch *w, const struct pc_task_look *v) {
  return v->state == 'S' && v->syscall == wait_syscall(w->api);
}

int pc_watch_started(struct pc_waiter_watch *w) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  struct pc_task_look v;
  int tid;
  for (; pc_now_ms() < end; sched_yield()) {
    if (pc_watch_done(w)) return 1;
    if ((tid = pc_watch_tid(w)) == 0) continue;
    if (!__atomic_load_n(&w->go, __ATOMIC_RELAXED)) {
      w->status_fd = open_task_file(tid, "status");
      w->syscall_fd = open_task_file(tid, "syscall");
      __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
    }
    look_at(w, &v);
    if (asleep_in_call(w, &v)) return 1;
  }
  return 0;
}

/* One look at every waiter; whether each one still in its call sleeps there. */
static int look(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *out) {
  size_t i;
  int asleep = 1;
  for (i = 0; i < n; ++i) {
    memset(&out[i], 0, sizeof out[i]);
    out[i].done = pc_watch_done(ws[i]);
    if (out[i].done) continue;
    look_at(ws[i], &out[i]);
    if (!asleep_in_call(ws[i], &out[i])) asleep = 0;
  }
  return asleep;
}

static int same_looks(const struct pc_task_look *a, const struct pc_task_look *b, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (a[i].done != b[i].done || a[i].state != b[i].state || a[i].switches != b[i].switches ||
        a[i].syscall != b[i].syscall)
      return 0;
  return 1;
}

int pc_waiters_settle(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *scratch) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  for (; pc_now_ms() < end; sched_yield())
    if (look(ws, n, scratch) && look(ws, n, scratch + n) && same_looks(scratch, scratch + n, n)) return 1;
  return 0;
}

/* ---- the probe ---- */

static void add_reason(char *why, size_t cap, const char *sep, const char *text) {
  size_t len = strlen(why);
  if (len + 1 >= cap) return;
  snprintf(why + len, cap - len, "%s%s", len ? sep : "", text);
}

int pc_settle_judge(const struct pc_settle_seen *s, char *why, size_t cap) {
  if (cap) why[0] = '\0';
  if (s->status && s->syscall_named && s->switches && s->asleep && !s->lagged && s->returned)
    return PC_SETTLE_PROC;
  if (!cap) return PC_SETTLE_NONE;
  if (!s->status) {
    add_reason(why, cap, ", ", "/proc/self/task/TID/status cannot be read or has no State line");
  } else {
    if (!s->syscall_file) add_reason(why, cap, ", ", "/proc/self/task/TID/syscall is missing");
    else if (!s->syscall_named)
      add_reason(why, cap, ", ", "/proc/self/task/TID/syscall does not name the call a sleeping thread is in");
    if (!s->switches) add_reason(why, cap, ", ", "status has no context-switch counts");
    if (!s->asleep) add_reason(why, cap, ", ", "status never said S for a thread blocked in poll");
    if (s->lagged)
      add_reason(why, cap, ", ", "a thread still read asleep in poll after the write that woke it had returned");
  }
  if (!s->returned) add_reason(why, cap, ", ", "a thread blocked in poll did not return when woken and signalled");
  if (s->status && s->asleep && !s->lagged && (!s->syscall_named || !s->switches))
    add_reason(why, cap, ": ",
               "state S alone cannot tell a woken thread that has not run yet from one still asleep, "
               "nor show one that was woken and went back to sleep");
  return PC_SETTLE_NONE;
}

struct probe_state {
  struct pc_waiter_watch w;
  int rd, wr;
};

static void *probe_thread(void *arg) {
  struct probe_state *p = arg;
  short revents = 0;
  pc_waiter_begin(&p->w);
  pc_waiter_call(&p->w, p->rd, 0, POLLIN, NULL, &revents);
  pc_waiter_end(&p->w);
  return NULL;
}

/* Waits, bounded, for the probe thread to return; 1 if it did. */
static int probe_returned(struct probe_state *p) {
  long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
  while (!pc_watch_done(&p->w) && pc_now_ms() < end) sched_yield();
  return pc_watch_done(&p->w) || pc_watch_interrupt(&p->w);
}

int pc_waiters_probe(char *why, size_t cap, struct pc_settle_seen *out) {
  struct pc_settle_seen seen;
  struct probe_state *p;
  struct pc_task_look v;
  pthread_t thread;
  long long end;
  int tid, fds[2], woken = 0, in_before, method;
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
  /* Its /proc files, then its call: look until it is seen asleep in poll every way this
     implementation can say so, or the bound runs out. */
  for (end = pc_now_ms() + PC_WAITER_SETTLE_MS; pc_now_ms() < end; sched_yield()) {
    if ((tid = pc_watch_tid(&p->w)) == 0) continue;
    if (!__atomic_load_n(&p->w.go, __ATOMIC_RELAXED)) {
      p->w.status_fd = open_task_file(tid, "status");
      p->w.syscall_fd = open_task_file(tid, "syscall");
      seen.syscall_file = p->w.syscall_fd >= 0;
      __atomic_store_n(&p->w.go, 1, __ATOMIC_RELEASE);
      if (p->w.status_fd < 0) break; /* nothing to look at */
    }
    in_before = __atomic_load_n(&p->w.in_call, __ATOMIC_SEQ_CST);
    look_at(&p->w, &v);
    if (p->w.status_fd >= 0 && v.state != '?') seen.status = 1;
    if (v.counted) seen.switches = 1;
    if (v.state == 'S' && in_before && __atomic_load_n(&p->w.in_call, __ATOMIC_SEQ_CST)) seen.asleep = 1;
    if (asleep_in_call(&p->w, &v)) seen.syscall_named = 1;
    /* Asleep, and either named by the syscall file or without one to name it: all is seen. */
    if (seen.asleep && (seen.syscall_named || !seen.syscall_file)) break;
  }
  /* Where /proc says it all, one wakeup must take the thread out of "asleep in poll" before the
     write that made it returns: a look right after the write that still finds it so, while it
     has not returned, is a lag that no double look can see past. */
  if (seen.asleep && seen.switches && seen.syscall_named) {
    woken = write(p->wr, "x", 1) == 1;
    look_at(&p->w, &v);
    if (woken && asleep_in_call(&p->w, &v) && !pc_watch_done(&p->w)) seen.lagged = 1;
  }
  if (!woken) woken = write(p->wr, "x", 1) == 1;
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
  int tid;
  __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
  for (; !pc_watch_done(w) && pc_now_ms() < end; sched_yield())
    if ((tid = pc_watch_tid(w)) != 0 && pc_now_ms() >= next) {
      syscall(SYS_tgkill, getpid(), tid, pc_interrupt_signal());
      next = pc_now_ms() + 5;
    }
  return pc_watch_done(w);
}
#endif
