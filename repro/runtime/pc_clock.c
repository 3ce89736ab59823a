#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_CLOCK
#include <sys/prctl.h>
#include <time.h>

#include "pc_clock.h"

#define PC_BACKOFF_FIRST_NS 2000L
#define PC_BACKOFF_CAP_NS 1000000L

long long pc_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pc_backoff_init(struct pc_backoff *b) { b->ns = 0; }

long pc_backoff_next(struct pc_backoff *b) {
  long ns;
  if (b->ns == 0) {
    prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
    b->ns = PC_BACKOFF_FIRST_NS;
  }
  ns = b->ns;
  b->ns = b->ns * 2 > PC_BACKOFF_CAP_NS ? PC_BACKOFF_CAP_NS : b->ns * 2;
  return ns;
}

void pc_backoff_sleep(struct pc_backoff *b) {
  struct timespec ts;
  ts.tv_sec = 0;
  ts.tv_nsec = pc_backoff_next(b);
  nanosleep(&ts, NULL);
}
#endif
