/* Waiter threads: each blocks in one call (epoll_wait, poll or io_uring_enter) with no timeout.
 * They are watched through /proc, never by sleeping for a while, and every wait for them is
 * bounded by PC_WAITER_SETTLE_MS; between looks the watcher backs off with short sleeps
 * (pc_clock.h), never spinning on sched_yield. The caller owns the threads and their results;
 * these functions start, watch and stop the calls.
 *
 * Which settle signal the implementation offers is probed once, at start-up, on a scratch thread
 * (pc_waiters_probe). Settling needs, for every waiter still in its call, proof that it sleeps
 * in that call and that no wakeup from the last op is still on its way to it.
 *
 * PC_SETTLE_PROC (Linux). One look at a thread reads:
 *  - its in_call flag, set just before its raw call and cleared as the call returns, before and
 *    after the files: set both times, the files speak of the thread inside its call;
 *  - a run count, before and after the two files below: /proc/self/task/T/schedstat's third
 *    field, sched_info.pcount (fs/proc/base.c proc_pid_schedstat), with sum_exec_runtime, the
 *    first, beside it. pcount grows in sched_info_arrive (kernel/sched/stats.h) each time the
 *    thread reaches a CPU after being queued, and a wakeup queues it (enqueue_task ->
 *    sched_info_enqueue): a thread woken from a sleep has a new count before it can run. Where
 *    the kernel has no schedstat (CONFIG_SCHED_INFO off), status's voluntary_ctxt_switches +
 *    nonvoluntary_ctxt_switches serve (dearer to read: status renders signal sets and CPU
 *    masks). The same count before and after: the thread did not reach a CPU during the look;
 *  - /proc/self/task/T/syscall: it names the call only when the thread is off the CPU and off
 *    the run queue in a sleeping state (lib/syscall.c task_current_syscall -> kernel/sched/core.c
 *    wait_task_inactive, which waits out a thread still on a CPU or preempted there, and
 *    dequeues one whose dequeue EEVDF delayed); else "running". It does not tell a thread that a
 *    wakeup has reached but that has not run yet (TASK_WAKING while queued on another CPU's wake
 *    list) from one asleep: that is the state's part;
 *  - /proc/self/task/T/stat's state (fs/proc/array.c get_task_state): try_to_wake_up sets
 *    TASK_WAKING or TASK_RUNNING under the thread's pi_lock before the waker's call returns, and
 *    both read R, until the thread has run and set S again itself.
 * Asleep in its call: all of those at once. The state alone would not do: a thread that was
 * woken, ran and has set S again reads S while it still checks its wait's condition, or while
 * preempted there, and may yet return; the syscall file's wait for an inactive task tells those
 * apart. Nor would the syscall file alone (TASK_WAKING, above).
 * Settled: one pass over the threads finds every one either returned, as it already was at its
 * previous look, or asleep in its call and not run since its previous look, which found it asleep
 * too (pc_waiters_settle says why one such pass suffices). Every look updates those records, so
 * after a change a second pass confirms. The probe checks each part: the files, S while the flag
 * is set, the syscall file naming poll, a thread woken by a write not read asleep once the write
 * has returned, and a new run count once a woken thread sleeps again.
 *
 * Without the syscall file and a run count (gVisor offers neither; its status does say S for a
 * blocked thread) what is left is the state and what the thread says of itself: the in_call
 * flag, and S read while the flag stays set. Under gVisor the state leaves S only when the woken
 * thread's goroutine next runs, not when the waker's call wakes it (of 100 looks taken just
 * after a write that woke a poll waiter, 78 read S), so S cannot tell a thread woken and not
 * yet run from one still asleep; and without a run count nothing shows a thread that was woken
 * and went back to sleep between two looks. No settle built on that is sound, so there the probe
 * answers PC_SETTLE_NONE with its reason and the harness leaves waiter threads out (timed_wait
 * blocks in the caller's own thread and needs no settle). */
#ifndef POLLCHECK_RUNTIME_PC_WAITERS_H
#define POLLCHECK_RUNTIME_PC_WAITERS_H

#include <stddef.h>
#include <sys/epoll.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The call a waiter blocks in. */
#define PC_WAIT_EPOLL 0
#define PC_WAIT_POLL 1
#define PC_WAIT_URING 2

/* One waiter thread as the watcher sees it. The thread writes tid, in_call and done, the
 * watcher go; all of them only through the functions below (atomically). The rest is the
 * watcher's alone. */
struct pc_waiter_watch {
  int tid;     /* the thread's id once it runs, 0 before */
  int go;      /* set once its /proc files are open: only then its call */
  int done;    /* set once its call returned */
  int in_call; /* set just before its blocking call, cleared as it returns */
  int stat_fd, syscall_fd, count_fd; /* /proc/self/task/<tid>/stat, syscall and schedstat (or
                                        status, see above), open high while it is watched */
  int api;                           /* PC_WAIT_* */
  /* The last look: whether it found the thread returned, or asleep in its call and with which
     run count (pc_waiters_settle compares each look with these). */
  int seen_done, seen_asleep;
  unsigned long long seen_runs, seen_ns;
};

/* What one look saw of one thread. done: it had returned, and nothing else was read. */
struct pc_task_look {
  int done;
  int in_call;             /* the flag was set before and after the files were read */
  char state;              /* stat's state, '?' where unread or unreadable */
  unsigned long long runs; /* the run count */
  unsigned long long ns;   /* schedstat's sum_exec_runtime (0 where status counts) */
  int counted;             /* the run count could be read, the same before and after */
  long syscall;            /* the call the syscall file named, -1: running, or unreadable */
  int still;               /* asleep in its call and not run since its previous look found it so */
};

void pc_watch_init(struct pc_waiter_watch *w, int api);
/* Opens the /proc files of thread tid (high: pc_proc.h) and lets it go to its call. A thread
 * that publishes its own id (pc_waiter_begin) is attached by pc_watch_started; a caller that
 * knows the id beforehand (a kept thread about to take a new call) attaches it itself. */
void pc_watch_attach(struct pc_waiter_watch *w, int tid);
/* Closes its /proc files (once its result is taken; again is harmless). */
void pc_watch_close(struct pc_waiter_watch *w);
int pc_watch_done(const struct pc_waiter_watch *w);
int pc_watch_tid(const struct pc_waiter_watch *w);

/* In the waiter thread: publishes its id and waits until the watcher lets it go. */
void pc_waiter_begin(struct pc_waiter_watch *w);
/* In the waiter thread: the blocking call, as a raw system call, so that /proc names the call
 * whatever libc does. epoll: into buf (room for maxevents, or for as many as the caller
 * allows); poll: one entry for events, its revents in *revents. The call's result, or -1 with
 * errno. */
long pc_waiter_call(struct pc_waiter_watch *w, int fd, int maxevents, short events,
                    struct epoll_event *buf, short *revents);
/* In the waiter thread, after its result is stored: marks it returned. */
void pc_waiter_end(struct pc_waiter_watch *w);

/* Waits until a thread just started sleeps in its call or has returned, attaching it on the way
 * if it is not yet. 1, or 0 if neither happened within PC_WAITER_SETTLE_MS. */
int pc_watch_started(struct pc_waiter_watch *w);

/* Waits until one pass finds every one of the n waiters returned as it was at its last look, or
 * asleep in its call and not run since its last look found it so. scratch: room for n looks.
 * 1, or 0 if that did not happen within PC_WAITER_SETTLE_MS. */
int pc_waiters_settle(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *scratch);

/* The settle signals (see the top of this file). */
#define PC_SETTLE_NONE 0 /* none is sound here: waiter threads are left out */
#define PC_SETTLE_PROC 1 /* /proc/self/task/T/syscall, stat's state and a run count */

/* What the probe saw of a scratch thread blocked in poll on an empty pipe. */
struct pc_settle_seen {
  int state;         /* /proc/self/task/T/stat could be read, with a state */
  int syscall_file;  /* /proc/self/task/T/syscall could be opened */
  int syscall_named; /* it named poll while the thread was asleep in it */
  int counted;       /* a run count could be read: schedstat, or status's switch counts */
  int schedstat;     /* ... from schedstat (else from status) */
  int asleep;        /* stat said S while the thread's in_call flag was set */
  int lagged;        /* once a write had woken it, a look still found it asleep in poll */
  int moved;         /* woken, it ran and slept in poll again: the run count had moved */
  int returned;      /* it returned once woken (or signalled) */
};

/* The signal what was seen allows: PC_SETTLE_PROC, or PC_SETTLE_NONE with why (cut to cap) the
 * reason, naming what is missing and what the rest cannot tell apart. */
int pc_settle_judge(const struct pc_settle_seen *seen, char *why, size_t cap);
/* Probes on a scratch thread of its own (its pipe and /proc files held high, all closed again;
 * call it before the trace's own threads start): blocks it in poll on an empty pipe, looks at it
 * through /proc, wakes it with a write (it reads the byte and polls again), looks again, wakes it
 * once more and joins it. pc_settle_judge's answer; *seen (if not NULL) what was seen. It also
 * chooses the file of the run count for every watch that follows. */
int pc_waiters_probe(char *why, size_t cap, struct pc_settle_seen *seen);

/* The signal that interrupts waiters (its handler does nothing; no SA_RESTART, so the call
 * returns EINTR). pc_install_interrupt installs that handler. */
int pc_interrupt_signal(void);
void pc_install_interrupt(void);
/* Lets a waiter go if it never got to its call, then signals it every few milliseconds (one
 * the last op left running may take a signal outside its call and only then block) until it
 * returns. 1, or 0 if it did not return within PC_WAITER_SETTLE_MS. A thread kept for further
 * calls must not take a late signal meant for this one into its next call: it keeps the signal
 * blocked between calls and discards what is pending before the next (pc_drain_interrupt). */
int pc_watch_interrupt(struct pc_waiter_watch *w);
/* In a thread kept for further calls, with the interrupting signal blocked: discards every one
 * pending for it. */
void pc_drain_interrupt(void);

#ifdef __cplusplus
}
#endif

#endif
