// TCP and UDP pairs over loopback, and the settling that makes their delivery observable: after
// every op the executor waits, bounded, until loopback traffic has settled, by the C runtime's
// rule (repro/runtime/pc_inet.h) that the reproducer applies too.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel/executor.h"
#include "kernel/loopback_net.h"
#include "repro/runtime/pc_loopback.h"

namespace pc {
namespace {

std::uint64_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

}  // namespace

// pc_tcp_pair and pc_udp_pair (repro/runtime/pc_loopback.h), their descriptors owned here.
KernelExecutor::InetPair KernelExecutor::make_inet_sockets(SockType type) {
  int fds[2] = {-1, -1};
  const int err = type == SockType::Tcp ? pc_tcp_pair(fds) : pc_udp_pair(fds);
  if (err) return InetPair::failed(err);
  InetPair r;
  r.a = UniqueFd(fds[0]);
  r.b = UniqueFd(fds[1]);
  return r;
}

Observation KernelExecutor::make_inet_pair(const MakeSocketPair& op) {
  const OutHandle outs[] = {op.a, op.b};
  if (!loopback_netns_unavailable().empty()) return creation_failed(outs, ENETUNREACH);
  InetPair p = make_inet_sockets(op.type);
  if (p.err) return creation_failed(outs, p.err);
  InetSock sa{op.type, inode_of(p.b.get())}, sb{op.type, inode_of(p.a.get())};
  inet_[inode_of(p.a.get())] = sa;
  inet_[inode_of(p.b.get())] = sb;
  UniqueFd fds[] = {std::move(p.a), std::move(p.b)};
  return adopt(outs, fds);
}

Observation KernelExecutor::exec(const TcpListen& op, std::size_t) {
  if (!loopback_netns_unavailable().empty()) return creation_failed({&op.out, 1}, ENETUNREACH);
  return adopt_one(op.out, pc_tcp_listener(PC_TCP_BACKLOG));
}

Observation KernelExecutor::exec(const TcpConnect& op, std::size_t) {
  if (!loopback_netns_unavailable().empty()) return creation_failed({&op.out, 1}, ENETUNREACH);
  int fd = -1;
  unsigned short port = 0;
  const int r = pc_tcp_connect(fd_of(op.listener), &fd, &port);
  const int err = errno;
  if (fd < 0) return creation_failed({&op.out, 1}, err);
  UniqueFd c(fd);
  inet_[inode_of(fd)] = InetSock{SockType::Tcp, 0, port};
  Observation obs = adopt({&op.out, 1}, {&c, 1});
  obs.ret = r;
  obs.err = r < 0 ? err : 0;
  return obs;
}

Observation KernelExecutor::exec(const Accept& op, std::size_t) {
  unsigned short peer_port = 0;
  const int fd = pc_tcp_accept(fd_of(op.fd), &peer_port);
  if (fd < 0) return creation_failed({&op.out, 1}, errno);
  UniqueFd a(fd);
  // Pair the new socket with the connecting one it came from, by the latter's port.
  if (peer_port != 0) {
    const std::uint64_t me = inode_of(fd);
    for (auto& [ino, sock] : inet_)
      if (sock.peer == 0 && sock.port != 0 && sock.port == peer_port) {
        sock.peer = me;
        inet_[me] = InetSock{SockType::Tcp, ino, 0};
        break;
      }
  }
  return adopt({&op.out, 1}, {&a, 1});
}

Observation KernelExecutor::exec(const LingerZero& op, std::size_t) {
  Observation obs;
  obs.ret = pc_linger_zero(fd_of(op.fd));
  if (obs.ret < 0) obs.err = errno;
  return obs;
}

Observation KernelExecutor::exec(const SoError& op, std::size_t) {
  int value = 0;
  Observation obs;
  if (pc_so_error(fd_of(op.fd), &value) != 0) {
    obs.ret = -1;
    obs.err = errno;
  } else {
    obs.ret = value;
  }
  return obs;
}

// One record per socket made that still has a descriptor or a peer record, for the runtime's
// settle (repro/runtime/pc_inet.h says what settled means). Descriptors do not change while
// settling, so the list is made once per settle.
std::vector<pc_inet_sock> KernelExecutor::inet_socks() {
  std::map<std::uint64_t, int> open;  // inode -> its lowest owned descriptor
  for (int fd : owned_)
    if (const std::uint64_t ino = cached_inode(fd); inet_.count(ino)) open.emplace(ino, fd);
  std::vector<pc_inet_sock> socks;
  for (const auto& [ino, sock] : inet_) {
    const auto mine = open.find(ino);
    socks.push_back({mine == open.end() ? -1 : mine->second, sock.type == SockType::Tcp ? 1 : 0, ino, sock.peer});
  }
  return socks;
}

// A descriptor keeps its file until this executor closes it (owned_ changes only in adopt and
// close, which drop the entry), so settling, which runs after every op, stats each one once.
std::uint64_t KernelExecutor::cached_inode(int fd) {
  const auto [it, fresh] = inode_cache_.try_emplace(fd, 0);
  if (fresh) it->second = inode_of(fd);
  return it->second;
}

bool KernelExecutor::settle_inet() {
  if (inet_.empty()) return true;
  const std::vector<pc_inet_sock> socks = inet_socks();
  if (!pc_inet_settle(socks.data(), socks.size(), &inet_proc_.files)) {
    // Rare, and a finding: say which sockets were still moving.
    for (const auto& [ino, sock] : inet_)
      for (int fd : owned_)
        if (cached_inode(fd) == ino)
          std::fprintf(stderr, "pollcheck executor: unsettled %s fd %d: state %d, %d bytes unacknowledged\n",
                       sock.type == SockType::Tcp ? "TCP" : "UDP", fd,
                       sock.type == SockType::Tcp ? pc_tcp_state(fd) : -1, pc_unsent(fd));
    return false;
  }
  // Sockets no descriptor refers to any more can never be looked at again.
  std::set<std::uint64_t> live;
  for (int fd : owned_) live.insert(cached_inode(fd));
  std::erase_if(inet_, [&](const auto& kv) { return !live.count(kv.first) && !live.count(kv.second.peer); });
  return true;
}

}  // namespace pc
