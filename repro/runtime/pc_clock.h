/* The clock every bounded wait of the runtime reads. */
#ifndef POLLCHECK_RUNTIME_PC_CLOCK_H
#define POLLCHECK_RUNTIME_PC_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in milliseconds. */
long long pc_now_ms(void);

#ifdef __cplusplus
}
#endif

#endif
