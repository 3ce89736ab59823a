// The io_uring examples: one or more per UR-* rule and X-AGREE, from the man pages
// (io_uring_setup(2), io_uring_enter(2)), liburing's test/ programs and what 6.18 was measured
// to do. Syntax as in tests/common/scenarios.cpp. A reap lists its CQEs as res:user_data, then
// MORE / SOCK_NONEMPTY and a digest where they apply. The SQE fields an opcode does not read
// are written as 0; "P" below is shorthand only in these comments.
#include "tests/common/scenarios.h"

namespace pc {

void add_uring_scenarios(std::vector<Scenario>& v) {
  // io_uring_setup(2): entries round up to a power of two and the CQ is twice the SQ;
  // 0 and more than 32768 are EINVAL unless IORING_SETUP_CLAMP; CQSIZE rounds up and may not
  // be smaller than the SQ; DEFER_TASKRUN needs SINGLE_ISSUER; unknown flags are EINVAL.
  v.push_back(make_scenario("uring_setup_sizes", {"UR-SETUP", "FD-LOWEST"}, "io_uring_setup(2)", R"(
    uring_setup entries=3 flags=0 cq_entries=0 out=h0                        => fds=[3] sq=4 cq=8
    uring_setup entries=0 flags=0 cq_entries=0 out=h1                        => -1 EINVAL
    uring_setup entries=32769 flags=0 cq_entries=0 out=h1                    => -1 EINVAL
    uring_setup entries=32769 flags=CLAMP cq_entries=0 out=h1                => fds=[4] sq=32768 cq=65536
    close fd=h1                                                              => ret=0
    uring_setup entries=4 flags=CQSIZE cq_entries=2 out=h1                   => -1 EINVAL
    uring_setup entries=2 flags=CQSIZE cq_entries=3 out=h1                   => fds=[4] sq=2 cq=4
    close fd=h1                                                              => ret=0
    uring_setup entries=4 flags=CQSIZE cq_entries=0 out=h1                   => -1 EINVAL
    uring_setup entries=4 flags=DEFER_TASKRUN cq_entries=0 out=h1            => -1 EINVAL
    uring_setup entries=4 flags=SINGLE_ISSUER|DEFER_TASKRUN cq_entries=0 out=h1 => fds=[4] sq=4 cq=8
    uring_setup entries=4 flags=0x100000 cq_entries=0 out=h2                 => -1 EINVAL
  )"));

  // io_uring_enter(2) ERRORS: EBADF for a descriptor that is not open, EOPNOTSUPP for one that
  // is not a ring. Filling an SQE needs the ring's mapping: without one the harness says EBADF.
  v.push_back(make_scenario("uring_enter_not_a_ring", {"UR-ENTER"}, "io_uring_enter(2) ERRORS", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_submit ring=h0                                                     => -1 EOPNOTSUPP
    uring_reap ring=h0 wait=0                                                => -1 EOPNOTSUPP
    uring_reap ring=h9 wait=0                                                => -1 EBADF
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0 => -1 EBADF
  )"));

  // io_uring_enter(2) IORING_OP_NOP; liburing test/nop.c: res 0, user_data verbatim.
  v.push_back(make_scenario("uring_nop_echoes_user_data", {"UR-NOP", "UR-ORDER"}, "liburing test/nop.c", R"(
    uring_setup entries=4 flags=0 cq_entries=0 out=h0                        => fds=[3] sq=4 cq=8
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=7 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=18446744073709551615 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h0                                                     => ret=2
    uring_reap ring=h0 wait=0                                                => ret=2 [0:7, 0:18446744073709551615]
    uring_reap ring=h0 wait=0                                                => ret=0 []
  )"));

  // A one-shot POLL_ADD completes once, when the file becomes ready, with the ready bits of the
  // mask; POLLRDHUP is reported without being asked for (IO_POLL_UNMASK), where poll(2) on the
  // same descriptor and mask leaves it out (a kernel with io_poll_unmask leaves it out of a poll
  // for output too: UR-POLL-RDHUP-UNMASK). A bad descriptor gives -EBADF.
  v.push_back(make_scenario("uring_poll_oneshot", {"UR-POLL-ONESHOT", "X-AGREE", "UR-TASKRUN", "UR-POLL-RDHUP-UNMASK"},
                            "io_uring_enter(2) IORING_OP_POLL_ADD; liburing test/poll.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=0 []
    write fd=h1 len=3 value=0                                                => ret=3
    uring_reap ring=h2 wait=0                                                => ret=1 [1:5]
    write fd=h1 len=3 value=0                                                => ret=3
    uring_reap ring=h2 wait=0                                                => ret=0 []
    socketpair type=stream a=h3 b=h4                                         => fds=[6,7]
    shutdown fd=h4 how=wr                                                    => ret=0
    poll entries=[h3:OUT] over_limit=0                                       => ret=1 revents=[OUT]
    uring_prep ring=h2 opcode=poll_add fd=h3 len=0 mask=OUT user_data=6 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=poll_add fd=h9 len=0 mask=IN user_data=7 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=2 [8196:6, -EBADF:7]
  )"));

  // A task's task work runs in the order it was queued, whichever ring it is for (Linux 6.9 on):
  // one empty datagram wakes two rings' reads, the later-armed one first, and that one takes it.
  v.push_back(make_scenario("uring_task_work_in_queue_order", {"UR-TW-ORDER", "UR-TASKRUN"},
                            "io_uring/io_uring.c tctx_task_work_run (170539bdf109)", R"(
    socketpair type=dgram a=h0 b=h1                                          => fds=[3,4]
    uring_setup entries=1 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=1 cq=2
    uring_prep ring=h2 opcode=read fd=h1 len=1 mask=0 user_data=100 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_setup entries=1 flags=0 cq_entries=0 out=h3                        => fds=[6] sq=1 cq=2
    uring_prep ring=h3 opcode=read fd=h1 len=1 mask=0 user_data=200 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h3                                                     => ret=1
    write fd=h0 len=0 value=0                                                => ret=0
    uring_reap ring=h2 wait=0                                                => ret=0 []
    uring_reap ring=h3 wait=0                                                => ret=1 [0:200]
  )"));

  // A DEFER_TASKRUN ring's task work runs in the order it was queued (Linux 6.5 on): the NOP
  // linked behind 2, queued by the first submit, takes the last CQ slot before the multishot
  // poll queued by the second, whose CQE overflows and ends it.
  v.push_back(make_scenario("uring_local_task_work_in_queue_order", {"UR-TW-LOCAL-ORDER", "UR-OVERFLOW"},
                            "io_uring/io_uring.c __io_run_local_work (3af0356c162c)", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=3 flags=SINGLE_ISSUER|DEFER_TASKRUN cq_entries=0 out=h2 => fds=[5] sq=4 cq=8
    close fd=h1                                                              => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=2 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=3 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=3
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=0 user_data=16 target=0 new_data=0 flags=0 op_flags=MULTI => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=4 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=6 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=4
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=7 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=8 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=9 [0:1, 0:2, 0:4, 0:5, 0:6, 0:7, 0:8, 0:3, 16:16]
  )"));

  // A DEFER_TASKRUN ring's reap that does not wait runs one batch of task work (Linux 6.9 on):
  // the NOP cancelled by the failed RECV before it comes at the next reap.
  v.push_back(make_scenario("uring_local_task_work_one_batch_per_reap", {"UR-TW-LOCAL-LOOP", "UR-LINK"},
                            "io_uring/io_uring.c __io_run_local_work (9fe3eaea4a35)", R"(
    uring_setup entries=3 flags=SINGLE_ISSUER|DEFER_TASKRUN cq_entries=0 out=h0 => fds=[3] sq=4 cq=8
    pipe rd=h1 wr=h2                                                         => fds=[4,5]
    write fd=h2 len=1 value=0                                                => ret=1
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h0 opcode=poll_add fd=h1 len=0 mask=IN user_data=6 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h0 opcode=recv fd=h1 len=0 mask=0 user_data=1 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=6 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h0                                                     => ret=4
    uring_reap ring=h0 wait=0                                                => ret=3 [0:5, 1:6, -ENOTSOCK:1]
    uring_reap ring=h0 wait=0                                                => ret=1 [-ECANCELED:6]
  )"));

  // IORING_POLL_ADD_MULTI: one CQE per wakeup, each with IORING_CQE_F_MORE, until a remove
  // ends it with a last CQE without it (liburing test/poll-mshot-update.c).
  v.push_back(make_scenario("uring_poll_multishot_more", {"UR-POLL-MULTI", "UR-POLL-REMOVE"},
                            "liburing test/poll-mshot-update.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=5 target=0 new_data=0 flags=0 op_flags=MULTI => ret=0
    uring_submit ring=h2                                                     => ret=1
    write fd=h1 len=1 value=0                                                => ret=1
    write fd=h1 len=1 value=0                                                => ret=1
    uring_reap ring=h2 wait=0                                                => ret=2 [1:5 MORE, 1:5 MORE]
    uring_prep ring=h2 opcode=poll_remove fd=h0 len=0 mask=0 user_data=9 target=5 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=2 [0:9, -ECANCELED:5]
    uring_prep ring=h2 opcode=poll_remove fd=h0 len=0 mask=0 user_data=9 target=5 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [-ENOENT:9]
  )"));

  // Poll update: a pending poll gets a new mask and fires at once when the file is ready
  // for it; new user_data without IORING_POLL_UPDATE_USER_DATA is -EINVAL at prep, which ends
  // the submit at that SQE (liburing test/poll-cancel.c, test/poll-mshot-update.c).
  v.push_back(make_scenario("uring_poll_update_fires", {"UR-POLL-UPDATE"}, "liburing test/poll-mshot-update.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    write fd=h1 len=1 value=0                                                => ret=1
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=OUT user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=0 []
    uring_prep ring=h2 opcode=poll_update fd=h0 len=0 mask=IN user_data=9 target=5 new_data=0 flags=0 op_flags=UPDATE_EVENTS => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=2 [0:9, 1:5]
    uring_prep ring=h2 opcode=poll_update fd=h0 len=0 mask=IN user_data=9 target=5 new_data=8 flags=0 op_flags=UPDATE_EVENTS => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=10 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [-EINVAL:9]
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [0:10]
  )"));

  // ASYNC_CANCEL of a pending READ: the cancel's CQE, then the target's -ECANCELED; nothing to
  // cancel is -ENOENT, or 0 (how many) with IORING_ASYNC_CANCEL_ALL. A poll remove that finds
  // its target's task work already queued (a DEFER_TASKRUN ring woken before GETEVENTS) gets
  // -EALREADY, and the poll completes as woken (liburing test/poll-cancel*.c).
  v.push_back(make_scenario("uring_cancel_results", {"UR-CANCEL", "UR-RECV", "UR-TASKRUN"},
                            "io_uring_enter(2) IORING_OP_ASYNC_CANCEL; liburing test/async-cancel.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=read fd=h0 len=8 mask=0 user_data=100 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_prep ring=h2 opcode=cancel fd=h0 len=0 mask=0 user_data=1 target=100 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=cancel fd=h0 len=0 mask=0 user_data=2 target=42 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=cancel fd=h0 len=0 mask=0 user_data=3 target=42 new_data=0 flags=0 op_flags=ALL => ret=0
    uring_submit ring=h2                                                     => ret=3
    uring_reap ring=h2 wait=0                                                => ret=4 [0:1, -ENOENT:2, 0:3, -ECANCELED:100]
    uring_setup entries=4 flags=SINGLE_ISSUER|DEFER_TASKRUN cq_entries=0 out=h3 => fds=[6] sq=4 cq=8
    uring_prep ring=h3 opcode=poll_add fd=h0 len=0 mask=IN user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h3                                                     => ret=1
    write fd=h1 len=1 value=0                                                => ret=1
    uring_prep ring=h3 opcode=poll_remove fd=h0 len=0 mask=0 user_data=9 target=5 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h3                                                     => ret=1
    uring_reap ring=h3 wait=0                                                => ret=2 [-EALREADY:9, 1:5]
  )"));

  // IOSQE_IO_LINK: a failed request cancels the rest of its chain; a short read counts as a
  // failure; IOSQE_IO_HARDLINK goes on regardless (liburing test/link.c, test/hardlink.c).
  v.push_back(make_scenario("uring_link_failure_cancels", {"UR-LINK", "UR-ORDER"}, "liburing test/link.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=8 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=8 cq=16
    uring_prep ring=h2 opcode=read fd=h9 len=8 mask=0 user_data=100 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=2 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=3 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=3
    uring_reap ring=h2 wait=0                                                => ret=3 [-EBADF:100, -ECANCELED:2, -ECANCELED:3]
    uring_prep ring=h2 opcode=read fd=h9 len=8 mask=0 user_data=101 target=0 new_data=0 flags=HARDLINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=4 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=2 [-EBADF:101, 0:4]
    write fd=h1 len=5 value=0                                                => ret=5
    uring_prep ring=h2 opcode=read fd=h0 len=10 mask=0 user_data=102 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=5 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=2 [5:102 {cqe-bytes 12 5}, -ECANCELED:5]
  )"));

  // IORING_OP_LINK_TIMEOUT guards the request before it: that request completing first
  // cancels the timeout; a link timeout with nothing linked before it is -EINVAL
  // (liburing test/link-timeout.c).
  v.push_back(make_scenario("uring_link_timeout_disarmed", {"UR-LINK-TIMEOUT", "UR-LINK"},
                            "liburing test/link-timeout.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    write fd=h1 len=1 value=0                                                => ret=1
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=1 target=0 new_data=0 flags=LINK op_flags=0 => ret=0
    uring_prep ring=h2 opcode=link_timeout fd=h0 len=600000 mask=0 user_data=2 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=2 [1:1, -ECANCELED:2]
    uring_prep ring=h2 opcode=link_timeout fd=h0 len=600000 mask=0 user_data=3 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [-EINVAL:3]
  )"));

  // READ and RECV on O_NONBLOCK files with nothing to give stay pending instead of -EAGAIN and
  // complete when data comes; a stream RECV that leaves data says IORING_CQE_F_SOCK_NONEMPTY
  // (an AF_UNIX stream since Linux 6.17: UR-RECV-UNIX-INQ);
  // 0 at end of file; WRITE to a full pipe waits for room (liburing test/read-write.c,
  // test/recv-msgall.c).
  v.push_back(make_scenario("uring_recv_pending_until_data", {"UR-RECV", "UR-TASKRUN", "UR-RECV-UNIX-INQ"},
                            "io_uring_enter(2) IORING_OP_READ, IORING_OP_RECV", R"(
    socketpair type=stream a=h0 b=h1                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=recv fd=h0 len=2 mask=0 user_data=100 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=0 []
    write fd=h1 len=3 value=0                                                => ret=3
    uring_reap ring=h2 wait=0                                                => ret=1 [2:100 SOCK_NONEMPTY {cqe-bytes 6 2}]
    eventfd semaphore=false out=h3                                           => fds=[6]
    uring_prep ring=h2 opcode=read fd=h3 len=8 mask=0 user_data=101 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    write fd=h3 len=8 value=3                                                => ret=8
    uring_reap ring=h2 wait=0                                                => ret=1 [8:101 {cqe-u64 3}]
    close fd=h1                                                              => ret=0
    uring_prep ring=h2 opcode=read fd=h0 len=8 mask=0 user_data=102 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [1:102 {cqe-bytes 6 2..3}]
    uring_prep ring=h2 opcode=read fd=h0 len=8 mask=0 user_data=103 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    uring_reap ring=h2 wait=0                                                => ret=1 [0:103]
  )"));

  // IOSQE_IO_DRAIN: a drained request starts only when everything before it has completed
  // (liburing test/defer.c). Drained requests run in io-wq, so once released their CQE comes
  // at a time of its own; a wait for it is bounded.
  v.push_back(make_scenario("uring_drain_waits_for_poll", {"UR-DRAIN"}, "liburing test/defer.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=1 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=2 target=0 new_data=0 flags=DRAIN op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_reap ring=h2 wait=0                                                => ret=0 []
    write fd=h1 len=1 value=0                                                => ret=1
    uring_reap ring=h2 wait=2
  )"));

  // IORING_FEAT_NODROP: with a 2-entry CQ the third CQE is held, not lost, and comes after the
  // ring is emptied; a multishot poll whose CQE does not fit is ended by it (no F_MORE)
  // (liburing test/cq-overflow.c).
  v.push_back(make_scenario("uring_overflow_two_entry_cq", {"UR-OVERFLOW", "UR-POLL-MULTI"},
                            "liburing test/cq-overflow.c", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=2 flags=CQSIZE cq_entries=2 out=h2                   => fds=[5] sq=2 cq=2
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_prep ring=h2 opcode=nop fd=h0 len=0 mask=0 user_data=2 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=2
    uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=3 target=0 new_data=0 flags=0 op_flags=MULTI => ret=0
    uring_submit ring=h2                                                     => ret=1
    write fd=h1 len=1 value=0                                                => ret=1
    uring_reap ring=h2 wait=0                                                => ret=3 [0:1, 0:2, 1:3]
    write fd=h1 len=1 value=0                                                => ret=1
    uring_reap ring=h2 wait=0                                                => ret=0 []
  )"));

  // Closing the descriptor of a file an io_uring request holds does not release the file: the
  // pipe keeps its reader, the write succeeds, and the read gets the data.
  v.push_back(make_scenario("uring_request_holds_file", {"UR-HOLD", "UR-RECV"}, "io_uring/io_uring.c io_file_get_normal", R"(
    pipe rd=h0 wr=h1                                                         => fds=[3,4]
    uring_setup entries=4 flags=0 cq_entries=0 out=h2                        => fds=[5] sq=4 cq=8
    uring_prep ring=h2 opcode=read fd=h0 len=8 mask=0 user_data=100 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h2                                                     => ret=1
    close fd=h0                                                              => ret=0
    write fd=h1 len=4 value=0                                                => ret=4
    uring_reap ring=h2 wait=0                                                => ret=1 [4:100 {cqe-bytes 6 4}]
    write fd=h1 len=4 value=0                                                => -1 EPIPE
  )"));

  // io_uring_poll: the ring is writable while its SQ has room and readable while CQEs wait.
  v.push_back(make_scenario("uring_ring_fd_readiness", {"UR-POLL-RING"}, "io_uring/io_uring.c io_uring_poll", R"(
    uring_setup entries=4 flags=0 cq_entries=0 out=h0                        => fds=[3] sq=4 cq=8
    poll entries=[h0:IN|OUT] over_limit=0                                    => ret=1 revents=[OUT]
    uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=1 target=0 new_data=0 flags=0 op_flags=0 => ret=0
    uring_submit ring=h0                                                     => ret=1
    poll entries=[h0:IN|OUT] over_limit=0                                    => ret=1 revents=[IN|OUT]
    uring_reap ring=h0 wait=0                                                => ret=1 [0:1]
    poll entries=[h0:IN] over_limit=0                                        => ret=0 revents=[0]
  )"));
}

}  // namespace pc
