#include "repro/c_emitter_waiters.h"

#include <fmt/format.h>

#include "repro/c_literals.h"
#include "repro/runtime/pc_limits.h"

namespace pc {
namespace {

const char* api_macro(WaitApi api) {
  switch (api) {
    case WaitApi::Epoll: return "WAIT_EPOLL";
    case WaitApi::Poll: return "WAIT_POLL";
    case WaitApi::Uring: return "WAIT_URING";
  }
  return "WAIT_EPOLL";
}

}  // namespace

std::string c_waiter_helpers() {
  return fmt::format(R"C(
/* ---- waiter threads: each blocks in one call with no timeout. The program watches them
   through /proc (their state and the system call they sleep in), never by sleeping a while. */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#define WAIT_EPOLL 0
#define WAIT_POLL 1
#define WAIT_URING 2
#define WAITER_SETTLE_MS {settle} /* bound of every wait for the threads */
#define MAX_ALIVE {alive}
#define MAX_WAITERS 256
#define WAITER_UNUSED __attribute__((unused))

struct waiter {{
  int api, fd, maxevents;
  short events;
  volatile pid_t tid;
  volatile int go; /* set once its /proc files are open: only then its call */
  volatile int done;
  int reported, joined;
  long long ret;
  int err;
  size_t nev;
  struct event *ev;
  pthread_t thread;
  int status_fd, syscall_fd; /* its /proc files, kept open high (open_high) */
}};
static struct waiter waiters[MAX_WAITERS];
static int nwaiters;

/* A waiter that returned: its number and result (pollcheck's WaiterObs). */
struct woke {{
  unsigned waiter;
  long long ret;
  int err;
  size_t nev;
  const struct event *ev;
}};

static long long now_ms(void) {{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}}

static void *waiter_main(void *arg) {{
  struct waiter *w = arg;
  long n = -1;
  size_t i;
  w->tid = (pid_t)syscall(SYS_gettid);
  /* The program opens this thread's /proc files first: an open takes the lowest free number
     for a moment, and the call must not meet a /proc file under a descriptor it names. */
  while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE)) sched_yield();
  if (w->api == WAIT_EPOLL) {{
    size_t cap = w->maxevents > 0 ? (size_t)w->maxevents : 1;
    struct epoll_event *buf;
    if (cap > 1024) cap = 1024;
    buf = xmalloc(cap * sizeof *buf);
    w->ev = xmalloc(cap * sizeof *w->ev);
    n = syscall(SYS_epoll_wait, w->fd, buf, w->maxevents, -1);
    w->err = n < 0 ? errno : 0;
    for (i = 0; n > 0 && i < (size_t)n; ++i) {{
      w->ev[i].events = buf[i].events;
      w->ev[i].data = buf[i].data.u64;
    }}
    w->nev = n > 0 ? (size_t)n : 0;
    free(buf);
  }} else if (w->api == WAIT_POLL) {{
    struct pollfd p;
    p.fd = w->fd;
    p.events = w->events;
    p.revents = 0;
    w->ev = xmalloc(sizeof *w->ev);
    n = syscall(SYS_poll, &p, 1, -1);
    w->err = n < 0 ? errno : 0;
    if (n > 0) {{
      w->ev[0].events = (unsigned short)p.revents;
      w->ev[0].data = 0;
      w->nev = 1;
    }}
  }} else {{
    n = syscall(SYS_io_uring_enter, w->fd, 0, 1, 1u /* IORING_ENTER_GETEVENTS */, NULL, 0);
    w->err = n < 0 ? errno : 0;
  }}
  w->ret = n < 0 ? -1 : n;
  __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
  return NULL;
}}

static int is_done(const struct waiter *w) {{ return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE); }}

/* The thread's state letter, its context switches (a thread woken that slept again has a new
   count) and the system call it is in (-1: running). */
struct task_view {{
  char state;
  unsigned long long switches;
  long syscall;
}};

/* A /proc file of the thread, kept open high (open_high). */
static int open_task_file(pid_t tid, const char *name) {{
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/%s", (int)tid, name);
  return open_high(path);
}}

static size_t read_view(int fd, char *buf, size_t cap) {{
  ssize_t n = fd < 0 ? -1 : pread(fd, buf, cap - 1, 0);
  size_t len = n > 0 ? (size_t)n : 0;
  buf[len] = '\0';
  return len;
}}

static void view_task(const struct waiter *w, struct task_view *v) {{
  char buf[2048];
  const char *p;
  v->state = '?';
  v->switches = 0;
  v->syscall = -1;
  if (read_view(w->status_fd, buf, sizeof buf)) {{
    if ((p = strstr(buf, "State:\t")) != NULL) v->state = p[7];
    if ((p = strstr(buf, "\nvoluntary_ctxt_switches:")) != NULL) v->switches += strtoull(p + 25, NULL, 10);
    if ((p = strstr(buf, "nonvoluntary_ctxt_switches:")) != NULL) v->switches += strtoull(p + 27, NULL, 10);
  }}
  if (read_view(w->syscall_fd, buf, sizeof buf) && buf[0] >= '0' && buf[0] <= '9') v->syscall = strtol(buf, NULL, 10);
}}

static long wait_syscall(int api) {{
  return api == WAIT_EPOLL ? SYS_epoll_wait : api == WAIT_POLL ? SYS_poll : SYS_io_uring_enter;
}}

static void unsettled(void) {{
  printf("step %d: %s: expected every waiter thread asleep or returned within %d ms, observed "
         "threads still running\n", cur_step, cur_op, WAITER_SETTLE_MS);
  exit(1);
}}

/* Every waiter still in its call sleeps there, and nothing moved between two looks. */
static int look(struct task_view *views, int *done) {{
  int i, asleep = 1;
  for (i = 0; i < nwaiters; ++i) {{
    done[i] = is_done(&waiters[i]);
    memset(&views[i], 0, sizeof views[i]);
    if (done[i]) continue;
    view_task(&waiters[i], &views[i]);
    if (views[i].state != 'S' || views[i].syscall != wait_syscall(waiters[i].api)) asleep = 0;
  }}
  return asleep;
}}

static void waiters_settle(void) {{
  static struct task_view a[MAX_WAITERS], b[MAX_WAITERS];
  static int da[MAX_WAITERS], db[MAX_WAITERS];
  long long end = now_ms() + WAITER_SETTLE_MS;
  while (now_ms() < end) {{
    if (look(a, da) && look(b, db) && memcmp(a, b, sizeof a) == 0 && memcmp(da, db, sizeof da) == 0) return;
    sched_yield();
  }}
  unsettled();
}}

static int alive(void) {{
  int i, n = 0;
  for (i = 0; i < nwaiters; ++i) n += !is_done(&waiters[i]);
  return n;
}}

/* Starts n waiters one at a time, each asleep in its call (or returned) before the next. */
static WAITER_UNUSED void waiters_start(int api, int fd, unsigned n, int maxevents, short events) {{
  unsigned k;
  long long end;
  struct task_view v;
  int room = MAX_ALIVE - alive();
  if ((int)n > room) n = room > 0 ? (unsigned)room : 0u;  /* as many as fit when the op begins */
  o.ret = 0;
  for (k = 0; k < n && nwaiters < MAX_WAITERS; ++k) {{
    struct waiter *w = &waiters[nwaiters++];
    memset(w, 0, sizeof *w);
    w->status_fd = w->syscall_fd = -1;
    w->api = api;
    w->fd = fd;
    w->maxevents = maxevents;
    w->events = events;
    if (pthread_create(&w->thread, NULL, waiter_main, w) != 0) {{
      printf("step %d: %s: pthread_create failed\n", cur_step, cur_op);
      exit(2);
    }}
    ++o.ret;
    for (end = now_ms() + WAITER_SETTLE_MS;; sched_yield()) {{
      if (now_ms() >= end) unsettled();
      if (is_done(w)) break;
      if (w->tid == 0) continue;
      if (!w->go) {{
        w->status_fd = open_task_file(w->tid, "status");
        w->syscall_fd = open_task_file(w->tid, "syscall");
        __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
      }}
      view_task(w, &v);
      if (v.state == 'S' && v.syscall == wait_syscall(api)) break;
    }}
    waiters_settle();
  }}
}}

static void on_interrupt(int sig) {{ (void)sig; }}

/* Interrupts every waiter still blocked, in number order (a handler that returns, no
   SA_RESTART), then joins every thread. */
static WAITER_UNUSED void waiters_join(void) {{
  static int installed;
  int i;
  long long end, next;
  if (!installed) {{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN + 4, &sa, NULL);
    installed = 1;
  }}
  for (i = 0; i < nwaiters; ++i) {{
    if (is_done(&waiters[i])) continue;
    __atomic_store_n(&waiters[i].go, 1, __ATOMIC_RELEASE);
    for (end = now_ms() + WAITER_SETTLE_MS, next = 0; !is_done(&waiters[i]); sched_yield()) {{
      if (now_ms() >= end) unsettled();
      if (now_ms() >= next) {{
        syscall(SYS_tgkill, getpid(), waiters[i].tid, SIGRTMIN + 4);
        next = now_ms() + 5;
      }}
    }}
    waiters_settle();
  }}
  for (i = 0; i < nwaiters; ++i)
    if (!waiters[i].joined) {{
      pthread_join(waiters[i].thread, NULL);
      waiters[i].joined = 1;
    }}
}}

/* Whether the waiters that returned since the last woke_seen() are exactly these. */
static int woke_is(const struct woke *exp, size_t n) {{
  size_t k = 0, e;
  int i;
  for (i = 0; i < nwaiters; ++i) {{
    const struct waiter *w = &waiters[i];
    if (w->reported || !is_done(w)) continue;
    if (k == n || exp[k].waiter != (unsigned)i || exp[k].ret != w->ret || exp[k].err != w->err ||
        exp[k].nev != w->nev)
      return 0;
    for (e = 0; e < w->nev; ++e)
      if (exp[k].ev[e].events != w->ev[e].events || exp[k].ev[e].data != w->ev[e].data) return 0;
    ++k;
  }}
  return k == n;
}}

static void print_woke_entry(unsigned waiter, long long ret, int err, const struct event *ev, size_t nev) {{
  size_t e;
  printf("%u:%lld", waiter, ret);
  if (ret == -1) printf(" %s", errno_name(err));
  for (e = 0; e < nev; ++e) printf("%s%#x/%llu", e ? "+" : ":", ev[e].events, (unsigned long long)ev[e].data);
}}

/* The threads ran in an order the oracle admits but not the first one, which the checks of
   the later steps assume: the program runs again from the start, up to 100 times. */
static void rerun_for_order(void) {{
  const char *s = getenv("POLLCHECK_REPRO_RUNS");
  int runs = s ? atoi(s) : 0;
  char buf[16];
  if (runs >= 100) {{
    printf("step %d: %s: the waiter threads took another admitted order in 100 runs in a row; "
           "the later checks assume the first\n", cur_step, cur_op);
    exit(2);
  }}
  snprintf(buf, sizeof buf, "%d", runs + 1);
  setenv("POLLCHECK_REPRO_RUNS", buf, 1);
  fflush(stdout);
  execl("/proc/self/exe", "repro", (char *)NULL);
  printf("step %d: %s: cannot run the program again: %s\n", cur_step, cur_op, strerror(errno));
  exit(2);
}}

/* Any one of the admitted lists may match. */
static WAITER_UNUSED void check_woke(int source, size_t nalts, const struct woke *const *alts, const size_t *counts) {{
  size_t a, k;
  int i, first = 1;
  if (woke_is(alts[0], counts[0])) return;
  for (a = 1; a < nalts; ++a)
    if (woke_is(alts[a], counts[a])) {{
      if (source == ORACLE) rerun_for_order();
      return;
    }}
  mismatch_begin("woke");
  printf("[");
  for (k = 0; k < counts[0]; ++k) {{
    printf("%s", k ? ", " : "");
    print_woke_entry(alts[0][k].waiter, alts[0][k].ret, alts[0][k].err, alts[0][k].ev, alts[0][k].nev);
  }}
  printf("]%s", nalts > 1 ? " (or another admitted order)" : "");
  mismatch_observed(source, "woke");
  printf("[");
  for (i = 0; i < nwaiters; ++i) {{
    const struct waiter *w = &waiters[i];
    if (w->reported || !is_done(w)) continue;
    printf("%s", first ? "" : ", ");
    print_woke_entry((unsigned)i, w->ret, w->err, w->ev, w->nev);
    first = 0;
  }}
  printf("]");
  mismatch_end();
}}

static WAITER_UNUSED void woke_seen(void) {{
  int i;
  for (i = 0; i < nwaiters; ++i)
    if (is_done(&waiters[i]) && !waiters[i].reported) {{
      waiters[i].reported = 1;
      if (waiters[i].status_fd >= 0) close(waiters[i].status_fd);
      if (waiters[i].syscall_fd >= 0) close(waiters[i].syscall_fd);
      waiters[i].status_fd = waiters[i].syscall_fd = -1;
    }}
}}

/* One wait with a timespec timeout, in this thread; o.early: it returned 0 (io_uring: ETIME)
   before the timeout had elapsed. */
struct kernel_timespec {{
  int64_t tv_sec;
  long long tv_nsec;
}};
struct getevents_arg {{
  uint64_t sigmask;
  uint32_t sigmask_sz;
  uint32_t pad;
  uint64_t ts;
}};

static WAITER_UNUSED void timed_wait(int api, int fd, unsigned ms, short events) {{
  struct timespec ts, t0, t1;
  long long elapsed_ns;
  long r;
  int timed_out;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (api == WAIT_EPOLL) {{
    struct epoll_event buf[{max_events}];
    size_t i;
    /* Once the program has used io_uring, its task work can fail the call with EINTR though
       no signal came (pollcheck's rule X-EINTR-NOTIFY admits that): such a call is made again. */
    int tries = 0;
    do {{
      clock_gettime(CLOCK_MONOTONIC, &t0);
      r = syscall(SYS_epoll_pwait2, fd, buf, {max_events}, &ts, NULL, 0);
    }} while (r < 0 && errno == EINTR && ++tries < 100);
    o.err = r < 0 ? errno : 0;
    if (r > 0) {{
      o.events = xmalloc((size_t)r * sizeof *o.events);
      for (i = 0; i < (size_t)r; ++i) {{
        o.events[i].events = buf[i].events;
        o.events[i].data = buf[i].data.u64;
      }}
      o.nevents = (size_t)r;
    }}
  }} else if (api == WAIT_POLL) {{
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = ppoll(&p, 1, &ts, NULL);
    o.err = r < 0 ? errno : 0;
    if (r >= 0) {{
      o.revents = xmalloc(sizeof *o.revents);
      o.revents[0] = (unsigned short)p.revents;
      o.nrevents = 1;
    }}
  }} else {{
    struct kernel_timespec kts;
    struct getevents_arg arg;
    kts.tv_sec = ts.tv_sec;
    kts.tv_nsec = ts.tv_nsec;
    memset(&arg, 0, sizeof arg);
    arg.ts = (uint64_t)(uintptr_t)&kts;
    r = syscall(SYS_io_uring_enter, fd, 0, 1, 1u | 8u /* GETEVENTS | EXT_ARG */, &arg, sizeof arg);
    o.err = r < 0 ? errno : 0;
  }}
  clock_gettime(CLOCK_MONOTONIC, &t1);
  o.ret = r < 0 ? -1 : r;
  elapsed_ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  timed_out = api == WAIT_URING ? (r < 0 && o.err == ETIME) : r == 0;
  o.early = timed_out && elapsed_ns < (long long)ms * 1000000LL;
}}

static WAITER_UNUSED void check_early(int source, int expected) {{
  if (o.early == expected) return;
  mismatch_begin("returned-before-timeout");
  printf("%s", expected ? "yes" : "no");
  mismatch_observed(source, "returned-before-timeout");
  printf("%s", o.early ? "yes" : "no");
  mismatch_end();
}}
)C",
                     fmt::arg("settle", PC_WAITER_SETTLE_MS), fmt::arg("alive", kMaxWaiters),
                     fmt::arg("max_events", kTimedWaitMaxEvents));
}

std::string c_waiters_call(const Waiters& op, const std::string& fd) {
  return fmt::format("waiters_start({}, {}, {}u, {}, {});\n", api_macro(op.api), fd, op.n,
                     c_i32(op.maxevents), c_poll_mask(op.events.bits));
}

std::string c_timed_wait_call(const TimedWait& op, const std::string& fd) {
  return fmt::format("timed_wait({}, {}, {}u, {});\n", api_macro(op.api), fd,
                     std::min(op.ms, kTimedWaitMaxMs), c_poll_mask(op.events.bits));
}

std::string c_woke_check(const std::vector<std::vector<WaiterObs>>& admitted, const char* source) {
  std::string arrays, names, counts;
  for (std::size_t a = 0; a < admitted.size(); ++a) {
    const std::vector<WaiterObs>& list = admitted[a];
    std::string elems;
    for (const WaiterObs& w : list) {
      std::string evs = "NULL";
      if (!w.events.empty()) {
        evs = "(const struct event[]){";
        for (std::size_t k = 0; k < w.events.size(); ++k)
          evs += fmt::format("{}{{{}, {}}}", k ? ", " : "", c_epoll_mask(w.events[k].events),
                             c_u64(w.events[k].data));
        evs += "}";
      }
      elems += fmt::format("{}{{{}u, {}, {}, {}, {}}}", elems.empty() ? "" : ", ", w.waiter,
                           c_i64(w.ret), c_errno(w.err), w.events.size(), evs);
    }
    if (list.empty()) {
      names += fmt::format("{}NULL", a ? ", " : "");
    } else {
      arrays += fmt::format("const struct woke w{}[] = {{{}}};\n", a, elems);
      names += fmt::format("{}w{}", a ? ", " : "", a);
    }
    counts += fmt::format("{}{}", a ? ", " : "", list.size());
  }
  return fmt::format("{{\n{}check_woke({}, {}, (const struct woke *const[]){{{}}}, (const size_t[]){{{}}});\n}}\n",
                     arrays, source, admitted.size(), names, counts);
}

}  // namespace pc
