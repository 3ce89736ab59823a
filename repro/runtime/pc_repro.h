/* What only the C reproducer has, beside the runtime it shares with the executor: the state of
 * the step being checked, the checks that compare it with what pollcheck's oracle predicted or
 * the trace pinned, the one-line report of a mismatch, and the calls of the plain ops. Never
 * linked into the harness (CMakeLists.txt leaves pc_repro_*.c out of the runtime library). */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_H
#define POLLCHECK_RUNTIME_PC_REPRO_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
/* One CQE a reap took; digest: of the bytes a read put in its buffer. */
struct cqe_obs {
  int32_t res;
  uint64_t user_data;
  uint32_t flags;
  uint64_t digest;
};

/* One event epoll_wait returned. */
struct event {
  uint32_t events;
  uint64_t data;
};

/* What one step returned, field by field (pollcheck's Observation). */
struct obs {
  long long ret;            /* the call's return value (-1 on failure); fill: bytes written */
  int err;                  /* errno when ret == -1; fill: the errno that ended it (0: a cap) */
  size_t nfds;              /* creators: the descriptors made (pipe: read end, write end) */
  int fds[2];
  uint64_t digest;          /* read: FNV-1a of the bytes read */
  unsigned writes;          /* fill: how many writes succeeded */
  size_t nevents;           /* epoll_wait: the events in the order returned */
  struct event *events;
  size_t nrevents;          /* poll: revents of each entry */
  unsigned short *revents;
  unsigned clobbered;       /* poll: entries whose events field came back changed */
  unsigned sq_entries;      /* uring_setup: the ring's sizes */
  unsigned cq_entries;
  size_t ncqes;             /* uring_reap: the CQEs taken, in CQ ring order */
  struct cqe_obs *cqes;
  size_t nset[3];           /* select: descriptors left set in rd, wr, ex (ascending) */
  int *set[3];
  long long tv_left_us;     /* select: what the kernel wrote back into the timeval */
  int early;                /* timed_wait: it returned 0 before its timeout elapsed */
};

/* The exit status of a step that did not settle within its bound (waiter threads, loopback
   traffic): the program cannot say whether the kernel matches, so it gives no verdict. */
#define EXIT_UNSETTLED 4
/* The exit status when this kernel lacks what the trace needs (a call, a feature, a settle
   signal): a skip. */
#define EXIT_SKIP 77

#define ORACLE 0 /* a value pollcheck's oracle predicts */
#define PINNED 1 /* a value the trace pins by hand */

extern int h[16];          /* the trace's slots h0..h15: a descriptor number, -1 when unbound */
extern struct obs o;       /* what the current step returned */
extern int cur_step;       /* the current step (1-based, numbered as in the trace) */
extern const char *cur_op; /* and its op line */

struct bit_name {
  unsigned bit;
  const char *name;
};


/* The names a reproducer prints, written into it by the emitter from pollcheck's own tables
 * (vocab), so that they are spelled as the trace format spells them. */
struct errno_entry {
  int err;
  const char *name;
};
extern const struct errno_entry errno_names[];
extern const size_t n_errno_names;
extern const struct bit_name epoll_bits[];
extern const size_t n_epoll_bits;
extern const struct bit_name poll_bits[];
extern const size_t n_poll_bits;

void begin_step(int step, const char *op);
void *xmalloc(size_t n);
void mismatch_begin(const char *field);
void mismatch_observed(int source, const char *field);
void mismatch_end(void);
const char *errno_name(int err);
int ints_equal(const int *a, size_t na, const int *b, size_t nb);
void print_ints(const int *v, size_t n);
void print_mask(unsigned bits, const struct bit_name *table, size_t n);

void check_ret(int source, long long expected);
void check_errno(int source, int expected);
void check_fds(int source, const int *expected, size_t n);
void check_digest(int source, uint64_t expected);
void check_writes(int source, unsigned expected);
void check_events(int source, const struct event *expected, size_t n);
void check_revents(int source, const unsigned short *expected, size_t n);
void check_clobbered(int source, unsigned expected);
void check_set(int source, int which, const int *expected, size_t n);
void check_tv(int source, long long expected);
void check_ring(int source, unsigned sq, unsigned cq);

void result(long long r);
void created(int *slot, int fd);
void created_pair(int *a, int *b, int r, const int fds[2]);
void need(const char *call);
const unsigned char *payload(uint32_t len, size_t step, uint64_t value);
void do_read(int fd, uint32_t len);
void do_recv(int fd, uint32_t len, int flags);
void do_fill(int fd, uint32_t len, size_t step, uint64_t value);
void do_epoll_wait(int epfd, int maxevents);
void do_poll(const struct pollfd *entries, size_t n, int over_limit);
#define NFDS_RELATIVE 1 /* nfds = the highest descriptor in the sets + 1 + value */
#define NFDS_ABSOLUTE 0 /* nfds = value */
void do_select(const int *rd, size_t nrd, const int *wr, size_t nwr, const int *ex, size_t nex,
               int relative, int value);
void setup(void);
void hold_descriptors(const int* fds, int n);

#endif
