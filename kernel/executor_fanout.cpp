// One file under thousands of descriptors (op fanout): poll, select and epoll at scale.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "kernel/executor.h"
#include "vocab/fanout_digest.h"
#include "kernel/fd_bitmap.h"

namespace pc {

Observation KernelExecutor::exec(const Fanout& op, std::size_t) {
  const std::uint32_t n = std::min(op.n, kFanoutMax);
  const int fd = fd_of(op.fd);
  Observation obs;
  std::vector<int> dups;
  dups.reserve(n);
  auto close_all = [&] {
    for (int d : dups) ::close(d);
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    const int d = ::fcntl(fd, F_DUPFD, 0);
    if (d < 0) {
      obs.ret = -1;
      obs.err = errno;
      obs.writes = static_cast<std::uint32_t>(dups.size());
      close_all();
      return obs;
    }
    dups.push_back(d);
  }
  if (!dups.empty()) obs.fds = {dups.front(), dups.back()};
  FanoutDigest digest;
  switch (op.mode) {
    case FanoutMode::Epoll: {
      const int ep = fd_of(op.epfd);
      for (std::uint32_t i = 0; i < n; ++i) {
        epoll_event ev{};
        ev.events = op.events.bits;
        ev.data.u64 = i;
        if (::epoll_ctl(ep, EPOLL_CTL_ADD, dups[i], &ev) != 0) {
          obs.ret = -1;
          obs.err = errno;
          obs.writes = 0;
          for (std::uint32_t k = 0; k < i; ++k) ::epoll_ctl(ep, EPOLL_CTL_DEL, dups[k], nullptr);
          close_all();
          return obs;
        }
      }
      std::vector<bool> seen(n, false);
      std::uint32_t unseen = n;
      std::vector<epoll_event> buf(epoll_entries(op.maxevents));
      const std::uint32_t rounds = fanout_max_rounds(n, op.maxevents);
      while (unseen > 0 && obs.writes < rounds) {
        const int got = ::epoll_wait(ep, buf.data(), op.maxevents, 0);
        ++obs.writes;
        if (got < 0) {
          obs.ret = -1;
          obs.err = errno;
          break;
        }
        if (got == 0) break;
        for (int k = 0; k < got; ++k) {
          digest.event(buf[static_cast<std::size_t>(k)].data.u64, buf[static_cast<std::size_t>(k)].events);
          const std::uint64_t idx = buf[static_cast<std::size_t>(k)].data.u64;
          if (idx < n && !seen[idx]) {
            seen[idx] = true;
            --unseen;
          }
        }
        if (obs.ret >= 0) obs.ret += got;
      }
      for (int d : dups) ::epoll_ctl(ep, EPOLL_CTL_DEL, d, nullptr);
      break;
    }
    case FanoutMode::Poll: {
      std::vector<pollfd> arr(n);
      for (std::uint32_t i = 0; i < n; ++i) arr[i] = pollfd{dups[i], static_cast<short>(op.events.bits), 0};
      obs.ret = ::poll(arr.data(), arr.size(), 0);
      if (obs.ret < 0) obs.err = errno;
      else
        for (const pollfd& p : arr) digest.revents(static_cast<std::uint16_t>(p.revents));
      break;
    }
    case FanoutMode::Select: {
      // A bitmap sized for nfds, not glibc's fd_set: select reads nfds bits from it.
      const int nfds = dups.empty() ? 0 : dups.back() + 1;
      FdBitmap rd(static_cast<std::uint64_t>(nfds) + 1);
      for (int d : dups) rd.set(d);
      timeval tv{0, 0};
      obs.ret = ::select(nfds, rd.raw(), nullptr, nullptr, &tv);
      if (obs.ret < 0) obs.err = errno;
      else
        for (int d : dups)
          if (rd.test(d)) digest.fd(d);
      break;
    }
  }
  close_all();
  if (obs.ret >= 0) obs.digest = digest.value();
  return obs;
}

}  // namespace pc
