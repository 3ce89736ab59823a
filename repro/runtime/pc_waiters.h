/* Waiter threads: each blocks in one call (epoll_wait, poll or io_uring_enter) with no timeout.
 * They are watched through /proc (their state and the system call they sleep in), never by
 * sleeping for a while, and every wait for them is bounded by PC_WAITER_SETTLE_MS. The caller
 * owns the threads and their results; these functions start, watch and stop the calls. */
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

/* One waiter thread as the watcher sees it. The thread writes tid and done, the watcher go;
 * all three only through the functions below (atomically). */
struct pc_waiter_watch {
  int tid;                   /* the thread's id once it runs, 0 before */
  int go;                    /* set once its /proc files are open: only then its call */
  int done;                  /* set once its call returned */
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
