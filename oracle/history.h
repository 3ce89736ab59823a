// Linux's documented changes of behaviour that the oracle follows by the release the
// implementation reports. The `linux` profile describes this host's kernel; a release that
// differs from it in one of these changes (an older one that predates it, or a stable update
// that carries one this kernel lacks) is predicted to behave as it does. This table is how a
// campaign on another kernel tells a change of behaviour from a bug, and stops the change from
// masking the rest; the implementation matrix shows each row on every target with its witness.
// One row per change, each with the rule it conditions and its commit. A target that behaves
// against its row (a backport the row does not list) shows up as a finding there, and the row
// is then refined.
#pragma once

#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oracle/rules.h"

namespace pc {

struct KernelRelease {
  int major = 0, minor = 0, sublevel = 0;
  auto operator<=>(const KernelRelease&) const = default;
  bool known() const { return major > 0; }
};

// The release in what an implementation reports: uname -r, which Debian's 6.1 kernels spell
// "6.1.0-57-amd64" without the stable update, followed by the "(Debian 6.1.192-3)" that
// kernel/kernel_release adds from uname -v, which gives it. nullopt when it does not start
// with MAJOR.MINOR.
std::optional<KernelRelease> parse_kernel_release(std::string_view text);

struct HistoryChange {
  RuleId rule;                      // the rule whose prediction depends on it
  std::string_view commit;          // the upstream commit ("" where only a stable update names it)
  std::string_view subject;         // its subject line
  KernelRelease mainline;           // the first mainline release with it ({} where not known)
  std::array<KernelRelease, 2> stable;  // the first update of an earlier series that has it ({} unused)
  bool profile_has_it;              // whether the linux profile (this host's kernel) has it
  std::string_view before, after;   // what kernels without it, and with it, do
  std::string_view witness;         // the corpus/regress trace whose reproducer shows it
};

inline constexpr HistoryChange kHistoryChanges[] = {
    {RuleId::RD_EVENTFD_WRITE_LEN, "d31563b5f9bb",
     "eventfd: strictly check the count parameter of eventfd_write to avoid inputting illegal strings",
     {6, 9, 0}, {}, true,
     "an eventfd write of more than 8 bytes adds the first 8 and returns 8",
     "an eventfd write of more than 8 bytes fails with EINVAL",
     "history-eventfd-write-of-nine-bytes"},
    {RuleId::EP_WAIT_CHECK_ORDER, "6b47d35d4d9e", "eventpoll: abstract out parameter sanity checking",
     {6, 15, 0}, {}, true,
     "epoll_wait on a bad descriptor with maxevents 0 fails with EINVAL (maxevents is checked first)",
     "epoll_wait on a bad descriptor with maxevents 0 fails with EBADF (the descriptor is looked up first)",
     "history-epoll-wait-bad-descriptor-no-room"},
    // Only a stable update names it so far: Debian's 6.12.118 carries it, this host's 6.18.44
    // does not. Its companion in the same update ("io_uring/poll: don't poll a writer for
    // urgent data") drops POLLPRI from a writer's internal poll, which no CQE shows.
    {RuleId::UR_POLL_RDHUP_UNMASK, "", "io_uring/poll: don't poll a writer for a read side hangup",
     {}, {KernelRelease{6, 12, 118}}, false,
     "a POLL_ADD reports POLLRDHUP whatever it asked for",
     "a POLL_ADD reports POLLRDHUP unasked only if it asks for POLLIN, POLLRDNORM or POLLRDBAND",
     "history-uring-poll-writer-after-read-side-hangup"},
    // The kernel's llist pushes at the head; before these, a batch ran as taken, newest first.
    {RuleId::UR_TW_LOCAL_ORDER, "3af0356c162c", "io_uring: maintain ordering for DEFER_TASKRUN tw list",
     {6, 5, 0}, {}, true,
     "a DEFER_TASKRUN ring runs each batch of its task work newest first",
     "a DEFER_TASKRUN ring runs its task work in the order it was queued",
     "uring-task-work-runs-in-queue-order"},
    {RuleId::UR_TW_ORDER, "170539bdf109", "io_uring: handle traditional task_work in FIFO order",
     {6, 9, 0}, {}, true,
     "a task runs each batch of its rings' task work newest first",
     "a task runs its rings' task work in the order it was queued",
     "uring-task-work-one-list-across-rings"},
    {RuleId::UR_RECV_UNIX_INQ, "df30285b3670", "af_unix: Introduce SO_INQ.",
     {6, 17, 0}, {}, true,
     "a RECV on an AF_UNIX stream socket never carries IORING_CQE_F_SOCK_NONEMPTY",
     "a RECV on an AF_UNIX stream socket that leaves data behind carries IORING_CQE_F_SOCK_NONEMPTY",
     "history-uring-recv-unix-stream-leaves-data"},
    {RuleId::RD_UNIX_DGRAM_SEND_ORDER, "62c6db251e66", "af_unix: Clean up error paths in unix_dgram_sendmsg().",
     {6, 14, 0}, {}, true,
     "a datagram write without a peer fails with ENOTCONN, even shut for writing",
     "a datagram write without a peer, shut for writing, fails with EPIPE",
     "history-unix-dgram-write-without-peer-after-shutdown"},
};

// Whether `release` has the change (mainline from its release on, or its series' stable update).
bool has_change(const KernelRelease& release, const HistoryChange& change);

// Whether the oracle predicts the change for an implementation reporting `release`: by the
// release where it reads one, else as the linux profile.
bool predicted_to_have(const std::optional<KernelRelease>& release, const HistoryChange& change);

// Whether the implementation's release differs from the linux profile in the change that
// `rule` names (false when its release is unknown, or the rule has no row).
bool differs_from_profile(const std::optional<KernelRelease>& release, RuleId rule);

// Where the change landed: "6.9", "6.12.118 (stable)", "6.15; 6.12.118 (stable)".
std::string landed_in(const HistoryChange& change);

// The changes in which a release differs from the profile: "RD-EVENTFD-WRITE-LEN (not before
// 6.9)", "UR-POLL-RDHUP-UNMASK (has it: 6.12.118 (stable))".
std::vector<std::string> changes_differing(const std::optional<KernelRelease>& release);

// The row of a rule; nullptr when it has none.
const HistoryChange* history_of(RuleId rule);

}  // namespace pc
