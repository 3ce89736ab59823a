// TCP and UDP pairs over loopback, and the settling that makes their delivery observable: after
// every op the executor waits, bounded, until loopback traffic has settled, by the C runtime's
// rule (repro/runtime/pc_inet.h) that the reproducer applies too.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel/executor.h"
#include "kernel/loopback_net.h"

namespace pc {
namespace {

constexpr int kConnectWaitMs = 2000;

sockaddr_in loopback_any_port() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool local_address(int fd, sockaddr_in& a) {
  socklen_t len = sizeof a;
  return ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
}

bool wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, kConnectWaitMs) == 1 && (p.revents & events);
}

std::uint64_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

}  // namespace

// listen, connect, accept on 127.0.0.1; then the two connected sockets are moved down onto the
// two lowest of the three numbers used, so that the pair lands where socketpair's would.
KernelExecutor::InetPair KernelExecutor::make_tcp_pair() {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  if (!listener) return InetPair::failed(errno);
  sockaddr_in addr = loopback_any_port();
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener.get(), 1) != 0 || !local_address(listener.get(), addr))
    return InetPair::failed(errno);
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  if (!client) return InetPair::failed(errno);
  if (::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS)
    return InetPair::failed(errno);
  if (!wait_for(listener.get(), POLLIN) || !wait_for(client.get(), POLLOUT)) return InetPair::failed(ETIMEDOUT);
  UniqueFd server(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK));
  if (!server) return InetPair::failed(errno);
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (::getsockopt(client.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0)
    return InetPair::failed(so_error ? so_error : errno);
  listener.reset();  // its number is now the lowest free one
  UniqueFd a(::dup(client.get()));
  client.reset();
  UniqueFd b(::dup(server.get()));
  server.reset();
  if (!a || !b) return InetPair::failed(errno);
  InetPair r;
  r.a = std::move(a);
  r.b = std::move(b);
  return r;
}

KernelExecutor::InetPair KernelExecutor::make_udp_pair() {
  UniqueFd a(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  if (!a) return InetPair::failed(errno);
  UniqueFd b(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  if (!b) return InetPair::failed(errno);
  sockaddr_in aa = loopback_any_port(), ba = loopback_any_port();
  if (::bind(a.get(), reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0 ||
      ::bind(b.get(), reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
      !local_address(a.get(), aa) || !local_address(b.get(), ba) ||
      ::connect(a.get(), reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
      ::connect(b.get(), reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0)
    return InetPair::failed(errno);
  InetPair r;
  r.a = std::move(a);
  r.b = std::move(b);
  return r;
}

Observation KernelExecutor::make_inet_pair(const MakeSocketPair& op) {
  const OutHandle outs[] = {op.a, op.b};
  if (!loopback_netns_unavailable().empty()) return creation_failed(outs, ENETUNREACH);
  InetPair p = op.type == SockType::Tcp ? make_tcp_pair() : make_udp_pair();
  if (p.err) return creation_failed(outs, p.err);
  InetSock sa{op.type, inode_of(p.b.get())}, sb{op.type, inode_of(p.a.get())};
  inet_[inode_of(p.a.get())] = sa;
  inet_[inode_of(p.b.get())] = sb;
  UniqueFd fds[] = {std::move(p.a), std::move(p.b)};
  return adopt(outs, fds);
}

Observation KernelExecutor::exec(const TcpListen& op, std::size_t) {
  if (!loopback_netns_unavailable().empty()) return creation_failed({&op.out, 1}, ENETUNREACH);
  UniqueFd l(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  if (!l) return creation_failed({&op.out, 1}, errno);
  sockaddr_in addr = loopback_any_port();
  if (::bind(l.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(l.get(), kTcpBacklog) != 0)
    return creation_failed({&op.out, 1}, errno);
  return adopt({&op.out, 1}, {&l, 1});
}

Observation KernelExecutor::exec(const TcpConnect& op, std::size_t) {
  if (!loopback_netns_unavailable().empty()) return creation_failed({&op.out, 1}, ENETUNREACH);
  // The address first: the new socket may take the number of a closed listener slot.
  sockaddr_in addr{};
  if (!local_address(fd_of(op.listener), addr)) return creation_failed({&op.out, 1}, errno);
  UniqueFd c(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  if (!c) return creation_failed({&op.out, 1}, errno);
  const int r = ::connect(c.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  sockaddr_in mine{};
  local_address(c.get(), mine);
  inet_[inode_of(c.get())] = InetSock{SockType::Tcp, 0, ntohs(mine.sin_port)};
  Observation obs = adopt({&op.out, 1}, {&c, 1});
  obs.ret = r;
  obs.err = r < 0 ? err : 0;
  return obs;
}

Observation KernelExecutor::exec(const Accept& op, std::size_t) {
  const int fd = ::accept4(fd_of(op.fd), nullptr, nullptr, SOCK_NONBLOCK);
  if (fd < 0) return creation_failed({&op.out, 1}, errno);
  UniqueFd a(fd);
  // Pair the new socket with the connecting one it came from, by the latter's port.
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0) {
    const std::uint64_t me = inode_of(fd);
    for (auto& [ino, sock] : inet_)
      if (sock.peer == 0 && sock.port != 0 && sock.port == ntohs(peer.sin_port)) {
        sock.peer = me;
        inet_[me] = InetSock{SockType::Tcp, ino, 0};
        break;
      }
  }
  return adopt({&op.out, 1}, {&a, 1});
}

Observation KernelExecutor::exec(const LingerZero& op, std::size_t) {
  const linger l{1, 0};
  Observation obs;
  obs.ret = ::setsockopt(fd_of(op.fd), SOL_SOCKET, SO_LINGER, &l, sizeof l);
  if (obs.ret < 0) obs.err = errno;
  return obs;
}

Observation KernelExecutor::exec(const SoError& op, std::size_t) {
  int value = 0;
  socklen_t len = sizeof value;
  Observation obs;
  if (::getsockopt(fd_of(op.fd), SOL_SOCKET, SO_ERROR, &value, &len) != 0) {
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
