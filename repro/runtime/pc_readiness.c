#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_READINESS
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include "pc_readiness.h"

/* Successful EPOLL_CTL_ADDs in this process (by any thread): every registration an epoll can
   report was made by one of them. */
static uint64_t epoll_adds;

int pc_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event ev;
  int r;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  r = epoll_ctl(epfd, op, fd, &ev);
  if (r == 0 && op == EPOLL_CTL_ADD) __atomic_add_fetch(&epoll_adds, 1, __ATOMIC_RELAXED);
  return r;
}

size_t pc_epoll_entries(int maxevents) {
  uint64_t reachable = __atomic_load_n(&epoll_adds, __ATOMIC_RELAXED);
  if (reachable < 1024) reachable = 1024;
  if (reachable > INT_MAX) reachable = INT_MAX;
  if (maxevents < 1) return 1;
  return (uint64_t)maxevents > reachable ? (size_t)reachable : (size_t)maxevents;
}

size_t pc_epoll_entries_with(int maxevents, size_t extra) {
  size_t counted = pc_epoll_entries(maxevents), wanted = maxevents < 1 ? 1 : (size_t)maxevents;
  if (counted < wanted) counted = counted + extra < wanted ? counted + extra : wanted;
  return counted;
}

#define POLL_RLIMIT_CAP ((uint64_t)1 << 20) /* 8 bytes an entry: beyond this, too much memory */
#define POLL_OVER_CAP ((int64_t)1 << 16)    /* any excess is enough to pass the limit */

size_t pc_poll_size(size_t n, int over_limit, int *capped) {
  struct rlimit rl;
  uint64_t limit;
  int64_t over = over_limit, padded;
  *capped = 0;
  if (over_limit == 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0) return n;
  limit = rl.rlim_cur;
  if (limit > POLL_RLIMIT_CAP) {
    *capped |= PC_POLL_CAPPED_RLIMIT;
    limit = POLL_RLIMIT_CAP;
  }
  if (over > POLL_OVER_CAP) {
    *capped |= PC_POLL_CAPPED_OVER;
    over = POLL_OVER_CAP;
  }
  padded = (int64_t)limit + over;
  return padded > 0 && (uint64_t)padded > n ? (size_t)padded : n;
}

long pc_poll_run(struct pollfd *arr, size_t total, const struct pollfd *entries, size_t n,
                 unsigned short *revents, unsigned *clobbered) {
  size_t i;
  long r;
  for (i = 0; i < total; ++i) {
    if (i < n) {
      arr[i].fd = entries[i].fd;
      arr[i].events = entries[i].events;
    } else {
      arr[i].fd = -1;
      arr[i].events = 0;
    }
    arr[i].revents = 0;
  }
  r = poll(arr, (nfds_t)total, 0);
  for (i = 0; i < n; ++i) revents[i] = (unsigned short)arr[i].revents;
  *clobbered = 0;
  for (i = 0; i < total; ++i)
    if (arr[i].events != (i < n ? entries[i].events : 0)) ++*clobbered;
  return r;
}

int pc_select_nfds(int highest, int relative, int value) {
  long long wanted = relative ? (long long)highest + 1 + value : value;
  return wanted < INT_MIN ? INT_MIN : wanted > INT_MAX ? INT_MAX : (int)wanted;
}

/* The kernel clamps nfds to its fd table, which never exceeds fs.nr_open (taken as at least
   2^20, rounded to 64). */
static uint64_t select_bits_cap(void) {
  static uint64_t cap;
  uint64_t nr_open = 0, found = __atomic_load_n(&cap, __ATOMIC_RELAXED);
  char text[32];
  ssize_t n;
  int f;
  if (found) return found;
  if ((f = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC)) >= 0) {
    memset(text, 0, sizeof text);
    if ((n = read(f, text, sizeof text - 1)) > 0) nr_open = strtoull(text, NULL, 10);
    close(f);
  }
  if (nr_open < ((uint64_t)1 << 20)) nr_open = (uint64_t)1 << 20;
  found = (nr_open + 63) / 64 * 64;
  __atomic_store_n(&cap, found, __ATOMIC_RELAXED);
  return found;
}

uint64_t pc_select_bits(int nfds, int highest) {
  uint64_t bits = nfds > 0 ? (uint64_t)nfds : 0;
  if (bits > select_bits_cap()) bits = select_bits_cap();
  if (bits < (uint64_t)((int64_t)highest + 1)) bits = (uint64_t)((int64_t)highest + 1);
  if (bits < FD_SETSIZE) bits = FD_SETSIZE;
  return bits;
}

#define BITS_PER_WORD (sizeof(unsigned long) * CHAR_BIT)

size_t pc_bitmap_words(uint64_t bits) { return (size_t)((bits + BITS_PER_WORD - 1) / BITS_PER_WORD); }

void pc_bitmap_set(unsigned long *words, int fd) {
  words[(size_t)fd / BITS_PER_WORD] |= 1UL << ((size_t)fd % BITS_PER_WORD);
}

int pc_bitmap_test(const unsigned long *words, int fd) {
  return (int)(words[(size_t)fd / BITS_PER_WORD] >> ((size_t)fd % BITS_PER_WORD) & 1UL);
}

size_t pc_bitmap_members(const unsigned long *words, size_t nwords, int *out) {
  size_t w, b, count = 0;
  for (w = 0; w < nwords; ++w)
    for (b = 0; words[w] && b < BITS_PER_WORD; ++b)
      if (words[w] >> b & 1UL) {
        if (out) out[count] = (int)(w * BITS_PER_WORD + b);
        ++count;
      }
  return count;
}
#endif
