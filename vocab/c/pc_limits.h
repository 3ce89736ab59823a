/* Limits shared by the harness's kernel side (kernel/) and the C reproducer (repro/): each is
 * defined once, here, and both sides include this header. Plain C, so a reproducer can embed it. */
#ifndef POLLCHECK_RUNTIME_PC_LIMITS_H
#define POLLCHECK_RUNTIME_PC_LIMITS_H

/* Waiter threads alive at once in one sequence (vocab/ops.h kMaxWaiters says the same, checked). */
#define PC_MAX_WAITERS 8
/* How far below RLIMIT_NOFILE the harness's own long-lived descriptors go: every waiter's three
 * /proc files (open while it is watched) and a few tables. */
#define PC_HIGH_FD_RESERVE (4 * PC_MAX_WAITERS + 8)
/* The bound, in milliseconds, on waiting for waiter threads to settle after a step. */
#define PC_WAITER_SETTLE_MS 2000

/* A fill stops after this many writes or bytes, whichever comes first (vocab/ops.h FillWrite). */
#define PC_FILL_MAX_WRITES 70000u
#define PC_FILL_MAX_BYTES (1u << 20)

/* A timed wait's timeout is cut to this many microseconds, and an epoll one takes at most this
 * many events (vocab/ops.h TimedWait). */
#define PC_TIMED_WAIT_MAX_US 50000u
#define PC_TIMED_WAIT_MAX_EVENTS 8

/* How long a reap waits for the CQEs it was asked to wait for, in milliseconds, and the most
 * CQEs one reap takes (vocab/ops.h UringReap). The oracle admits a reap that times out whenever
 * fewer CQEs than asked for are certain, so the bound decides only how long a reap that must time
 * out costs, and how likely an io-wq completion is to make it in time: 1 ms is ample for the
 * latter (tens of microseconds) and a tenth of the former's old cost. */
#define PC_REAP_WAIT_MS 1
#define PC_REAP_MAX_CQES ((size_t)1 << 17)

/* The backlog of a tcp_listen listener (vocab/ops.h TcpListen). */
#define PC_TCP_BACKLOG 8

/* The most epoll_waits an epoll fanout makes: enough for every dup at maxevents a call, and two
 * more. (Marked unused for clang: see pc_digest.h.) Here, with the limits, because the
 * vocabulary needs it and may use only the pure part of the runtime. */
__attribute__((unused)) static inline unsigned pc_fanout_max_rounds(unsigned n, int maxevents) {
  unsigned m = maxevents > 0 ? (unsigned)maxevents : 1u;
  return (n + m - 1) / m + 2;
}

#endif
