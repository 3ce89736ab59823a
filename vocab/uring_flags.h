// How UringOpFlags (vocab/ops.h) become the kernel's bits: the executor sets the values, the C
// reproducer writes the names, from this one table.
#pragma once

#include <linux/io_uring.h>

#include <cstdint>
#include <string>

#include "vocab/ops.h"

namespace pc {

struct UringFlagBit {
  std::uint8_t ours;
  unsigned kernel;
  const char* name;
  bool poll;  // read by poll add/update (sqe->len); else by cancel (sqe->cancel_flags)
};

inline constexpr UringFlagBit kUringFlagBits[] = {
    {UringOpFlags::kMulti, IORING_POLL_ADD_MULTI, "IORING_POLL_ADD_MULTI", true},
    {UringOpFlags::kUpdateEvents, IORING_POLL_UPDATE_EVENTS, "IORING_POLL_UPDATE_EVENTS", true},
    {UringOpFlags::kUpdateData, IORING_POLL_UPDATE_USER_DATA, "IORING_POLL_UPDATE_USER_DATA", true},
    {UringOpFlags::kCancelAll, IORING_ASYNC_CANCEL_ALL, "IORING_ASYNC_CANCEL_ALL", false},
    {UringOpFlags::kCancelFd, IORING_ASYNC_CANCEL_FD, "IORING_ASYNC_CANCEL_FD", false},
    {UringOpFlags::kCancelAny, IORING_ASYNC_CANCEL_ANY, "IORING_ASYNC_CANCEL_ANY", false},
};

// The kernel bits of the poll (or the cancel) flags.
inline unsigned uring_kernel_flags(UringOpFlags f, bool poll) {
  unsigned bits = 0;
  for (const UringFlagBit& b : kUringFlagBits)
    if (b.poll == poll && (f.bits & b.ours)) bits |= b.kernel;
  return bits;
}

// The same as C: "IORING_POLL_ADD_MULTI | ...", or "0".
inline std::string uring_kernel_flag_names(UringOpFlags f, bool poll) {
  std::string s;
  for (const UringFlagBit& b : kUringFlagBits)
    if (b.poll == poll && (f.bits & b.ours)) s += (s.empty() ? "" : " | ") + std::string(b.name);
  return s.empty() ? "0" : s;
}

}  // namespace pc
