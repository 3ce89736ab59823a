#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_repro.h"

int h[16];
struct obs o;
int cur_step;
const char *cur_op;

void begin_step(int step, const char *op) {
  int i;
  free(o.events);
  free(o.revents);
  for (i = 0; i < 3; ++i) free(o.set[i]);
  free(o.cqes);
  memset(&o, 0, sizeof o);
  cur_step = step;
  cur_op = op;
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    printf("step %d: %s: out of memory (%zu bytes)\n", cur_step, cur_op, n);
    exit(2);
  }
  return p;
}

/* A mismatch ends the program with one line:
   "step N: <op>: expected <field>=<value>, observed <field>=<value>". */
void mismatch_begin(const char *field) {
  printf("step %d: %s: expected %s=", cur_step, cur_op, field);
}

void mismatch_observed(int source, const char *field) {
  printf("%s, observed %s=", source == PINNED ? " (pinned)" : "", field);
}

void mismatch_end(void) {
  printf("\n");
  exit(1);
}

const char *errno_name(int err) {
  static char other[16];
  size_t i;
  if (err == 0) return "0";
  for (i = 0; i < n_errno_names; ++i)
    if (errno_names[i].err == err) return errno_names[i].name;
  snprintf(other, sizeof other, "E%d", err);
  return other;
}

int ints_equal(const int *a, size_t na, const int *b, size_t nb) {
  size_t i;
  if (na != nb) return 0;
  for (i = 0; i < na; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

void print_ints(const int *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) printf("%s%d", i ? "," : "", v[i]);
  printf("]");
}
/* "IN|OUT"; "0" for no bits; bits without a name last, as one hex number. */
void print_mask(unsigned bits, const struct bit_name *table, size_t n) {
  size_t i;
  int any = 0;
  if (bits == 0) {
    printf("0");
    return;
  }
  for (i = 0; i < n; ++i) {
    if (!(bits & table[i].bit)) continue;
    printf("%s%s", any ? "|" : "", table[i].name);
    any = 1;
    bits &= ~table[i].bit;
  }
  if (bits) printf("%s0x%x", any ? "|" : "", bits);
}

void check_ret(int source, long long expected) {
  if (o.ret == expected) return;
  mismatch_begin("ret");
  printf("%lld", expected);
  mismatch_observed(source, "ret");
  printf("%lld", o.ret);
  if (o.err != 0) printf(" (errno %s)", errno_name(o.err));
  mismatch_end();
}

void check_errno(int source, int expected) {
  if (o.err == expected) return;
  mismatch_begin("errno");
  printf("%s", errno_name(expected));
  mismatch_observed(source, "errno");
  printf("%s", errno_name(o.err));
  mismatch_end();
}

void check_fds(int source, const int *expected, size_t n) {
  if (ints_equal(o.fds, o.nfds, expected, n)) return;
  mismatch_begin("fds");
  print_ints(expected, n);
  mismatch_observed(source, "fds");
  print_ints(o.fds, o.nfds);
  mismatch_end();
}

void check_digest(int source, uint64_t expected) {
  if (o.digest == expected) return;
  mismatch_begin("digest");
  printf("0x%016llx", (unsigned long long)expected);
  mismatch_observed(source, "digest");
  printf("0x%016llx", (unsigned long long)o.digest);
  mismatch_end();
}

void check_writes(int source, unsigned expected) {
  if (o.writes == expected) return;
  mismatch_begin("writes");
  printf("%u", expected);
  mismatch_observed(source, "writes");
  printf("%u", o.writes);
  mismatch_end();
}

static void print_events(const struct event *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) {
    printf("%s", i ? ", " : "");
    print_mask(v[i].events, epoll_bits, n_epoll_bits);
    printf(" data=%llu", (unsigned long long)v[i].data);
  }
  printf("]");
}

/* The events epoll_wait returned, in order, each with its mask and data. */
void check_events(int source, const struct event *expected, size_t n) {
  size_t i;
  int same = o.nevents == n;
  for (i = 0; same && i < n; ++i)
    same = o.events[i].events == expected[i].events && o.events[i].data == expected[i].data;
  if (same) return;
  mismatch_begin("events");
  print_events(expected, n);
  mismatch_observed(source, "events");
  print_events(o.events, o.nevents);
  mismatch_end();
}

static void print_revents(const unsigned short *v, size_t n) {
  size_t i;
  printf("[");
  for (i = 0; i < n; ++i) {
    printf("%s", i ? ", " : "");
    print_mask(v[i], poll_bits, n_poll_bits);
  }
  printf("]");
}

/* The revents of each entry the trace gave (padding entries are not reported). */
void check_revents(int source, const unsigned short *expected, size_t n) {
  size_t i;
  int same = o.nrevents == n;
  for (i = 0; same && i < n; ++i) same = o.revents[i] == expected[i];
  if (same) return;
  mismatch_begin("revents");
  print_revents(expected, n);
  mismatch_observed(source, "revents");
  print_revents(o.revents, o.nrevents);
  mismatch_end();
}

/* poll must leave every events field as given. */
void check_clobbered(int source, unsigned expected) {
  if (o.clobbered == expected) return;
  mismatch_begin("clobbered");
  printf("%u", expected);
  mismatch_observed(source, "clobbered");
  printf("%u", o.clobbered);
  mismatch_end();
}

/* One select result set (0: rd, 1: wr, 2: ex): every bit left set, ascending. */
void check_set(int source, int which, const int *expected, size_t n) {
  static const char *const names[3] = {"rd", "wr", "ex"};
  if (ints_equal(o.set[which], o.nset[which], expected, n)) return;
  mismatch_begin(names[which]);
  print_ints(expected, n);
  mismatch_observed(source, names[which]);
  print_ints(o.set[which], o.nset[which]);
  mismatch_end();
}

/* The timeout select left in its timeval, in microseconds. */
void check_tv(int source, long long expected) {
  if (o.tv_left_us == expected) return;
  mismatch_begin("tv");
  printf("%lld", expected);
  mismatch_observed(source, "tv");
  printf("%lld", o.tv_left_us);
  mismatch_end();
}

void check_ring(int source, unsigned sq, unsigned cq) {
  if (o.sq_entries == sq && o.cq_entries == cq) return;
  mismatch_begin("ring sizes");
  printf("sq=%u cq=%u", sq, cq);
  mismatch_observed(source, "ring sizes");
  printf("sq=%u cq=%u", o.sq_entries, o.cq_entries);
  mismatch_end();
}
#endif
