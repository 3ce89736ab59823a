// What one op returned, as both the kernel executor reports it and the oracle predicts it.
// One flat record serves every op; each op fills only the fields that mean something for it
// (see describe_observation), and the rest stay at their defaults so equality stays exact.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vocab/c/pc_digest.h"
#include "vocab/c/pc_payload.h"
#include "vocab/ops.h"

namespace pc {

struct EpollEventObs {
  std::uint32_t events = 0;
  std::uint64_t data = 0;
  friend bool operator==(const EpollEventObs&, const EpollEventObs&) = default;
};

// One io_uring completion as reaped. digest: FNV-1a of the bytes a read or recv put into its
// buffer (0 for every other CQE), so that data reaching the ring is checked like read(2)'s.
struct CqeObs {
  std::int32_t res = 0;
  std::uint64_t user_data = 0;
  std::uint32_t flags = 0;
  std::uint64_t digest = 0;
  friend bool operator==(const CqeObs&, const CqeObs&) = default;
  friend auto operator<=>(const CqeObs&, const CqeObs&) = default;
};

// A waiter thread (op `waiters`) that returned: its call's result. epoll: the events it got;
// poll: one entry, its revents (data 0); io_uring: none.
struct WaiterObs {
  std::uint32_t waiter = 0;
  std::int64_t ret = 0;
  int err = 0;
  std::vector<EpollEventObs> events;
  friend bool operator==(const WaiterObs&, const WaiterObs&) = default;
};

// Observation::unsettled: loopback traffic (TCP, UDP), waiter threads.
inline constexpr std::uint8_t kUnsettledInet = 1, kUnsettledWaiters = 2;

struct Observation {
  std::int64_t ret = 0;  // the syscall's return value (-1 on failure); fill: bytes written
  int err = 0;           // errno when ret == -1 (fill: the errno that ended it, 0 if a cap did)
  std::vector<int> fds;  // creators: the descriptor numbers made (pipe: rd, wr)
  std::uint64_t digest = 0;             // read: FNV-1a of the bytes read
  std::uint32_t writes = 0;             // fill: how many writes succeeded
  std::vector<EpollEventObs> events;    // epoll_wait: the events in the order returned
  std::vector<std::uint16_t> revents;   // poll: revents per entry
  std::array<std::vector<int>, 3> sets; // select: fds left set in rd, wr, ex (ascending)
  std::int64_t timeout_left_us = 0;     // select: what the kernel wrote back into the timeval
  std::uint32_t clobbered = 0;          // poll: entries whose events field came back changed
  std::uint32_t sq_entries = 0;         // uring_setup: params.sq_entries
  std::uint32_t cq_entries = 0;         // uring_setup: params.cq_entries
  std::vector<CqeObs> cqes;             // uring_reap: the CQEs taken, in CQ ring order
  std::vector<WaiterObs> woke;          // every op: the waiters that returned during it, by number
  bool early = false;                   // timed_wait: it returned 0 before its timeout elapsed
  // What had not settled when the executor's bounded wait ran out (kUnsettled* bits, 0: it
  // all did): no verdict can be given on the step (harness/differ.h Verdict::Unsettled).
  std::uint8_t unsettled = 0;
  friend bool operator==(const Observation&, const Observation&) = default;
};

// The digest and the payloads are the shared C runtime's (vocab/c/pc_digest.h,
// pc_payload.h): the executor, the oracle and the reproducer all use that one definition. These
// are its C++ spellings, with the digest's starting value as a default argument.
inline std::uint64_t fnv1a(const unsigned char* p, std::size_t n, std::uint64_t h = PC_FNV1A_INIT) {
  return pc_fnv1a(p, n, h);
}
inline unsigned char pattern_byte(std::size_t step, std::size_t k) { return pc_pattern_byte(step, k); }
inline void fill_payload(unsigned char* buf, std::size_t len, std::size_t step, std::uint64_t value) {
  pc_fill_payload(buf, len, step, value);
}

// An errno's symbol: "ENOTTY"; "E<number>" for a value Linux does not define, "0" for 0. Traces,
// pins, observations and every message print errnos so (one table, vocab/observation.cpp).
std::string errno_name(int err);
// The symbol alone, "" for a value without one (a reproducer spells the others as numbers).
std::string_view errno_symbol(int err);
// For messages about the environment rather than observations: "ENOTTY (Inappropriate ioctl
// for device)".
std::string errno_text(int err);
int errno_from_name(std::string_view name);  // 0 if unknown
std::string epoll_mask_name(std::uint32_t bits);
std::string poll_mask_name(std::uint16_t bits);
std::string cqe_flags_name(std::uint32_t bits);
// "[0:1, -ECANCELED:2 MORE, 5:3 digest=0x...]": res (an errno name when negative), user_data,
// then flags and digest when set.
std::string cqe_list(const std::vector<CqeObs>& cqes);
// "[0:1:IN/7, 1:-1 EINTR]": waiter number, ret (with errno when -1), then its events as
// MASK/DATA joined by '+' (poll: MASK).
std::string woke_list(const std::vector<WaiterObs>& woke);

// What an observation's unsettled bits name: "loopback traffic", "waiter threads", or both.
std::string unsettled_what(std::uint8_t bits);

// A one-line rendering of the fields that matter for this op's observation.
std::string describe_observation(const Op& op, const Observation& obs);

}  // namespace pc
