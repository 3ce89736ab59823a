/* The fanout op (vocab/ops.h Fanout): one file under n descriptors, then one poll, one select
 * or epoll_ctl ADD of each and epoll_waits until each was reported; every dup closed again. */
#ifndef POLLCHECK_RUNTIME_PC_FANOUT_H
#define POLLCHECK_RUNTIME_PC_FANOUT_H

#include <stddef.h>
#include <stdint.h>

#include "pc_limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PC_FANOUT_EPOLL 0
#define PC_FANOUT_POLL 1
#define PC_FANOUT_SELECT 2

/* What a fanout reports. */
struct pc_fanout_obs {
  long long ret;   /* events gathered (poll, select: the call's result), -1 on failure */
  int err;         /* errno when ret is -1 */
  unsigned writes; /* epoll_waits made; when a dup failed, the dups made */
  size_t nfds;     /* 2 when any dup was made: */
  int fds[2];      /* the first and the last */
  uint64_t digest; /* FNV-1a of what was reported, each value little-endian; 0 on failure */
};

/* n dups of fd (F_DUPFD 0: the lowest free numbers), then the mode's calls (epoll: on epfd with
 * events, data = the dup's index, at most pc_fanout_max_rounds epoll_waits; poll and
 * select with events / in the read set). 0, or -1 if memory ran out (nothing is left open; *obs
 * is not filled). */
int pc_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents,
              struct pc_fanout_obs *obs);

#ifdef __cplusplus
}
#endif

#endif
