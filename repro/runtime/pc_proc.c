#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_PROC
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pc_limits.h"
#include "pc_proc.h"

int pc_move_high(int fd) {
  struct rlimit rl;
  rlim_t limit;
  long floor;
  int high;
  limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
  floor = (long)(limit < (1u << 20) ? limit : (1u << 20)) - PC_HIGH_FD_RESERVE;
  high = floor > fd ? fcntl(fd, F_DUPFD_CLOEXEC, (int)floor) : -1;
  if (high < 0) return fd;
  close(fd);
  return high;
}

int pc_open_high(const char *path) {
  int low = open(path, O_RDONLY | O_CLOEXEC);
  return low < 0 ? -1 : pc_move_high(low);
}

char *pc_read_whole(int fd, size_t *len) {
  size_t cap = 16384, used = 0;
  char *buf, *bigger;
  ssize_t n;
  if (fd < 0 || (buf = malloc(cap + 1)) == NULL) return NULL;
  for (;;) {
    if (used == cap) {
      if ((bigger = realloc(buf, 2 * cap + 1)) == NULL) {
        free(buf);
        return NULL;
      }
      buf = bigger;
      cap *= 2;
    }
    n = pread(fd, buf + used, cap - used, (off_t)used);
    if (n <= 0) break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  if (len) *len = used;
  return buf;
}
#endif
