// The names of epoll and poll event bits, without their EPOLL/POLL prefix. Header-only so the
// observation renderer (oracle library) and the trace format (core library) share one spelling
// without a link dependency between the two libraries.
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace pc {

struct BitName {
  std::uint32_t bit;
  std::string_view name;
};

// Ascending bit order, which is also the order names are printed in.
inline constexpr BitName kEpollBitNames[] = {
    {EPOLLIN, "IN"},          {EPOLLPRI, "PRI"},         {EPOLLOUT, "OUT"},
    {EPOLLERR, "ERR"},        {EPOLLHUP, "HUP"},         {EPOLLRDNORM, "RDNORM"},
    {EPOLLRDBAND, "RDBAND"},  {EPOLLWRNORM, "WRNORM"},   {EPOLLWRBAND, "WRBAND"},
    {EPOLLMSG, "MSG"},        {EPOLLRDHUP, "RDHUP"},     {EPOLLEXCLUSIVE, "EXCLUSIVE"},
    {EPOLLWAKEUP, "WAKEUP"},  {EPOLLONESHOT, "ONESHOT"}, {EPOLLET, "ET"},
};

inline constexpr BitName kPollBitNames[] = {
    {POLLIN, "IN"},         {POLLPRI, "PRI"},       {POLLOUT, "OUT"},
    {POLLERR, "ERR"},       {POLLHUP, "HUP"},       {POLLNVAL, "NVAL"},
    {POLLRDNORM, "RDNORM"}, {POLLRDBAND, "RDBAND"}, {POLLWRNORM, "WRNORM"},
    {POLLWRBAND, "WRBAND"}, {POLLMSG, "MSG"},       {POLLRDHUP, "RDHUP"},
};

// io_uring_params.flags (linux/io_uring.h values, spelled out so that this header needs no
// io_uring headers).
inline constexpr BitName kUringSetupBitNames[] = {
    {1u << 3, "CQSIZE"},         {1u << 4, "CLAMP"},          {1u << 8, "COOP_TASKRUN"},
    {1u << 12, "SINGLE_ISSUER"}, {1u << 13, "DEFER_TASKRUN"},
};

// io_uring_sqe.flags.
inline constexpr BitName kSqeFlagNames[] = {
    {1u << 1, "DRAIN"}, {1u << 2, "LINK"}, {1u << 3, "HARDLINK"},
};

// UringOpFlags (vocab/ops.h): the harness's own bits, one per meaning.
inline constexpr BitName kUringOpFlagNames[] = {
    {1u << 0, "MULTI"}, {1u << 1, "UPDATE_EVENTS"}, {1u << 2, "UPDATE_DATA"},
    {1u << 3, "ALL"},   {1u << 4, "FD"},            {1u << 5, "ANY"},
};

// io_uring_cqe.flags.
inline constexpr BitName kCqeFlagNames[] = {
    {1u << 0, "BUFFER"}, {1u << 1, "MORE"}, {1u << 2, "SOCK_NONEMPTY"}, {1u << 3, "NOTIF"},
};

// Printing relies on single-bit entries in ascending order; a mistyped table would print
// masks that parse back differently.
constexpr bool is_ascending_single_bits(std::span<const BitName> table) {
  std::uint32_t prev = 0;
  for (const BitName& b : table) {
    if (b.bit == 0 || (b.bit & (b.bit - 1)) != 0 || b.bit <= prev) return false;
    prev = b.bit;
  }
  return true;
}
static_assert(is_ascending_single_bits(kEpollBitNames));
static_assert(is_ascending_single_bits(kPollBitNames));
static_assert(is_ascending_single_bits(kUringSetupBitNames));
static_assert(is_ascending_single_bits(kSqeFlagNames));
static_assert(is_ascending_single_bits(kUringOpFlagNames));
static_assert(is_ascending_single_bits(kCqeFlagNames));

// "IN|OUT"; "0" for no bits; bits without a name go last as one hex literal ("IN|0x10000000").
inline std::string mask_to_names(std::uint32_t bits, std::span<const BitName> table) {
  if (bits == 0) return "0";
  std::string out;
  for (const BitName& b : table) {
    if ((bits & b.bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += b.name;
    bits &= ~b.bit;
  }
  if (bits != 0) {
    if (!out.empty()) out += '|';
    out += fmt::format("{:#x}", bits);
  }
  return out;
}

inline std::optional<std::uint32_t> bit_of_name(std::string_view name,
                                                std::span<const BitName> table) {
  for (const BitName& b : table)
    if (b.name == name) return b.bit;
  return std::nullopt;
}

}  // namespace pc
