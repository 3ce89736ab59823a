#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_FANOUT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include "pc_digest.h"
#include "pc_fanout.h"
#include "pc_readiness.h"

static void close_dups(const int *dups, unsigned n) {
  unsigned i;
  for (i = 0; i < n; ++i) close(dups[i]);
}

/* -1 out of memory, else 0 (a failed call is in *obs). */
static int fanout_epoll(const int *dups, unsigned n, int epfd, uint32_t events, int maxevents,
                        struct pc_fanout_obs *obs, uint64_t *h) {
  unsigned i, unseen = n, rounds = pc_fanout_max_rounds(n, maxevents);
  size_t cap = pc_epoll_entries_with(maxevents, n);
  struct epoll_event *buf = malloc(cap * sizeof *buf);
  unsigned char *seen = calloc((size_t)n + 1, 1);
  int got, k;
  if (!buf || !seen) {
    free(buf);
    free(seen);
    return -1;
  }
  for (i = 0; i < n; ++i) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = i;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, dups[i], &ev) != 0) {
      obs->ret = -1;
      obs->err = errno;
      for (k = 0; (unsigned)k < i; ++k) epoll_ctl(epfd, EPOLL_CTL_DEL, dups[k], NULL);
      free(buf);
      free(seen);
      return 0;
    }
  }
  while (unseen > 0 && obs->writes < rounds) {
    got = epoll_wait(epfd, buf, maxevents, 0);
    ++obs->writes;
    if (got < 0) {
      obs->ret = -1;
      obs->err = errno;
      break;
    }
    if (got == 0) break;
    for (k = 0; k < got; ++k) {
      *h = pc_fnv1a_le(*h, buf[k].data.u64, 8);
      *h = pc_fnv1a_le(*h, buf[k].events, 4);
      if (buf[k].data.u64 < n && !seen[buf[k].data.u64]) {
        seen[buf[k].data.u64] = 1;
        --unseen;
      }
    }
    obs->ret += got;
  }
  for (i = 0; i < n; ++i) epoll_ctl(epfd, EPOLL_CTL_DEL, dups[i], NULL);
  free(buf);
  free(seen);
  return 0;
}

static int fanout_poll(const int *dups, unsigned n, uint32_t events, struct pc_fanout_obs *obs, uint64_t *h) {
  struct pollfd *arr = malloc(((size_t)n + 1) * sizeof *arr);
  unsigned i;
  if (!arr) return -1;
  for (i = 0; i < n; ++i) {
    arr[i].fd = dups[i];
    arr[i].events = (short)events;
    arr[i].revents = 0;
  }
  obs->ret = poll(arr, n, 0);
  if (obs->ret < 0)
    obs->err = errno;
  else
    for (i = 0; i < n; ++i) *h = pc_fnv1a_le(*h, (unsigned short)arr[i].revents, 2);
  free(arr);
  return 0;
}

/* Through a bitmap sized for nfds, not glibc's fd_set: select reads nfds bits from it. */
static int fanout_select(const int *dups, unsigned n, struct pc_fanout_obs *obs, uint64_t *h) {
  int nfds = n ? dups[n - 1] + 1 : 0;
  size_t words = pc_bitmap_words((uint64_t)nfds + 1);
  unsigned long *rd = calloc(words, sizeof *rd);
  struct timeval tv = {0, 0};
  unsigned i;
  if (!rd) return -1;
  for (i = 0; i < n; ++i) pc_bitmap_set(rd, dups[i]);
  obs->ret = select(nfds, (fd_set *)rd, NULL, NULL, &tv);
  if (obs->ret < 0)
    obs->err = errno;
  else
    for (i = 0; i < n; ++i)
      if (pc_bitmap_test(rd, dups[i])) *h = pc_fnv1a_le(*h, (uint32_t)dups[i], 4);
  free(rd);
  return 0;
}

int pc_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents,
              struct pc_fanout_obs *obs) {
  int *dups = malloc(((size_t)n + 1) * sizeof *dups), failed;
  unsigned made;
  uint64_t h = PC_FNV1A_INIT;
  if (!dups) return -1;
  memset(obs, 0, sizeof *obs);
  for (made = 0; made < n; ++made)
    if ((dups[made] = fcntl(fd, F_DUPFD, 0)) < 0) {
      obs->ret = -1;
      obs->err = errno;
      obs->writes = made;
      close_dups(dups, made);
      free(dups);
      return 0;
    }
  if (n > 0) {
    obs->nfds = 2;
    obs->fds[0] = dups[0];
    obs->fds[1] = dups[n - 1];
  }
  failed = mode == PC_FANOUT_EPOLL  ? fanout_epoll(dups, n, epfd, events, maxevents, obs, &h)
           : mode == PC_FANOUT_POLL ? fanout_poll(dups, n, events, obs, &h)
                                    : fanout_select(dups, n, obs, &h);
  close_dups(dups, n);
  free(dups);
  if (failed) return -1;
  if (obs->ret >= 0) obs->digest = h;
  return 0;
}
#endif
