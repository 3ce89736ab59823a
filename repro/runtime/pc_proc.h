/* /proc files read while threads of the trace may look descriptors up: each is kept open on a
 * descriptor near the top of RLIMIT_NOFILE, because an open takes the lowest free number, which
 * a poll waiter whose descriptor the trace closed would look up again and find a /proc file
 * under. */
#ifndef POLLCHECK_RUNTIME_PC_PROC_H
#define POLLCHECK_RUNTIME_PC_PROC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* open(path, O_RDONLY | O_CLOEXEC) moved up to just below RLIMIT_NOFILE less
 * PC_HIGH_FD_RESERVE (or left where it landed if there is no room there); -1 if it cannot be
 * opened. */
int pc_open_high(const char *path);
/* An open descriptor moved up the same way (the old number closed): the new number, or fd itself
 * if there is no room up there. */
int pc_move_high(int fd);

/* The whole file behind fd, read with pread from offset 0 (procfs regenerates it on every
 * read), NUL-terminated, in a buffer from malloc that the caller frees; *len (if not NULL) is
 * its length. NULL when fd < 0 or memory runs out. */
char *pc_read_whole(int fd, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
