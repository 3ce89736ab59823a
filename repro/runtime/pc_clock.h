/* The clock every bounded wait of the runtime reads, and how those waits pause between looks. */
#ifndef POLLCHECK_RUNTIME_PC_CLOCK_H
#define POLLCHECK_RUNTIME_PC_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in milliseconds. */
long long pc_now_ms(void);

/* A pause between two looks of a bounded wait: short sleeps that grow to a cap. A sleep, not
 * sched_yield: on a loaded machine with few CPUs, yielding in a loop keeps the CPU from the very
 * thread that is waited for, while a sleep gives it up. Start each wait with pc_backoff_init. */
struct pc_backoff {
  long ns; /* the next sleep; 0 before the first */
};
void pc_backoff_init(struct pc_backoff *b);
/* Sleeps for the next step: 2 us, doubling up to 1 ms. The first sleep of a wait also sets the
 * calling thread's timer slack to 1 us (PR_SET_TIMERSLACK): at the default 50 us every short
 * sleep would last at least that long. */
void pc_backoff_sleep(struct pc_backoff *b);
/* The next step's length in nanoseconds, advancing to the one after, for a caller that waits
 * its own way (on a futex, say) for at most that long; the timer slack is set as above. */
long pc_backoff_next(struct pc_backoff *b);

#ifdef __cplusplus
}
#endif

#endif
