#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "pc_io.h"
#include "pc_payload.h"
#include "pc_readiness.h"
#include "pc_repro.h"

/* A call that returns -1 and sets errno on failure: its value, and errno if it failed. */
void result(long long r) {
  o.ret = r;
  if (r < 0) o.err = errno;
}

/* A call that creates one descriptor: bound to the slot, or -1 and errno (which unbinds it). */
void created(int *slot, int fd) {
  if (fd < 0) {
    o.ret = -1;
    o.err = errno;
  } else {
    o.nfds = 1;
    o.fds[0] = fd;
  }
  if (slot) *slot = fd;
}

/* A call that creates two descriptors (pipe2, socketpair): r is what it returned. On failure
   both slots are unbound. */
void created_pair(int *a, int *b, int r, const int fds[2]) {
  if (r != 0) {
    o.ret = -1;
    o.err = errno;
    if (a) *a = -1;
    if (b) *b = -1;
    return;
  }
  o.nfds = 2;
  o.fds[0] = fds[0];
  o.fds[1] = fds[1];
  if (a) *a = fds[0];
  if (b) *b = fds[1];
}

/* A creator failing with ENOSYS: this kernel lacks the feature, which is no mismatch. */
void need(const char *call) {
  if (o.ret == -1 && o.err == ENOSYS) {
    printf("step %d: %s: %s is not available on this kernel (ENOSYS): skipped\n", cur_step,
           cur_op, call);
    exit(EXIT_SKIP);
  }
}

/* The payload of a write at `step` (pc_fill_payload), in a buffer valid until the next call. */
const unsigned char *payload(uint32_t len, size_t step, uint64_t value) {
  static unsigned char *buf;
  free(buf);
  buf = xmalloc(len);
  pc_fill_payload(buf, len, step, value);
  return buf;
}

void do_read(int fd, uint32_t len) {
  unsigned char *buf = xmalloc(len);
  result(pc_read_digest(fd, buf, len, &o.digest));
  free(buf);
}

void do_recv(int fd, uint32_t len, int flags) {
  unsigned char *buf = xmalloc(len);
  result(pc_recv_digest(fd, buf, len, flags, &o.digest));
  free(buf);
}

/* The step's payload written until the kernel refuses it or a cap is reached (pc_fill).
   ret: bytes written. */
void do_fill(int fd, uint32_t len, size_t step, uint64_t value) {
  o.ret = (long long)pc_fill(fd, payload(len, step, value), len, &o.writes, &o.err);
}

/* epoll_wait with timeout 0, into a buffer of pc_epoll_entries(maxevents) entries. */
void do_epoll_wait(int epfd, int maxevents) {
  size_t n = pc_epoll_entries(maxevents), i;
  struct epoll_event *buf = xmalloc(n * sizeof *buf);
  memset(buf, 0, n * sizeof *buf);
  result(epoll_wait(epfd, buf, maxevents, 0));
  if (o.ret > 0) {
    o.nevents = (size_t)o.ret;
    o.events = xmalloc(o.nevents * sizeof *o.events);
    for (i = 0; i < o.nevents; ++i) {
      o.events[i].events = buf[i].events;
      o.events[i].data = buf[i].data.u64;
    }
  }
  free(buf);
}

/* poll with timeout 0 on the entries given, padded with fd -1 entries when over_limit != 0
   (pc_poll_size, pc_poll_run). */
void do_poll(const struct pollfd *entries, size_t n, int over_limit) {
  int capped;
  size_t total = pc_poll_size(n, over_limit, &capped);
  struct pollfd *arr = xmalloc(total * sizeof *arr);
  o.nrevents = n;
  o.revents = xmalloc(n * sizeof *o.revents);
  result(pc_poll_run(arr, total, entries, n, o.revents, &o.clobbered));
  free(arr);
}

/* select with a zero timeout on bitmaps sized by hand (pc_select_bits). The result sets are
   every bit left set, not just the ones put in. */
void do_select(const int *rd, size_t nrd, const int *wr, size_t nwr, const int *ex,
                      size_t nex, int relative, int value) {
  const int *lists[3];
  size_t sizes[3], k, nwords;
  unsigned long *maps[3];
  int i, highest = -1, nfds;
  struct timeval tv = {0, 0};
  lists[0] = rd;
  lists[1] = wr;
  lists[2] = ex;
  sizes[0] = nrd;
  sizes[1] = nwr;
  sizes[2] = nex;
  for (i = 0; i < 3; ++i)
    for (k = 0; k < sizes[i]; ++k)
      if (lists[i][k] > highest) highest = lists[i][k];
  nfds = pc_select_nfds(highest, relative, value);
  nwords = pc_bitmap_words(pc_select_bits(nfds, highest));
  for (i = 0; i < 3; ++i) {
    maps[i] = xmalloc(nwords * sizeof(unsigned long));
    memset(maps[i], 0, nwords * sizeof(unsigned long));
    for (k = 0; k < sizes[i]; ++k)
      if (lists[i][k] >= 0) pc_bitmap_set(maps[i], lists[i][k]);
  }
  result(select(nfds, (fd_set *)maps[0], (fd_set *)maps[1], (fd_set *)maps[2], &tv));
  for (i = 0; i < 3; ++i) {
    o.set[i] = xmalloc(pc_bitmap_members(maps[i], nwords, NULL) * sizeof(int));
    o.nset[i] = pc_bitmap_members(maps[i], nwords, o.set[i]);
    free(maps[i]);
  }
  o.tv_left_us = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Only descriptors 0, 1 and 2 open, as the expectations assume (new descriptors take the lowest
   free number); SIGPIPE ignored, so that writes without a reader report EPIPE. */
void setup(void) {
  long fd, max = 1L << 20;
  struct rlimit rl;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) max = 3;
#endif
  /* Without close_range, the open ones as /proc lists them: closing every number up to a large
     RLIMIT_NOFILE one by one takes a second on a sandboxed kernel. */
  if (max > 3) {
    int open_fds[1024], n = 0, listed = 0, k;
    DIR* d = opendir("/proc/self/fd");
    if (d) {
      struct dirent* e;
      listed = 1;
      while ((e = readdir(d)) != NULL) {
        long v = strtol(e->d_name, NULL, 10);
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || v < 3 || v == dirfd(d)) continue;
        if (n == 1024) { listed = 0; break; }
        open_fds[n++] = (int)v;
      }
      closedir(d);
    }
    if (listed) {
      for (k = 0; k < n; ++k) close(open_fds[k]);
      max = 3;
    }
  }
  if (max > 3 && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max) max = (long)rl.rlim_cur;
  for (fd = 3; fd < max; ++fd) close((int)fd);
  for (fd = 0; fd < 3; ++fd) {
    if (fcntl((int)fd, F_GETFD) != -1) continue;
    if (open("/dev/null", O_RDWR) != fd) {
      printf("cannot open /dev/null as descriptor %ld: skipped\n", fd);
      exit(EXIT_SKIP);
    }
  }
  signal(SIGPIPE, SIG_IGN);
}

/* The descriptors the campaign's harness held when the trace ran, held here too (by eventfds,
   which every implementation has), so that new descriptors take the numbers they took there:
   select's sets and nfds depend on them. */
void hold_descriptors(const int* fds, int n) {
  int i;
  for (i = 0; i < n; ++i) {
    int e = eventfd(0, 0);
    if (e >= 0 && e != fds[i] && dup2(e, fds[i]) == fds[i]) close(e);
    else if (e != fds[i]) {
      printf("cannot hold descriptor %d as the trace's harness did: skipped\n", fds[i]);
      exit(EXIT_SKIP);
    }
  }
}
#endif
