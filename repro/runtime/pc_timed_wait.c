#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_TIMED_WAIT
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pc_timed_wait.h"
#include "pc_waiters.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
/* linux/io_uring.h, which a libc-only build may lack. */
#define PC_IORING_ENTER_GETEVENTS 1u
#define PC_IORING_ENTER_EXT_ARG 8u

/* As io_uring_enter's EXT_ARG reads them (struct __kernel_timespec, io_uring_getevents_arg). */
struct kernel_timespec {
  int64_t tv_sec;
  long long tv_nsec;
};
struct getevents_arg {
  uint64_t sigmask;
  uint32_t sigmask_sz;
  uint32_t pad;
  uint64_t ts;
};

void pc_timed_wait(int api, int fd, unsigned us, short events, int eintr_tries,
                   struct pc_timed_wait_obs *obs) {
  struct timespec ts, t0, t1;
  long long elapsed_ns;
  long r;
  int timed_out, tries = 0;
  memset(obs, 0, sizeof *obs);
  ts.tv_sec = us / 1000000;
  ts.tv_nsec = (long)(us % 1000000) * 1000L;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (api == PC_WAIT_EPOLL) {
    for (;;) {
      r = syscall(SYS_epoll_pwait2, fd, obs->events, PC_TIMED_WAIT_MAX_EVENTS, &ts, NULL, 0);
      if (!(r < 0 && errno == EINTR && ++tries < eintr_tries)) break;
      clock_gettime(CLOCK_MONOTONIC, &t0);
    }
    obs->err = r < 0 ? errno : 0;
    obs->nevents = r > 0 ? (size_t)r : 0;
  } else if (api == PC_WAIT_POLL) {
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = ppoll(&p, 1, &ts, NULL);
    obs->err = r < 0 ? errno : 0;
    obs->polled = r >= 0;
    obs->revents = (unsigned short)p.revents;
  } else {
    struct kernel_timespec kts;
    struct getevents_arg arg;
    kts.tv_sec = ts.tv_sec;
    kts.tv_nsec = ts.tv_nsec;
    memset(&arg, 0, sizeof arg);
    arg.ts = (uint64_t)(uintptr_t)&kts;
    r = syscall(SYS_io_uring_enter, fd, 0, 1, PC_IORING_ENTER_GETEVENTS | PC_IORING_ENTER_EXT_ARG, &arg,
                sizeof arg);
    obs->err = r < 0 ? errno : 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  obs->ret = r < 0 ? -1 : r;
  elapsed_ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  /* io_uring_enter returns 0 when a CQE came and fails with ETIME when the time ran out. */
  timed_out = api == PC_WAIT_URING ? (r < 0 && obs->err == ETIME) : r == 0;
  obs->early = timed_out && elapsed_ns < (long long)us * 1000LL;
}
#endif
