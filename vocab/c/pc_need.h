/* Which parts of the runtime a build takes. The harness's library takes every part but the
 * reproducer's own (pc_repro_*.c). A C reproducer defines each PC_NEED_* to 0 or 1 before the
 * runtime text and carries only the files its trace uses: a trace without threads or io_uring
 * must build with libc alone, and a short trace should read short. */
#ifndef POLLCHECK_RUNTIME_PC_NEED_H
#define POLLCHECK_RUNTIME_PC_NEED_H

#ifndef PC_NEED_PAYLOAD
#define PC_NEED_PAYLOAD 1 /* pc_payload.c: the bytes a write of step N sends */
#endif
#ifndef PC_NEED_CLOCK
#define PC_NEED_CLOCK 1 /* pc_clock.c: the clock every bounded wait reads */
#endif
#ifndef PC_NEED_PROC
#define PC_NEED_PROC 1 /* pc_proc.c: /proc files kept open high */
#endif
#ifndef PC_NEED_WAITERS
#define PC_NEED_WAITERS 1 /* pc_waiters.c: waiter threads and their settling */
#endif
#ifndef PC_NEED_INET
#define PC_NEED_INET 1 /* pc_inet.c: when loopback TCP and UDP traffic has settled */
#endif
#ifndef PC_NEED_NETNS
#define PC_NEED_NETNS 1 /* pc_netns.c: a private network namespace with loopback up */
#endif
#ifndef PC_NEED_IO
#define PC_NEED_IO 1 /* pc_io.c: read, recv and fill as the ops make them */
#endif
#ifndef PC_NEED_READINESS
#define PC_NEED_READINESS 1 /* pc_readiness.c: epoll_ctl, epoll_wait, poll and select sizing */
#endif
#ifndef PC_NEED_LOOPBACK
#define PC_NEED_LOOPBACK 1 /* pc_loopback.c: TCP and UDP sockets on 127.0.0.1 */
#endif
#ifndef PC_NEED_FANOUT
#define PC_NEED_FANOUT 1 /* pc_fanout.c: one file under many descriptors */
#endif
#ifndef PC_NEED_TIMED_WAIT
#define PC_NEED_TIMED_WAIT 1 /* pc_timed_wait.c: one wait with a timeout, in the caller's thread */
#endif
#ifndef PC_NEED_FIFO
#define PC_NEED_FIFO 1 /* pc_fifo.c: a FIFO made in a private folder and opened one of three ways */
#endif
#ifndef PC_NEED_URING_PROBE
#define PC_NEED_URING_PROBE 1 /* pc_uring_probe.c: what io_uring this kernel offers */
#endif
#ifndef PC_NEED_URING
#define PC_NEED_URING 1 /* pc_uring.c: rings through liburing (a reproducer then links -luring) */
#endif
/* The reproducer's own parts (pc_repro_*.c), never linked into the harness. */
#ifndef PC_NEED_REPRO
#define PC_NEED_REPRO 1 /* pc_repro_check.c, pc_repro_ops.c: step state, checks, plain ops */
#endif
#ifndef PC_NEED_REPRO_URING
#define PC_NEED_REPRO_URING 1 /* pc_repro_uring.c: rings by descriptor, the CQE check */
#endif
#ifndef PC_NEED_REPRO_WAITERS
#define PC_NEED_REPRO_WAITERS 1 /* pc_repro_waiters.c: waiter threads, timed waits, their checks */
#endif
#ifndef PC_NEED_REPRO_INET
#define PC_NEED_REPRO_INET 1 /* pc_repro_inet.c: loopback sockets by inode, settling */
#endif
#ifndef PC_NEED_REPRO_FANOUT
#define PC_NEED_REPRO_FANOUT 1 /* pc_repro_fanout.c */
#endif
#ifndef PC_NEED_REPRO_MUTANT
#define PC_NEED_REPRO_MUTANT 1 /* pc_repro_mutant.c: a mutant's answers in place of the kernel's */
#endif

#endif
