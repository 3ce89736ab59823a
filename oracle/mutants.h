// The bug zoo: named changes to the model, each the behaviour of a real class of kernel bug.
// A mutated model stands in for a buggy kernel (harness/mutant_executor.h) so that the suite can
// show it would catch that bug: every mutant must be detected, reduced and reproduced.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace pc {

enum class Mutant : std::uint8_t {
  None,
  EtNoRefire,        // ET misses a write while the pipe is already non-empty
  OneshotNoDisarm,   // ONESHOT keeps reporting
  ModNoRepoll,       // EPOLL_CTL_MOD does not look at current readiness
  CloseDupRemoves,   // closing one descriptor of a description drops its registration
  DelNoop,           // EPOLL_CTL_DEL returns 0 and leaves the registration
  LtLost,            // a ready level-triggered entry goes missing from an epoll_wait
  NoPollnval,        // poll reports nothing for a closed descriptor
  SelectStaleBit,    // select leaves the bit of a descriptor that is not ready
  DoubleAddOk,       // a second EPOLL_CTL_ADD succeeds instead of EEXIST
  NoRdhup,           // EPOLLRDHUP / POLLRDHUP never reported
  NoRoundRobin,      // epoll_wait keeps returning the first maxevents entries
  UringNoMore,       // multishot poll CQEs lack IORING_CQE_F_MORE
  UringLinkNoCancel, // a failed link runs the rest of its chain instead of cancelling it
  UringOverflowDrop, // a CQE that does not fit the CQ ring is dropped
  UringCancelCode,   // ASYNC_CANCEL of a pending request reports -ENOENT although it cancelled it
  UringOneshotTwice, // a one-shot poll completes, then fires again on the next wakeup
  NestNoWake,        // an inner epoll whose entry was queued already does not wake its watchers
  LtNoChain,         // a thread taking an LT event does not wake the next blocked thread
  AddNoWake,         // EPOLL_CTL_ADD of a ready fd wakes no blocked epoll_wait
  ExclusiveLost,     // an exclusive entry ends the wakeup walk though nobody waits on its epoll
};

struct MutantInfo {
  Mutant mutant;
  std::string_view name;
  std::string_view description;
  std::string_view models;  // the real bug it stands for
};

std::span<const MutantInfo> mutant_catalog();  // without None
std::optional<Mutant> mutant_from_name(std::string_view name);
const MutantInfo& mutant_info(Mutant m);

}  // namespace pc
