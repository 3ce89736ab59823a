#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_WAITERS
#include <errno.h>
#include <poll.h>
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

long pc_waiter_call(struct pc_waiter_watch *w, int fd, int maxevents, short events,
                    struct epoll_event *buf, short *revents) {
  long n;
  if (w->api == PC_WAIT_EPOLL) return syscall(SYS_epoll_wait, fd, buf, maxevents, -1);
  if (w->api == PC_WAIT_POLL) {
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    n = syscall(SYS_poll, &p, 1, -1);
    *revents = p.revents;
    return n;
  }
  return syscall(SYS_io_uring_enter, fd, 0, 1, PC_IORING_ENTER_GETEVENTS, NULL, 0);
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
  v->syscall = -1;
  if (read_small(w->status_fd, buf, sizeof buf)) {
    if ((p = strstr(buf, "State:\t")) != NULL && p[7] != '\0') v->state = p[7];
    if ((p = strstr(buf, "\nvoluntary_ctxt_switches:")) != NULL) v->switches += strtoull(p + 25, NULL, 10);
    if ((p = strstr(buf, "nonvoluntary_ctxt_switches:")) != NULL) v->switches += strtoull(p + 27, NULL, 10);
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
