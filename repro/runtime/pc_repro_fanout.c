#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO_FANOUT
#include <stdio.h>
#include <stdlib.h>

#include "pc_fanout.h"
#include "pc_repro.h"
#include "pc_repro_fanout.h"

/* ---- fanout: the runtime's pc_fanout, its report copied into the observation. */
void do_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents) {
  struct pc_fanout_obs r;
  if (pc_fanout(mode, fd, epfd, n, events, maxevents, &r) != 0) {
    printf("step %d: %s: out of memory\n", cur_step, cur_op);
    exit(2);
  }
  o.ret = r.ret;
  o.err = r.err;
  o.writes = r.writes;
  o.nfds = r.nfds;
  o.fds[0] = r.fds[0];
  o.fds[1] = r.fds[1];
  o.digest = r.digest;
}
#endif
