#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_IO
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pc_digest.h"
#include "pc_io.h"
#include "pc_limits.h"

long long pc_read_digest(int fd, unsigned char *buf, uint32_t len, uint64_t *digest) {
  ssize_t r = read(fd, buf, len);
  if (r >= 0) *digest = pc_fnv1a(buf, (size_t)r, PC_FNV1A_INIT);
  return r;
}

long long pc_recv_digest(int fd, unsigned char *buf, uint32_t len, int flags, uint64_t *digest) {
  ssize_t r = recv(fd, buf, len, flags);
  if (r >= 0) *digest = pc_fnv1a(buf, (size_t)r, PC_FNV1A_INIT);
  return r;
}

uint64_t pc_fill(int fd, const unsigned char *buf, uint32_t len, unsigned *writes, int *err) {
  uint64_t bytes = 0;
  ssize_t r;
  *writes = 0;
  *err = 0;
  while (*writes < PC_FILL_MAX_WRITES && bytes < PC_FILL_MAX_BYTES) {
    if ((r = write(fd, buf, len)) < 0) {
      *err = errno;
      break;
    }
    ++*writes;
    bytes += (uint64_t)r;
    if (r == 0) break;
  }
  return bytes;
}
#endif
