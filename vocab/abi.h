// Kernel ABI values the oracle, the generator and the executor name, taken from the UAPI
// headers rather than copied as numbers. Where a value cannot come from a header (it is a fact
// about a kernel release, not a name), it says so.
#pragma once

#include <linux/io_uring.h>
#include <sys/epoll.h>

#include <cstdint>

namespace pc {

// epoll_create1(2)'s one flag.
inline constexpr std::uint32_t kEpollCloexec = EPOLL_CLOEXEC;

// io_uring_params.flags.
inline constexpr std::uint32_t kSetupCqsize = IORING_SETUP_CQSIZE, kSetupClamp = IORING_SETUP_CLAMP,
                               kSetupCoop = IORING_SETUP_COOP_TASKRUN,
                               kSetupSingleIssuer = IORING_SETUP_SINGLE_ISSUER,
                               kSetupDefer = IORING_SETUP_DEFER_TASKRUN;

// io_uring_sqe.flags.
inline constexpr std::uint8_t kSqeDrain = IOSQE_IO_DRAIN, kSqeLink = IOSQE_IO_LINK,
                              kSqeHardlink = IOSQE_IO_HARDLINK;

// io_uring_cqe.flags.
inline constexpr std::uint32_t kCqeMore = IORING_CQE_F_MORE, kCqeSockNonempty = IORING_CQE_F_SOCK_NONEMPTY;

// io_uring_params.features the oracle relies on.
inline constexpr std::uint32_t kUringFeatNodrop = IORING_FEAT_NODROP,
                               kUringFeatRwCurPos = IORING_FEAT_RW_CUR_POS,
                               kUringFeatFastPoll = IORING_FEAT_FAST_POLL,
                               kUringFeatPoll32 = IORING_FEAT_POLL_32BITS,
                               kUringFeatExtArg = IORING_FEAT_EXT_ARG;

}  // namespace pc
