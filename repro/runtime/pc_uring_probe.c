#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_URING_PROBE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pc_uring_probe.h"

long long pc_uring_features(void) {
  struct io_uring_params p;
  long fd;
  memset(&p, 0, sizeof p);
  if ((fd = syscall(__NR_io_uring_setup, 1u, &p)) < 0) return -(long long)errno;
  close((int)fd);
  return p.features;
}

int pc_uring_probe_opcodes(unsigned char *supported, unsigned n) {
  enum { kOps = 256 };
  struct io_uring_params p;
  struct io_uring_probe *probe;
  unsigned i;
  long fd;
  int ok;
  memset(&p, 0, sizeof p);
  if ((fd = syscall(__NR_io_uring_setup, 1u, &p)) < 0) return -1;
  probe = calloc(1, sizeof *probe + kOps * sizeof probe->ops[0]);
  ok = probe && syscall(__NR_io_uring_register, (int)fd, IORING_REGISTER_PROBE, probe, kOps) == 0;
  if (ok) {
    memset(supported, 0, n);
    for (i = 0; i < probe->ops_len && i < kOps; ++i)
      if (probe->ops[i].op < n) supported[probe->ops[i].op] = (probe->ops[i].flags & IO_URING_OP_SUPPORTED) != 0;
  }
  free(probe);
  close((int)fd);
  return ok ? 0 : -1;
}
#endif
