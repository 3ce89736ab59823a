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

int pc_open_high(const char *path) {
  struct rlimit rl;
  rlim_t limit;
  long floor;
  int low, high;
  if ((low = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -1;
  limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
  floor = (long)(limit < (1u << 20) ? limit : (1u << 20)) - PC_HIGH_FD_RESERVE;
  high = floor > low ? fcntl(low, F_DUPFD_CLOEXEC, (int)floor) : -1;
  if (high < 0) return low;
  close(low);
  return high;
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
