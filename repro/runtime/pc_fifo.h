/* The fifo op (vocab/ops.h MakeFifo): a FIFO made in a private folder and opened one of three
 * ways, as fifo(7) and fs/pipe.c fifo_open tell apart. */
#ifndef POLLCHECK_RUNTIME_PC_FIFO_H
#define POLLCHECK_RUNTIME_PC_FIFO_H

#ifdef __cplusplus
extern "C" {
#endif

#define PC_FIFO_BOTH 0   /* the read end (O_RDONLY | O_NONBLOCK), then the write end (O_WRONLY) */
#define PC_FIFO_READER 1 /* the read end alone */
#define PC_FIFO_WRITER 2 /* the write end first (O_WRONLY | O_NONBLOCK): ENXIO with no reader */

/* mkfifo in a new private folder under $TMPDIR (or /tmp), the ends `mode` asks for, each made
 * non-blocking, and the name and the folder removed again: the FIFO then lives in its
 * descriptors alone. fds[0] is the read end and fds[1] the write end, -1 where not opened.
 * Returns 0, or -1 with errno (then nothing is left open). Whether the folder and the node can
 * be made at all is the environment's matter, probed once before any trace (a FIFO made both
 * ways); after that a failure is the open's. */
int pc_make_fifo(int mode, int fds[2]);

#ifdef __cplusplus
}
#endif

#endif
