// Settling, and what happens where it cannot be done: the settle signal probed at start-up
// (repro/runtime/pc_waiters.h), the judgement of what a probe saw, waiter threads left out with
// the reason where no sound signal is offered, the /proc/net probe of the loopback namespace
// (repro/runtime/pc_inet.h), and a step that does not settle, which is no divergence but a verdict
// of its own (harness/differ.h Verdict::Unsettled).
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <variant>

#include <gtest/gtest.h>

#include "tests/util/parse_or_fail.h"
#include "format/trace_format.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "kernel/loopback_net.h"
#include "kernel/waiter_pool.h"
#include "repro/runtime/pc_inet.h"
#include "repro/runtime/pc_netns.h"
#include "repro/runtime/pc_waiters.h"
#include "tests/util/forwarding_params.h"
#include "tests/util/sandbox.h"

namespace pc {
namespace {



std::string judge(const pc_settle_seen& seen, int* method) {
  char why[512];
  *method = pc_settle_judge(&seen, why, sizeof why);
  return why;
}

TEST(SettleProbe, ThisKernelOffersTheProcSignal) {
  char why[512];
  pc_settle_seen seen{};
  EXPECT_EQ(pc_waiters_probe(why, sizeof why, &seen), PC_SETTLE_PROC) << why;
  EXPECT_TRUE(seen.state && seen.syscall_file && seen.syscall_named && seen.counted);
  EXPECT_TRUE(seen.asleep) << "S read while the thread's in_call flag was set";
  EXPECT_FALSE(seen.lagged) << "no longer asleep in poll once the waking write returned";
  EXPECT_TRUE(seen.moved) << "the run count moved once the woken thread slept again";
  EXPECT_TRUE(seen.returned);
  EXPECT_EQ(waiter_settle_unavailable(), "");
}

// What gVisor offers: a state (S while blocked), no syscall file, no run count.
TEST(SettleProbe, StateAloneLeavesWaitersOutAndSaysWhatItCannotTellApart) {
  pc_settle_seen seen{};
  seen.state = seen.asleep = seen.returned = 1;
  int method = -1;
  const std::string why = judge(seen, &method);
  EXPECT_EQ(method, PC_SETTLE_NONE);
  EXPECT_EQ(why,
            "/proc/self/task/TID/syscall is missing, neither schedstat nor status has a run count: state S alone "
            "cannot tell a woken thread that has not run yet from one still asleep, nor show one that "
            "was woken and went back to sleep");
}

TEST(SettleProbe, EveryMissingPartIsNamed) {
  pc_settle_seen seen{};
  seen.state = seen.syscall_file = seen.syscall_named = seen.asleep = seen.returned = 1;
  int method = -1;
  EXPECT_EQ(judge(seen, &method).rfind("neither schedstat nor status has a run count: state S alone", 0), 0u);
  EXPECT_EQ(method, PC_SETTLE_NONE);
  seen.counted = 1;
  seen.syscall_named = 0;
  EXPECT_EQ(judge(seen, &method).rfind("/proc/self/task/TID/syscall does not name the call", 0), 0u);
  seen.syscall_named = 1;
  EXPECT_EQ(judge(seen, &method), "the run count did not move for a thread woken that slept again");
  EXPECT_EQ(method, PC_SETTLE_NONE);
  seen.moved = 1;
  EXPECT_EQ(judge(seen, &method), "");
  EXPECT_EQ(method, PC_SETTLE_PROC);
  seen.returned = 0;
  EXPECT_EQ(judge(seen, &method), "a thread blocked in poll did not return when woken and signalled");
  EXPECT_EQ(method, PC_SETTLE_NONE);
}

// An implementation whose /proc says it all but whose state lags the wakeup: no double look
// sees past that, so the signal is refused.
TEST(SettleProbe, AStateThatLagsTheWakeupIsRefused) {
  pc_settle_seen seen{};
  seen.state = seen.syscall_file = seen.syscall_named = seen.counted = seen.asleep = seen.returned = 1;
  seen.moved = seen.lagged = 1;
  int method = -1;
  EXPECT_EQ(judge(seen, &method),
            "a thread still read asleep in poll after the write that woke it had returned");
  EXPECT_EQ(method, PC_SETTLE_NONE);
}

TEST(SettleProbe, WithoutProcItSaysSo) {
  const int rc = in_child([] {
    if (!hide_proc()) return kNoSandbox;
    char why[512];
    if (pc_waiters_probe(why, sizeof why, nullptr) != PC_SETTLE_NONE) return 1;
    return std::string(why).rfind("/proc/self/task/TID/stat cannot be read", 0) == 0 ? 0 : 2;
  });
  if (rc == kNoSandbox) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(rc, 0) << "1: the probe found a signal without /proc, 2: it did not name stat";
}

// A thread that never gets to its call neither starts nor settles: both bounded waits give up.
TEST(SettleProbe, AThreadThatNeverSleepsDoesNotSettle) {
  pc_waiter_watch w;
  pc_watch_init(&w, PC_WAIT_POLL);
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    pc_waiter_begin(&w);
    while (!stop.load()) {
    }
    pc_waiter_end(&w);
  });
  EXPECT_EQ(pc_watch_started(&w), 0);
  pc_waiter_watch* ws[] = {&w};
  pc_task_look scratch[1];
  EXPECT_EQ(pc_waiters_settle(ws, 1, scratch), 0);
  stop = true;
  spinner.join();
  EXPECT_EQ(pc_waiters_settle(ws, 1, scratch), 1) << "a returned thread is settled";
  pc_watch_close(&w);
}

// The settle's one promise, many times over: once a write has woken a thread blocked in
// epoll_wait, no settle ends before that thread has returned (a look that took the syscall file's
// "asleep in the call" for a thread still TASK_WAKING, or skipped the state, failed this).
TEST(SettleProbe, AWokenThreadIsNeverSettledBeforeItReturns) {
  if (!waiter_settle_unavailable().empty()) GTEST_SKIP() << waiter_settle_unavailable();
  int early = 0, unsettled = 0;
  for (int i = 0; i < 300; ++i) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    ASSERT_GE(ep, 0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ASSERT_EQ(::epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    pc_waiter_watch w;
    pc_watch_init(&w, PC_WAIT_EPOLL);
    std::thread waiter([&] {
      epoll_event out[1];
      short revents = 0;
      pc_waiter_begin(&w);
      pc_waiter_call(&w, ep, 1, 0, out, &revents);
      pc_waiter_end(&w);
    });
    pc_waiter_watch* ws[] = {&w};
    pc_task_look scratch[1];
    if (!pc_watch_started(&w) || !pc_waiters_settle(ws, 1, scratch)) ++unsettled;
    ASSERT_EQ(::write(p[1], "x", 1), 1);
    if (!pc_waiters_settle(ws, 1, scratch)) ++unsettled;
    if (!pc_watch_done(&w)) ++early;
    waiter.join();
    pc_watch_close(&w);
    ::close(ep);
    ::close(p[0]);
    ::close(p[1]);
  }
  EXPECT_EQ(early, 0) << "settled while the woken thread had not returned";
  EXPECT_EQ(unsettled, 0);
}

// A source that measures like the kernel but offers no settle signal for waiter threads.
class NoWaiterSettle final : public ForwardingParams {
 public:
  NoWaiterSettle() : ForwardingParams(k_) {}
  std::string waiters_unavailable() override { return "no settle signal (test)"; }

 private:
  KernelParams k_;
};


// kernel selftest epoll10, pinned as a run with waiters gives it.
constexpr std::string_view kWaitersTrace = R"(pollcheck-trace 1
profile linux
socketpair type=stream a=h0 b=h1
  => ret=0
epoll_create size=1 out=h2
  => ret=0
epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=0
  => ret=0
waiters api=epoll fd=h2 n=2 maxevents=1 events=0
  => ret=2
write fd=h1 len=1 value=0
  => ret=1 woke=[1:1@IN:0]
join
  => ret=0 woke=[0:-1:EINTR]
)";

// Left out, waiters are a missing feature: the trace stops there with the skip verdict and the
// reason (replay exits 77), never a divergence of a pin it recorded with waiters (woke=...).
TEST(WaitersLeftOut, ATraceThatStartsThemIsSkippedWithTheReason) {
  NoWaiterSettle source;
  LearnedParams params(source);
  const TraceResult r = run_trace(parse_or_fail(kWaitersTrace), params);
  EXPECT_EQ(r.verdict, Verdict::Skip) << verdict_name(r.verdict) << ": " << r.message
                                      << (r.divergence ? describe_divergence(*r.divergence) : "");
  EXPECT_EQ(r.steps_run, 3u);
  EXPECT_EQ(r.missing, "waiter threads left out: no settle signal (test)");
  EXPECT_EQ(r.message.rfind("step 4: waiters api=epoll fd=h2 n=2", 0), 0u) << r.message;
}

TEST(InetProbe, ThisNamespaceServesTheSettle) {
  if (!loopback_netns_unavailable().empty()) GTEST_SKIP() << loopback_netns_unavailable();
  char why[256] = "";
  EXPECT_EQ(pc_inet_probe(why, sizeof why), 0) << why;
}

TEST(InetProbe, WithoutProcNetTcpAndUdpAreLeftOut) {
  if (!loopback_netns_unavailable().empty()) GTEST_SKIP() << loopback_netns_unavailable();
  const int rc = in_child([] {
    if (!hide_proc()) return kNoSandbox;
    char why[256] = "";
    if (pc_inet_probe(why, sizeof why) == 0) return 1;
    return std::string(why) == "/proc/net/tcp does not list this namespace's TCP sockets by inode" ? 0 : 2;
  });
  if (rc == kNoSandbox) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(rc, 0) << "1: the probe passed without /proc, 2: another reason";
}

bool set_lo_up(bool up) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool ok = s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
  if (ok) {
    ifr.ifr_flags = static_cast<short>(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
    ok = ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
  }
  if (s >= 0) ::close(s);
  return ok;
}

// Data sent over a loopback that went down is never acknowledged: the step cannot settle. That
// is the unsettled verdict, with the step and what was still moving, and no divergence.
TEST(Unsettled, AStepThatDoesNotSettleIsNoDivergence) {
  if (!loopback_netns_unavailable().empty()) GTEST_SKIP() << loopback_netns_unavailable();
  const int rc = in_child([] {
    const char* failed = "";
    if (pc_enter_loopback_netns(&failed) != 0) return kNoSandbox;  // a namespace of its own
    KernelParams source;
    LearnedParams params(source);
    const Trace trace = parse_or_fail(
        "pollcheck-trace 1\nprofile linux\nsocketpair type=tcp a=h0 b=h1\nwrite fd=h0 len=5 value=0\n"
        "read fd=h1 len=5\n");
    bool down = false;
    const TraceResult r = run_trace(trace, params, nullptr, [&](std::size_t step, const Op&, const Expectation&,
                                                                const Observation&) {
      if (step == 1) down = set_lo_up(false);
    });
    if (!down) return 1;
    if (r.verdict != Verdict::Unsettled) return 2;
    if (r.divergence) return 3;
    if (r.steps_run != 2) return 4;
    if (r.message != "step 2: write fd=h0 len=5 value=0: loopback traffic still moving after the "
                     "executor's bounded wait")
      return 5;
    return verdict_name(r.verdict) == "unsettled" ? 0 : 6;
  });
  if (rc == kNoSandbox) GTEST_SKIP() << "no network namespace of its own here";
  EXPECT_EQ(rc, 0) << "1: lo could not be brought down, 2: another verdict, 3: a divergence, 4: steps, "
                      "5: message, 6: name";
}

}  // namespace
}  // namespace pc
