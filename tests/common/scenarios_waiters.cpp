// Threads blocked in epoll_wait, poll and io_uring_enter, signals and timeouts: epoll(7) and
// epoll_ctl(2) (EPOLLEXCLUSIVE), poll(2), signal(7), and fs/eventpoll.c ep_poll, ep_done_scan,
// ep_poll_callback. Waiters are numbered from 0 in the order the trace starts them; every
// expected text ends with the waiters that returned during that step. The kernel selftest's
// threaded cases are regression traces (corpus/regress/kselftest-epoll9, 10, 34, 53..58, 64).
#include "tests/common/scenarios.h"

namespace pc {

void add_waiter_scenarios(std::vector<Scenario>& v) {
  // One level-triggered event wakes every thread blocked on the instance: each that takes it
  // puts the entry back and wakes the next (ep_done_scan). An edge-triggered one wakes one,
  // the thread that blocked last (the wait queue is LIFO); a signal ends the rest with EINTR.
  v.push_back(make_scenario("waiters_lt_all_et_one", {"EP-WAKE-ONE", "EP-WAKE-LT", "X-EINTR"},
                            "kselftest epoll9, epoll10; fs/eventpoll.c ep_poll, ep_done_scan", R"(
    socketpair type=stream a=h0 b=h1                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7                => ret=0
    waiters api=epoll fd=h2 n=3 maxevents=1 events=0               => ret=3
    write fd=h1 len=1 value=0                                      => ret=1 woke=[0:1:IN/7, 1:1:IN/7, 2:1:IN/7]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_ctl epfd=h3 op=add fd=h0 events=IN|ET data=8             => ret=0
    epoll_wait epfd=h3 maxevents=1                                 => ret=1 [IN data=8]
    waiters api=epoll fd=h3 n=3 maxevents=1 events=0               => ret=3
    write fd=h1 len=1 value=0                                      => ret=1 woke=[5:1:IN/8]
    write fd=h1 len=1 value=0                                      => ret=1 woke=[4:1:IN/8]
    join                                                           => ret=0 woke=[3:-1 EINTR]
  )"));

  // An EPOLL_CTL_ADD of a ready descriptor wakes a thread blocked on the instance; so does a
  // MOD that re-arms a ready ONESHOT entry.
  v.push_back(make_scenario("waiters_ctl_wakes", {"EP-WAKE-CTL", "EP-ONESHOT"},
                            "epoll_ctl(2); fs/eventpoll.c ep_insert, ep_modify", R"(
    eventfd semaphore=false out=h0                                 => fds=[3]
    write fd=h0 len=8 value=1                                      => ret=8
    epoll_create1 flags=0 out=h1                                   => fds=[4]
    waiters api=epoll fd=h1 n=2 maxevents=4 events=0               => ret=2
    epoll_ctl epfd=h1 op=add fd=h0 events=IN|ONESHOT data=5        => ret=0 woke=[1:1:IN/5]
    epoll_ctl epfd=h1 op=mod fd=h0 events=IN|ONESHOT data=6        => ret=0 woke=[0:1:IN/6]
    join                                                           => ret=0
  )"));

  // EPOLLEXCLUSIVE on three instances watching one pipe, a thread blocked on each: a write
  // wakes the oldest exclusive entry whose instance has a thread to wake, and the walk stops
  // there. The level-triggered entries it passed by were never queued, so epoll_wait on such
  // an instance reports nothing although the pipe holds data.
  v.push_back(make_scenario("waiters_exclusive_herd", {"EP-EXCLUSIVE", "EP-WAKE-ONE"},
                            "LTP epoll_wait16; epoll_ctl(2) EPOLLEXCLUSIVE; fs/eventpoll.c ep_poll_callback", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_create1 flags=0 out=h4                                   => fds=[7]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|EXCLUSIVE data=2      => ret=0
    epoll_ctl epfd=h3 op=add fd=h0 events=IN|EXCLUSIVE data=3      => ret=0
    epoll_ctl epfd=h4 op=add fd=h0 events=IN|EXCLUSIVE data=4      => ret=0
    waiters api=epoll fd=h2 n=1 maxevents=1 events=0               => ret=1
    waiters api=epoll fd=h3 n=1 maxevents=1 events=0               => ret=1
    waiters api=epoll fd=h4 n=1 maxevents=1 events=0               => ret=1
    write fd=h1 len=1 value=0                                      => ret=1 woke=[0:1:IN/2]
    epoll_wait epfd=h4 maxevents=1                                 => ret=0 []
    write fd=h1 len=1 value=0                                      => ret=1 woke=[1:1:IN/3]
    join                                                           => ret=0 woke=[2:-1 EINTR]
  )"));

  // Threads blocked in poll are all woken by a write and return their revents. A poll thread
  // holds the file it polls: closing the descriptor neither wakes it nor releases the pipe's
  // read end (a write still succeeds); the next wakeup makes it look the descriptor up again,
  // find it closed (POLLNVAL), and let go of the file.
  v.push_back(make_scenario("waiters_poll_and_hold", {"PO-WAKE", "X-WAIT-HOLD"},
                            "poll(2); fs/select.c do_poll, __pollwait, pollwake", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    waiters api=poll fd=h0 n=2 maxevents=1 events=IN               => ret=2
    write fd=h1 len=5 value=0                                      => ret=5 woke=[0:1:IN, 1:1:IN]
    read fd=h0 len=5                                               => ret=5 {bytes 3 5}
    waiters api=poll fd=h0 n=1 maxevents=1 events=IN               => ret=1
    close fd=h0                                                    => ret=0
    write fd=h1 len=1 value=0                                      => ret=1 woke=[2:1:0x20]
    write fd=h1 len=1 value=0                                      => -1 EPIPE
    join                                                           => ret=0
  )"));

  // io_uring_enter(GETEVENTS, min_complete 1) from other threads: every one of them returns
  // once a CQE is posted, and at once while one is unreaped; a signal gives EINTR.
  v.push_back(make_scenario("waiters_uring", {"UR-WAIT", "X-EINTR"},
                            "io_uring_enter(2) IORING_ENTER_GETEVENTS; io_uring/wait.c io_cqring_wait", R"(
    uring_setup entries=4 flags=0 cq_entries=0 out=h0              => fds=[3] sq=4 cq=8
    waiters api=uring fd=h0 n=2 maxevents=1 events=0               => ret=2
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=7 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h0                                           => ret=1 woke=[0:0, 1:0]
    waiters api=uring fd=h0 n=1 maxevents=1 events=0               => ret=1 woke=[2:0]
    uring_reap ring=h0 wait=0                                      => ret=1 [0:7]
    waiters api=uring fd=h0 n=1 maxevents=1 events=0               => ret=1
    timed_wait api=uring fd=h0 us=2000 events=0                    => -1 ETIME
    join                                                           => ret=0 woke=[3:-1 EINTR]
  )"));

  // kselftest epoll34: one thread blocked on an inner edge-triggered instance, one on the outer
  // instance watching it. A write wakes both; if the inner one runs first it takes the edge and
  // the outer one finds the inner instance empty and sleeps on, else both return. Either is
  // right, so the step names no outcome (the oracle admits both).
  v.push_back(make_scenario("waiters_nested_race", {"EP-WAKE-ORDER", "EP-NEST-READY"},
                            "kselftest epoll34 (count 2 or 3)", R"(
    socketpair type=stream a=h0 b=h1                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_ctl epfd=h3 op=add fd=h0 events=IN|ET data=1             => ret=0
    epoll_ctl epfd=h2 op=add fd=h3 events=IN data=2                => ret=0
    waiters api=epoll fd=h3 n=1 maxevents=1 events=0               => ret=1
    waiters api=epoll fd=h2 n=1 maxevents=1 events=0               => ret=1
    write fd=h1 len=1 value=0
    join
  )"));

  // Once the process has used io_uring, a closed ring's exit work reaches the thread as task
  // work (TWA_SIGNAL) whenever it runs, and an epoll_pwait2 then in progress fails with EINTR
  // though no signal came; the step names no outcome (the oracle admits both).
  v.push_back(make_scenario("timed_wait_after_io_uring", {"X-EINTR-NOTIFY", "X-TIMEOUT"},
                            "liburing issue 504; kernel/task_work.c TWA_SIGNAL, fs/eventpoll.c ep_poll", R"(
    uring_setup entries=4 flags=0 cq_entries=0 out=h0              => fds=[3] sq=4 cq=8
    close fd=h0                                                    => ret=0
    epoll_create1 flags=0 out=h1                                   => fds=[3]
    timed_wait api=epoll fd=h1 us=1000 events=0
    timed_wait api=epoll fd=h1 us=1000 events=0
  )"));

  // Timeouts are lower bounds: with nothing ready epoll_pwait2 and ppoll return 0 no earlier
  // than asked; with something ready they return it at once.
  v.push_back(make_scenario("timed_waits", {"X-TIMEOUT"}, "epoll_pwait2(2), ppoll(2)", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=1                => ret=0
    timed_wait api=epoll fd=h2 us=3000 events=0                    => ret=0 []
    timed_wait api=poll fd=h0 us=2000 events=IN                    => ret=0 revents=[0]
    write fd=h1 len=1 value=0                                      => ret=1
    timed_wait api=epoll fd=h2 us=3000 events=0                    => ret=1 [IN data=1]
    timed_wait api=poll fd=h0 us=50000 events=IN                   => ret=1 revents=[IN]
  )"));

  // One pipe under a thousand descriptors: the dups take the lowest free numbers; epoll_wait
  // with maxevents 64 cycles through all 1000 ready level-triggered entries in insertion order
  // (16 calls; the digest pins the exact order), an edge-triggered one reports each entry
  // once, and poll and select see every descriptor.
  v.push_back(make_scenario("fanout_round_robin_at_scale", {"EP-ROUNDROBIN", "EP-ORDER", "FD-LOWEST", "EP-ET"},
                            "epoll(7) starvation; fs/eventpoll.c ep_send_events", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    fanout mode=epoll fd=h1 epfd=h2 n=900 events=OUT maxevents=64  => ret=960 fds=[6,905] digest=0x1f27c061ced0d2d9 writes=15
    fanout mode=epoll fd=h0 epfd=h2 n=900 events=IN maxevents=64   => ret=0 fds=[6,905] digest=0xcbf29ce484222325 writes=1
    write fd=h1 len=1 value=0                                      => ret=1
    fanout mode=epoll fd=h0 epfd=h2 n=900 events=IN maxevents=64   => ret=960 fds=[6,905] digest=0x0411cd699957fdd9 writes=15
    fanout mode=epoll fd=h0 epfd=h2 n=300 events=IN|ET maxevents=7 => ret=300 fds=[6,305] digest=0xb2a428d27dde4f11 writes=43
    fanout mode=poll fd=h0 epfd=h2 n=900 events=IN maxevents=1
    fanout mode=select fd=h0 epfd=h2 n=900 events=IN maxevents=1
    fanout mode=select fd=h1 epfd=h2 n=900 events=IN maxevents=1
  )"));

  // reverse_path_check: an instance watched by another one gives each file it watches wakeup
  // paths of length 1; more than 500 of them (one per descriptor here) and EPOLL_CTL_ADD fails
  // with EINVAL. Top-level instances take any number.
  v.push_back(make_scenario("epoll_wakeup_path_limit", {"EP-CTL-PATHS"},
                            "fs/eventpoll.c reverse_path_check, path_limits", R"(
    socketpair type=stream a=h0 b=h1                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    fanout mode=epoll fd=h0 epfd=h2 n=600 events=IN maxevents=64   => ret=0 fds=[7,606] digest=0xcbf29ce484222325 writes=1
    epoll_ctl epfd=h3 op=add fd=h2 events=IN data=0                => ret=0
    fanout mode=epoll fd=h0 epfd=h2 n=600 events=IN maxevents=64   => -1 EINVAL fds=[7,606]
    fanout mode=epoll fd=h0 epfd=h2 n=500 events=IN maxevents=64   => ret=0 fds=[7,506] digest=0xcbf29ce484222325 writes=1
  )"));
}

}  // namespace pc
