/* The timed_wait op: one epoll_pwait2, ppoll or io_uring_enter with a timespec timeout, in the
 * caller's thread, and whether it gave up before its time. */
#ifndef POLLCHECK_RUNTIME_PC_TIMED_WAIT_H
#define POLLCHECK_RUNTIME_PC_TIMED_WAIT_H

#include <stddef.h>
#include <sys/epoll.h>

#include "pc_limits.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pc_timed_wait_obs {
  long ret;                /* the call's result, -1 on failure */
  int err;                 /* errno when ret is -1 */
  int early;               /* it timed out (0; io_uring: ETIME) before us had elapsed */
  size_t nevents;          /* epoll: the events returned */
  struct epoll_event events[PC_TIMED_WAIT_MAX_EVENTS];
  int polled;              /* poll: 1 when revents holds what the call returned */
  unsigned short revents;
};

/* api: PC_WAIT_EPOLL, PC_WAIT_POLL or PC_WAIT_URING (pc_waiters.h); events: poll's. An epoll
 * wait that fails with EINTR is made again, up to eintr_tries times in all (a process that has
 * used io_uring can see EINTR without a signal; see the rule X-EINTR-NOTIFY). */
void pc_timed_wait(int api, int fd, unsigned us, short events, int eintr_tries,
                   struct pc_timed_wait_obs *obs);

#ifdef __cplusplus
}
#endif

#endif
