#include "oracle/mutants.h"

#include <array>

namespace pc {
namespace {
constexpr std::array<MutantInfo, 20> kMutants{{
    {Mutant::EtNoRefire, "et-no-refire",
     "edge-triggered epoll is not woken by a write to a pipe that already holds data",
     "the Linux 5.5 pipe rework (wake readers only when the pipe was empty), fixed by "
     "'pipe: make pipe writes always wake up readers' (3a34b13a88ca, 5.14)"},
    {Mutant::OneshotNoDisarm, "oneshot-no-disarm",
     "an EPOLLONESHOT entry keeps reporting after its first event",
     "a lost EP_PRIVATE_BITS mask in ep_send_events (ONESHOT never disarmed)"},
    {Mutant::ModNoRepoll, "mod-no-repoll",
     "EPOLL_CTL_MOD does not re-poll, so an entry re-armed while ready stays silent",
     "ep_modify without the vfs_poll re-check (re-armed ONESHOT entries hang)"},
    {Mutant::CloseDupRemoves, "close-dup-removes",
     "closing one descriptor removes the registration although a dup keeps the file open",
     "emulations (and early epoll ports) that key registrations by fd number only"},
    {Mutant::DelNoop, "del-noop",
     "EPOLL_CTL_DEL reports success but the registration stays and keeps reporting",
     "a failed ep_remove whose error is swallowed (sandboxed epoll emulations)"},
    {Mutant::LtLost, "lt-lost",
     "a ready level-triggered entry is missing from every third epoll_wait that has one",
     "the lost-wakeup races in epoll's ready-list handling fixed during the 5.x series"},
    {Mutant::NoPollnval, "no-pollnval",
     "poll gives revents 0 instead of POLLNVAL for a descriptor that is not open",
     "do_pollfd treating a failed fdget like a negative fd"},
    {Mutant::SelectStaleBit, "select-stale-bit",
     "select leaves the read bit of a descriptor that is not ready",
     "a missing clear of the result bitmap before copy-out (set_fd_set writing the input)"},
    {Mutant::DoubleAddOk, "double-add-ok",
     "a second EPOLL_CTL_ADD of the same (file, fd) returns 0 instead of EEXIST",
     "an ep_find that misses the existing item (rb-tree key compare bug)"},
    {Mutant::NoRdhup, "no-rdhup",
     "EPOLLRDHUP and POLLRDHUP are never reported after the peer shuts down writing",
     "a socket poll method that forgets RCV_SHUTDOWN (pre-2.6.17 behaviour, some emulations)"},
    {Mutant::NoRoundRobin, "no-round-robin",
     "epoll_wait puts re-queued level-triggered entries first, starving those beyond maxevents",
     "list_add instead of list_add_tail when re-queueing in ep_send_events"},
    {Mutant::UringNoMore, "uring-no-more",
     "multishot POLL_ADD CQEs come without IORING_CQE_F_MORE, so the application thinks it ended",
     "io_poll_check_events posting with flags 0 (the multishot CQE flag mix-ups around 5.19)"},
    {Mutant::UringLinkNoCancel, "uring-link-no-cancel",
     "a failed request of an IOSQE_IO_LINK chain lets the rest run instead of cancelling it",
     "io_queue_next ignoring REQ_F_FAIL (link handling regressions in io_req_find_next)"},
    {Mutant::UringOverflowDrop, "uring-overflow-drop",
     "a CQE that does not fit the CQ ring is dropped although the ring reports IORING_FEAT_NODROP",
     "io_cqring_event_overflow failing to queue the overflow entry (pre-5.5 behaviour, OOM paths)"},
    {Mutant::UringCancelCode, "uring-cancel-code",
     "ASYNC_CANCEL of a pending request cancels it but reports -ENOENT",
     "a lost return value in io_async_cancel_one (cancel result codes fixed in 5.x)"},
    {Mutant::UringOneshotTwice, "uring-oneshot-twice",
     "a one-shot POLL_ADD stays armed after it completes and fires again on the next wakeup",
     "a missing EPOLLONESHOT disarm in io_poll_wake (double completion, use-after-free class)"},
    {Mutant::NestNoWake, "nest-no-wake",
     "a wakeup of an entry already on an inner epoll's ready list does not reach the outer epoll",
     "the nested-epoll lost wakeups of the 5.x series (ep->poll_wait woken only on some paths, "
     "so an outer edge-triggered entry misses the second event)"},
    {Mutant::LtNoChain, "lt-no-chain",
     "a thread that takes a level-triggered event does not wake the next thread blocked on the instance",
     "'fs/epoll: restore waking from ep_done_scan()' (7fab29e35602, 5.12): 339ddb53d373 dropped "
     "the wakeup, so one LT event woke one of several epoll_wait threads"},
    {Mutant::AddNoWake, "add-no-wake",
     "EPOLL_CTL_ADD of a ready descriptor queues it but wakes no thread blocked in epoll_wait",
     "'epoll: fix possible lost wakeup on epoll_ctl() path' (1b53734bd0b2, 5.10)"},
    {Mutant::ExclusiveLost, "exclusive-lost",
     "an EPOLLEXCLUSIVE entry ends the file's wakeup walk even when its instance has no thread "
     "blocked, so the instances behind it miss the event",
     "ewake computed without waitqueue_active(&ep->wq) in ep_poll_callback (the EPOLLEXCLUSIVE "
     "lost-wakeup class: an event no blocked thread ever sees)"},
}};
}  // namespace

std::span<const MutantInfo> mutant_catalog() { return kMutants; }

std::optional<Mutant> mutant_from_name(std::string_view name) {
  for (const MutantInfo& m : kMutants)
    if (m.name == name) return m.mutant;
  return std::nullopt;
}

const MutantInfo& mutant_info(Mutant m) {
  for (const MutantInfo& i : kMutants)
    if (i.mutant == m) return i;
  return kMutants.front();
}

}  // namespace pc
