/* The reproducer's fanout: pc_fanout's report copied into the step's observation. */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_FANOUT_H
#define POLLCHECK_RUNTIME_PC_REPRO_FANOUT_H

#include <stdint.h>

void do_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents);

#endif
