/* Waiter threads: each blocks in one call (epoll_wait, poll or io_uring_enter) with no timeout.
 * They are watched through /proc (their state and the system call they sleep in), never by
 * sleeping for a while, and every wait for them is bounded by PC_WAITER_SETTLE_MS. The caller
 * owns the threads and their results; these functions start, watch and stop the calls.
 *
 * Which settle signal the implementation offers is probed once, at start-up, on a scratch thread
 * (pc_waiters_probe). Settling needs, for every waiter still in its call, proof that it sleeps
 * in that call and that no wakeup from the last op is still on its way to it.
 *
 * PC_SETTLE_PROC (Linux): /proc/self/task/T/syscall names the call a sleeping thread is in, and
 * status says S; a wakeup takes the thread out of S within the waker's own call (try_to_wake_up
 * marks it runnable before the waker returns), so a thread that reads S in its call after the op
 * was either not woken by it, or was woken, ran and went back to sleep. The latter moves its
 * context-switch counts in status (voluntary_ctxt_switches + nonvoluntary_ctxt_switches), which
 * two looks in a row compare. The probe checks each part, and that a thread woken by a write
 * does not still read asleep in its call once the write has returned.
 *
 * Without the syscall file or the switch counts (gVisor offers neither; its status does say S
 * for a blocked thread) what is left is the state and what the thread says of itself: a flag it
 * sets just before its raw call and clears as the call returns (in_call), and S read while the
 * flag stays set, prove that the thread was asleep inside its call at that look. That would do to
 * start a waiter, but not to settle one after an op. Under gVisor the state leaves S only when
 * the woken thread's goroutine next runs, not when the waker's call wakes it (of 100 looks taken
 * just after a write that woke a poll waiter, 78 read S), so S cannot tell a thread woken and not
 * yet run from one still asleep; and without switch counts nothing shows a thread that was woken
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
 * watcher go; all of them only through the functions below (atomically). */
struct pc_waiter_watch {
  int tid;                   /* the thread's id once it runs, 0 before */
  int go;                    /* set once its /proc files are open: only then its call */
  int done;                  /* set once its call returned */
  int in_call;               /* set just before its blocking call, cleared as it returns */
  int status_fd, syscall_fd; /* /proc/self/task/<tid>/status and syscall, open high */
  int api;                   /* PC_WAIT_* */
};

/* What /proc says about one thread: its scheduler state, how often it was switched out (a
 * thread that was woken and slept again has a new count), and the system call it is in (-1:
 * running, or unreadable). done: it had returned, and nothing else was read. */
struct pc_task_look {
  int done;
  char state;
  unsigned long long switches;
  int counted; /* status had both context-switch counts */
  long syscall;
};

void pc_watch_init(struct pc_waiter_watch *w, int api);
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

/* Waits until a thread just started sleeps in its call or has returned, opening its /proc
 * files and letting it go on the way. 1, or 0 if neither happened within PC_WAITER_SETTLE_MS. */
int pc_watch_started(struct pc_waiter_watch *w);

/* Waits until every one of the n waiters still in its call sleeps there and none moved between
 * two looks. scratch: room for 2 * n looks. 1, or 0 if that did not happen within
 * PC_WAITER_SETTLE_MS. */
int pc_waiters_settle(struct pc_waiter_watch *const *ws, size_t n, struct pc_task_look *scratch);

/* The settle signals (see the top of this file). */
#define PC_SETTLE_NONE 0 /* none is sound here: waiter threads are left out */
#define PC_SETTLE_PROC 1 /* /proc/self/task/T/syscall and status's state and switch counts */

/* What the probe saw of a scratch thread blocked in poll on an empty pipe. */
struct pc_settle_seen {
  int status;        /* /proc/self/task/T/status could be read, with a State line */
  int syscall_file;  /* /proc/self/task/T/syscall could be opened */
  int syscall_named; /* it named poll while status said S */
  int switches;      /* status had voluntary_ctxt_switches and nonvoluntary_ctxt_switches */
  int asleep;        /* status said S while the thread's in_call flag was set */
  int lagged;        /* once a write had woken it, a look still found it asleep in poll */
  int returned;      /* it returned once woken (or signalled) */
};

/* The signal what was seen allows: PC_SETTLE_PROC, or PC_SETTLE_NONE with why (cut to cap) the
 * reason, naming what is missing and what the rest cannot tell apart. */
int pc_settle_judge(const struct pc_settle_seen *seen, char *why, size_t cap);
/* Probes on a scratch thread of its own (its pipe and /proc files held high, all closed again;
 * call it before the trace's own threads start): blocks it in poll on an empty pipe, looks at it
 * through /proc, wakes it with a write and joins it. pc_settle_judge's answer; *seen (if not
 * NULL) what was seen. */
int pc_waiters_probe(char *why, size_t cap, struct pc_settle_seen *seen);

/* The signal that interrupts waiters (its handler does nothing; no SA_RESTART, so the call
 * returns EINTR). pc_install_interrupt installs that handler. */
int pc_interrupt_signal(void);
void pc_install_interrupt(void);
/* Lets a waiter go if it never got to its call, then signals it every few milliseconds (one
 * the last op left running may take a signal outside its call and only then block) until it
 * returns. 1, or 0 if it did not return within PC_WAITER_SETTLE_MS. */
int pc_watch_interrupt(struct pc_waiter_watch *w);

#ifdef __cplusplus
}
#endif

#endif
