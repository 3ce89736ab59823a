#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "kernel/loopback_net.h"
#include "kernel/sock_type.h"
#include "kernel/waiter_pool.h"
#include "repro/runtime/pc_fifo.h"
#include "repro/runtime/pc_uring_probe.h"
#include "vocab/observation.h"
#include "vocab/unique_fd.h"

namespace pc {
namespace {

// A fresh non-blocking AF_UNIX pair; both ends invalid if the kernel refused.
struct ScratchPair {
  UniqueFd a, b;
  explicit ScratchPair(SockType type) {
    int sv[2];
    if (::socketpair(AF_UNIX, socket_type(type) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0) {
      a.reset(sv[0]);
      b.reset(sv[1]);
    }
  }
};

// Memoizes successes only, so that a transient failure (EMFILE, say) is measured again.
template <class Measure>
std::uint32_t remember(std::optional<std::uint32_t>& slot, Measure measure) {
  if (slot) return *slot;
  const std::uint32_t v = measure();
  if (v != 0) slot = v;
  return v;
}

std::uint32_t to_u32(long long v) {
  if (v <= 0) return 0;
  return static_cast<std::uint32_t>(
      std::min<unsigned long long>(static_cast<unsigned long long>(v),
                                   std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

std::uint32_t KernelParams::page_size() {
  return remember(page_, [] { return to_u32(::sysconf(_SC_PAGESIZE)); });
}

std::uint32_t KernelParams::pipe_capacity() {
  return remember(pipe_, [] {
    int p[2];
    if (::pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) return 0u;
    const UniqueFd rd(p[0]), wr(p[1]);
    return to_u32(::fcntl(wr.get(), F_GETPIPE_SZ));
  });
}

std::uint32_t KernelParams::unix_sndbuf() {
  return remember(sndbuf_, [] {
    const ScratchPair pair(SockType::Stream);
    if (!pair.a) return 0u;
    int v = 0;
    socklen_t len = sizeof v;
    if (::getsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &v, &len) != 0) return 0u;
    return to_u32(v);
  });
}

std::uint32_t KernelParams::skb_truesize(SockType type, std::uint32_t payload) {
  const auto key = std::make_pair(type, payload);
  if (const auto it = truesize_.find(key); it != truesize_.end()) return it->second;

  const ScratchPair pair(type);
  if (!pair.a) return 0;
  const std::vector<unsigned char> buf(std::max<std::size_t>(payload, 1));
  const ssize_t sent = ::send(pair.a.get(), buf.data(), payload, MSG_DONTWAIT | MSG_NOSIGNAL);
  // A short send split the payload over several skbs or stopped early: not the one skb asked for.
  if (sent < 0 || static_cast<std::size_t>(sent) != payload) return 0;
  // For AF_UNIX, SIOCOUTQ is the sender's sk_wmem_alloc: the truesize of what is queued at the
  // peer and not yet read, here exactly the one skb.
  int queued = 0;
  if (::ioctl(pair.a.get(), SIOCOUTQ, &queued) != 0) return 0;
  const std::uint32_t v = to_u32(queued);
  if (v != 0) truesize_.emplace(key, v);
  return v;
}

std::uint32_t KernelParams::nofile_limit() {
  return remember(nofile_, [] {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0u;
    // RLIM_INFINITY and anything past 32 bits saturate.
    return static_cast<std::uint32_t>(
        std::min<rlim_t>(rl.rlim_cur, std::numeric_limits<std::uint32_t>::max()));
  });
}

// The first skb of a large send is freed, and SIOCOUTQ drops, exactly when the reader has
// consumed all of its payload: the smallest such read length is one skb's payload.
std::uint32_t KernelParams::unix_stream_skb_max() {
  return remember(skb_max_, [] {
    constexpr std::uint32_t kSend = 128 * 1024;
    const std::vector<unsigned char> buf(kSend);
    auto frees_first_skb = [&](std::uint32_t k) -> std::optional<bool> {
      const ScratchPair pair(SockType::Stream);
      if (!pair.a) return std::nullopt;
      if (::send(pair.a.get(), buf.data(), kSend, MSG_DONTWAIT | MSG_NOSIGNAL) <= 0)
        return std::nullopt;
      int before = 0, after = 0;
      std::vector<unsigned char> sink(k);
      if (::ioctl(pair.a.get(), SIOCOUTQ, &before) != 0) return std::nullopt;
      if (::recv(pair.b.get(), sink.data(), k, MSG_DONTWAIT) != static_cast<ssize_t>(k))
        return std::nullopt;
      if (::ioctl(pair.a.get(), SIOCOUTQ, &after) != 0) return std::nullopt;
      return after < before;
    };
    std::uint32_t lo = 1, hi = kSend / 2;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const auto freed = frees_first_skb(mid);
      if (!freed) return 0u;
      if (*freed) hi = mid; else lo = mid + 1;
    }
    return lo;
  });
}

std::string KernelParams::kernel_release() { return pc::kernel_release(); }

std::int64_t KernelParams::uring_features() {
  if (!uring_) uring_ = pc_uring_features();
  return *uring_;
}

bool KernelParams::uring_opcode_supported(std::uint8_t opcode) {
  if (!opcodes_) {
    opcodes_.emplace();  // empty, so every opcode unsupported, if the probe fails
    std::vector<unsigned char> supported(256, 0);
    if (pc_uring_probe_opcodes(supported.data(), static_cast<unsigned>(supported.size())) == 0)
      opcodes_->assign(supported.begin(), supported.end());
  }
  return opcode < opcodes_->size() && (*opcodes_)[opcode];
}

}  // namespace pc

namespace pc {

std::string KernelParams::inet_unavailable() { return loopback_netns_unavailable(); }

std::string KernelParams::waiters_unavailable() { return waiter_settle_unavailable(); }

// One FIFO made both ways and closed again: what every fifo op needs of the environment.
std::string KernelParams::fifo_unavailable() {
  int fds[2];
  if (pc_make_fifo(PC_FIFO_BOTH, fds) != 0)
    return fmt::format("a FIFO in a private folder under $TMPDIR or /tmp cannot be made: {}",
                       errno_text(errno));
  ::close(fds[0]);
  ::close(fds[1]);
  return {};
}

}  // namespace pc
