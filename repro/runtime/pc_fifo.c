#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_FIFO
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc_fifo.h"

/* Opens the FIFO at path as the mode says. */
static int open_ends(const char *path, int mode, int fds[2]) {
  if (mode == PC_FIFO_WRITER) {
    fds[1] = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    return fds[1] < 0 ? -1 : 0;
  }
  fds[0] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fds[0] < 0 || mode == PC_FIFO_READER) return fds[0] < 0 ? -1 : 0;
  /* A reader has it open, so a blocking O_WRONLY open returns at once (fifo_open). */
  fds[1] = open(path, O_WRONLY | O_CLOEXEC);
  if (fds[1] < 0) return -1;
  return fcntl(fds[1], F_SETFL, O_NONBLOCK);
}

int pc_make_fifo(int mode, int fds[2]) {
  const char *tmp = getenv("TMPDIR");
  char dir[PATH_MAX], path[PATH_MAX + 8];
  int r, err;
  fds[0] = fds[1] = -1;
  if (snprintf(dir, sizeof dir, "%s/pollcheck-fifo-XXXXXX", tmp && *tmp ? tmp : "/tmp") >= (int)sizeof dir) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/fifo", dir);
  if (mkfifo(path, 0600) != 0) {
    err = errno;
    rmdir(dir);
    errno = err;
    return -1;
  }
  r = open_ends(path, mode, fds);
  err = errno;
  unlink(path);
  rmdir(dir);
  if (r != 0) {
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
    fds[0] = fds[1] = -1;
  }
  errno = err;
  return r;
}
#endif
