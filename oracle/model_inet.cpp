// TCP and UDP pairs over loopback, in the settled form the executor waits for: every segment
// and datagram sent has been processed by the time the op returns (acknowledgements included,
// since the harness's loopback route asks for quick ACKs). Sources: net/ipv4/tcp.c (tcp_poll,
// tcp_sendmsg_locked, tcp_recvmsg_locked, tcp_shutdown, __tcp_close), net/ipv4/tcp_input.c
// (tcp_fin, tcp_reset, tcp_rcv_state_process), net/core/datagram.c (datagram_poll),
// net/ipv4/udp.c (udp_sendmsg, __skb_recv_udp, __udp4_lib_err), net/ipv4/af_inet.c.
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>

#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

// Unread bytes one direction may hold and stay far from every buffer and window limit, where
// the model would have to follow the kernel's memory accounting.
constexpr std::uint64_t kInetUnreadLimit = 32 * 1024;

std::uint64_t unread(const SockEnd& e) {
  std::uint64_t n = 0;
  for (const Skb& s : e.rq) n += s.seg.size();
  return n;
}

void check_unread_limit(const SockEnd& receiver, std::uint64_t len, const char* proto) {
  if (unread(receiver) + len > kInetUnreadLimit)
    throw Unmodeled(std::string(proto) + " with more than 32 KiB unread in one direction (buffer "
                    "and window accounting are not modeled)");
}

bool is_socket(Kind k) { return k == Kind::Socket || k == Kind::Listener; }

}  // namespace

// ---- listen, connect, accept ----

Observation Model::op(const TcpListen& l, std::size_t, RuleLog& log, const Observation*) {
  if (const std::string& why = params_->inet_unavailable(); !why.empty())
    throw Unmodeled("TCP and UDP left out: " + why, true);
  log.use(RuleId::FD_LOWEST);
  log.use(RuleId::RD_TCP_LISTEN);
  const int id = next_object_++;
  listeners_[id] = ListenerObj{};
  Observation o;
  o.fds = {open_new(Kind::Listener, id, 0, l.out)};
  return o;
}

// The socket is made first; connect then completes the handshake on loopback (settled), so
// the new connection waits in the listener's queue and wakes it (tcp_child_process:
// sk_data_ready), while connect itself, non-blocking, has said EINPROGRESS.
Observation Model::op(const TcpConnect& c, std::size_t, RuleLog& log, const Observation*) {
  if (const std::string& why = params_->inet_unavailable(); !why.empty())
    throw Unmodeled("TCP and UDP left out: " + why, true);
  const auto lofd = ofd_of_fd(fd_of(c.listener));
  if (!lofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    bind(c.out, -1);
    return failure(EBADF);
  }
  const OpenFile& lf = files_.at(*lofd);
  if (!is_socket(lf.kind)) {  // getsockname
    bind(c.out, -1);
    return failure(ENOTSOCK);
  }
  if (lf.kind != Kind::Listener) throw Unmodeled("tcp_connect to a socket that is not a TCP listener");
  ListenerObj& l = listeners_.at(lf.object);
  if (l.pending.size() >= static_cast<std::size_t>(kTcpBacklog))
    throw Unmodeled("tcp_connect to a listener whose accept queue is full (SYNs are dropped)");
  log.use(RuleId::FD_LOWEST);
  log.use(RuleId::RD_TCP_LISTEN);
  const int id = next_object_++;
  socks_[id] = SockPair{SockType::Tcp, {}};
  socks_[id].end[1].linger0 = l.linger0;  // the accepted end is the listener's clone
  l.pending.push_back(id);
  Observation o;
  o.fds = {open_new(Kind::Socket, id, 0, c.out)};
  o.ret = -1;
  o.err = EINPROGRESS;
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Listener, lf.object, 0}, kReadableKey, log);
  return o;
}

Observation Model::op(const Accept& a, std::size_t, RuleLog& log, const Observation*) {
  // Every failure leaves the slot unbound, as the executor's does.
  const auto fail = [&](int err) {
    bind(a.out, -1);
    return failure(err);
  };
  const auto ofd = ofd_of_fd(fd_of(a.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return fail(EBADF);
  }
  const OpenFile& f = files_.at(*ofd);
  log.use(RuleId::RD_TCP_LISTEN);
  if (!is_socket(f.kind)) return fail(ENOTSOCK);
  if (f.kind == Kind::Socket) {
    // unix_accept and sock_no_accept: datagram sockets cannot accept; connected ones are not
    // listening.
    const SockType t = socks_.at(f.object).type;
    return fail(t == SockType::Dgram || t == SockType::Udp ? EOPNOTSUPP : EINVAL);
  }
  ListenerObj& l = listeners_.at(f.object);
  if (l.pending.empty()) return fail(EAGAIN);
  const int id = l.pending.front();
  l.pending.pop_front();
  log.use(RuleId::FD_LOWEST);
  Observation o;
  o.fds = {open_new(Kind::Socket, id, 1, a.out)};
  return o;
}

void Model::release_listener(int listener_id, RuleLog& log) {
  // inet_csk_listen_stop: each waiting connection is disconnected, which resets its peer.
  for (const int id : listeners_.at(listener_id).pending) {
    SockPair& s = socks_.at(id);
    s.end[1].alive = false;
    if (s.end[0].alive && s.end[0].tcp != TcpState::Close) tcp_reset(s, id, 0, log);
    if (!s.end[0].alive) socks_.erase(id);
  }
  listeners_.erase(listener_id);
}

int Model::socket_of(Handle h, RuleLog& log, const OpenFile*& file) const {
  const auto ofd = ofd_of_fd(fd_of(h));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return EBADF;
  }
  file = &files_.at(*ofd);
  log.use(RuleId::RD_TCP_CLOSE);
  return is_socket(file->kind) ? 0 : ENOTSOCK;
}

Observation Model::op(const LingerZero& l, std::size_t, RuleLog& log, const Observation*) {
  const OpenFile* f = nullptr;
  if (const int err = socket_of(l.fd, log, f)) return failure(err);
  if (f->kind == Kind::Socket) socks_.at(f->object).end[f->side].linger0 = true;
  else listeners_.at(f->object).linger0 = true;
  return Observation{};
}

Observation Model::op(const SoError& e, std::size_t, RuleLog& log, const Observation*) {
  const OpenFile* f = nullptr;
  if (const int err = socket_of(e.fd, log, f)) return failure(err);
  Observation o;
  if (f->kind == Kind::Socket) o.ret = -take_sock_err(socks_.at(f->object).end[f->side]);  // sock_error
  return o;
}

std::uint32_t Model::inet_readiness(const SockPair& s, int side) const {
  const SockEnd& e = s.end[side];
  std::uint32_t m = 0;
  if (e.err) m |= EPOLLERR;
  if (e.shutdown & 1) m |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
  if (s.type == SockType::Tcp) {
    // tcp_poll: with only the urgent byte unread at the read position the stream is not
    // readable (SO_OOBINLINE off: target + 1); urgent data still to be read is POLLPRI.
    const std::uint64_t queued = queued_bytes(e);
    const std::uint64_t target = e.urg_seq && *e.urg_seq == e.rx_taken ? 2 : 1;
    if (queued >= target) m |= EPOLLIN | EPOLLRDNORM;
    if (e.urg_valid) m |= EPOLLPRI;
  } else if (!e.rq.empty()) {
    m |= EPOLLIN | EPOLLRDNORM;
  }
  if (s.type == SockType::Tcp) {
    // tcp_poll: POLLOUT also once SEND_SHUTDOWN is set (the else branch); never WRBAND.
    if (e.shutdown == 3 || e.tcp == TcpState::Close) m |= EPOLLHUP;
    m |= EPOLLOUT | EPOLLWRNORM;
  } else {
    // datagram_poll: not connection-based, so only a full shutdown is HUP.
    if (e.shutdown == 3) m |= EPOLLHUP;
    m |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
  }
  if (mutant_ == Mutant::NoRdhup) m &= ~static_cast<std::uint32_t>(EPOLLRDHUP);
  return m;
}

void Model::tcp_reset(SockPair& s, int sock_id, int side, RuleLog& log) {
  log.use(RuleId::RD_TCP_CLOSE);
  SockEnd& e = s.end[side];
  e.err = e.tcp == TcpState::CloseWait ? EPIPE : ECONNRESET;
  e.tcp = TcpState::Close;
  e.shutdown = 3;
  // tcp_done_with_error: tcp_done's sk_state_change (no key) comes before sk_error_report, so
  // a one-shot io_uring poll takes the unkeyed wakeup and polls the file.
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Socket, sock_id, side}, 0, log);
  wake({Kind::Socket, sock_id, side}, EPOLLERR, log);
}

void Model::tcp_fin(SockPair& s, int sock_id, int side, RuleLog& log) {
  log.use(RuleId::RD_TCP_CLOSE);
  SockEnd& e = s.end[side];
  e.shutdown |= 1;
  e.done = true;
  // ESTABLISHED -> CLOSE_WAIT; FIN_WAIT2 -> TIME_WAIT, which leaves the socket TCP_CLOSE.
  if (e.tcp == TcpState::Established) e.tcp = TcpState::CloseWait;
  else if (e.tcp == TcpState::FinWait2) {
    e.tcp = TcpState::Close;
    e.shutdown = 3;
  }
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Socket, sock_id, side}, 0, log);
}

std::int64_t Model::tcp_write(SockPair& s, int sock_id, int side, const Segment& data, RuleLog& log) {
  log.use(RuleId::RD_TCP);
  SockEnd& me = s.end[side];
  SockEnd& peer = s.end[1 - side];
  if (me.tcp != TcpState::Established && me.tcp != TcpState::CloseWait) {
    // sk_stream_wait_connect: a pending error first, else EPIPE (and SIGPIPE, ignored).
    log.use(RuleId::RD_TCP_CLOSE);
    return me.err ? take_sock_err(me) : -EPIPE;
  }
  if (me.err) return take_sock_err(me);
  if (data.size() == 0) return 0;
  if (peer.alive) check_unread_limit(peer, data.size(), "TCP");
  if (!peer.alive) {
    // The peer's orphan (FIN_WAIT2 in time-wait form) answers data with an RST.
    tcp_reset(s, sock_id, side, log);
  } else if (peer.tcp == TcpState::FinWait2 && (peer.shutdown & 1)) {
    // tcp_rcv_state_process: data for a FIN_WAIT socket that shut reading aborts it, and the
    // RST it sends back resets this end too.
    tcp_reset(s, sock_id, 1 - side, log);
    tcp_reset(s, sock_id, side, log);
  } else {
    peer.rq.push_back(Skb{data, 0});
    peer.rx_pushed += data.size();
    log.use(RuleId::EP_ET_WAKEUPS);
    wake({Kind::Socket, sock_id, 1 - side}, kReadableKey, log);
  }
  return static_cast<std::int64_t>(data.size());
}

std::int64_t Model::udp_write(SockPair& s, int sock_id, int side, const Segment& data, RuleLog& log) {
  log.use(RuleId::RD_UDP);
  SockEnd& me = s.end[side];
  SockEnd& peer = s.end[1 - side];
  // udp_sendmsg and __ip_append_data refuse what cannot fit an IPv4 datagram before anything
  // else; then sock_alloc_send_pskb: a pending error, then SEND_SHUTDOWN.
  if (data.size() > 65535 - 20 - 8) return -EMSGSIZE;
  if (me.err) {
    log.use(RuleId::RD_UDP_ICMP);
    return take_sock_err(me);
  }
  if (me.shutdown & 2) return -EPIPE;
  if (peer.alive) check_unread_limit(peer, data.size(), "UDP");
  log.use(RuleId::EP_ET_WAKEUPS);
  // The skb leaves its sender at ip_rcv (sock_wfree), which wakes the sender's writers.
  wake({Kind::Socket, sock_id, side}, kWriteSpaceKey, log);
  if (peer.alive) {
    peer.rq.push_back(Skb{data, 0});
    wake({Kind::Socket, sock_id, 1 - side}, kReadableKey, log);
  } else {
    // No socket on the port: ICMP port unreachable, which a connected socket takes as a hard
    // error (loopback is not rate limited in the harness's namespace).
    log.use(RuleId::RD_UDP_ICMP);
    me.err = ECONNREFUSED;
    wake({Kind::Socket, sock_id, side}, EPOLLERR, log);
  }
  return static_cast<std::int64_t>(data.size());
}

std::int64_t Model::inet_read(SockPair& s, int side, std::uint32_t len, std::uint64_t& digest,
                              bool peek, RuleLog& log) {
  SockEnd& e = s.end[side];
  if (peek) log.use(RuleId::RD_PEEK);
  if (s.type == SockType::Udp) {
    log.use(RuleId::RD_UDP);
    // __skb_recv_udp: a pending error comes before any queued datagram; a nonblocking read
    // of an empty queue is EAGAIN even after SHUT_RD.
    if (e.err) {
      log.use(RuleId::RD_UDP_ICMP);
      return take_sock_err(e);
    }
    if (e.rq.empty()) return -EAGAIN;
    const Skb skb = e.rq.front();
    if (!peek) e.rq.pop_front();
    const std::uint64_t c = std::min<std::uint64_t>(skb.seg.size(), len);
    skb.seg.digest(skb.seg.begin, c, digest);
    return static_cast<std::int64_t>(c);
  }
  log.use(RuleId::RD_TCP);
  if (e.urg_seq) {
    log.use(RuleId::RD_TCP_OOB);
    if (peek) throw Unmodeled("MSG_PEEK across TCP urgent data is not modeled");
    if (*e.urg_seq == e.rx_taken) {
      // At the mark: the urgent byte is no part of the stream (SO_OOBINLINE off), skipped.
      take_front(e, 1);
    } else {
      len = static_cast<std::uint32_t>(std::min<std::uint64_t>(len, *e.urg_seq - e.rx_taken));  // stop at the mark
    }
  }
  if (e.rq.empty()) {
    clear_passed_urg(e);
    // tcp_recvmsg_locked with nothing copied: SOCK_DONE, then the error, then RCV_SHUTDOWN.
    if (e.done) {
      log.use(RuleId::RD_TCP_CLOSE);
      return 0;
    }
    if (e.err) {
      log.use(RuleId::RD_TCP_CLOSE);
      return take_sock_err(e);
    }
    if (e.shutdown & 1) return 0;
    return -EAGAIN;
  }
  std::uint64_t copied = 0;
  for (auto it = e.rq.begin(); it != e.rq.end() && copied < len;) {
    const std::uint64_t c = std::min<std::uint64_t>(it->seg.size(), len - copied);
    it->seg.digest(it->seg.begin, c, digest);
    copied += c;
    if (peek) {
      ++it;
      continue;
    }
    it->seg.begin += c;
    it = it->seg.size() == 0 ? e.rq.erase(it) : std::next(it);
  }
  if (!peek) e.rx_taken += copied;
  clear_passed_urg(e);
  return static_cast<std::int64_t>(copied);
}

std::uint64_t Model::queued_bytes(const SockEnd& e) {
  std::uint64_t n = 0;
  for (const Skb& skb : e.rq) n += skb.seg.size();
  return n;
}

void Model::take_front(SockEnd& e, std::uint64_t n) {
  while (n > 0 && !e.rq.empty()) {
    Segment& seg = e.rq.front().seg;
    const std::uint64_t c = std::min(n, seg.size());
    seg.begin += c;
    n -= c;
    e.rx_taken += c;
    if (seg.size() == 0) e.rq.pop_front();
  }
}

// tcp_check_urg: a new urgent pointer at seq. An earlier urgent byte still unread is dropped
// when it is next to be read and the queue held more than it before this segment (copied_seq !=
// rcv_nxt), else left in the stream as ordinary data.
void Model::check_urg(SockEnd& e, std::uint64_t queued_before, std::uint64_t seq, unsigned char byte) {
  if (e.urg_seq && *e.urg_seq == e.rx_taken && queued_before > 0) take_front(e, 1);
  e.urg_seq = seq;
  e.urg_valid = true;
  e.urg_byte = byte;
}

// tcp_recvmsg: once the reader is past the urgent byte, tp->urg_data goes back to 0.
void Model::clear_passed_urg(SockEnd& e) {
  if (e.urg_seq && e.rx_taken > *e.urg_seq) {
    e.urg_seq.reset();
    e.urg_valid = false;
  }
}

// The file a MSG_OOB op names: EBADF, ENOTSOCK, or what a listener gives (send: EPIPE from
// sk_stream_wait_connect; recv: ENOTCONN from tcp_recvmsg on TCP_LISTEN).
int Model::oob_file(Handle h, int listener_err, RuleLog& log, const OpenFile*& file) const {
  const auto ofd = ofd_of_fd(fd_of(h));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return EBADF;
  }
  file = &files_.at(*ofd);
  log.use(RuleId::RD_TCP_OOB);
  if (file->kind == Kind::Listener) return listener_err;
  return file->kind == Kind::Socket ? 0 : ENOTSOCK;
}

Observation Model::op(const SendOob& so, std::size_t step, RuleLog& log, const Observation*) {
  const OpenFile* file = nullptr;
  if (const int err = oob_file(so.fd, EPIPE, log, file)) return failure(err);
  const OpenFile& f = *file;
  SockPair& s = socks_.at(f.object);
  if (s.type == SockType::Stream) throw Unmodeled("MSG_OOB on AF_UNIX stream sockets is not modeled");
  if (s.type == SockType::Seqpacket) {
    // unix_seqpacket_sendmsg: the pending error, then the state, before unix_dgram_sendmsg
    // refuses MSG_OOB.
    SockEnd& me = s.end[f.side];
    if (me.err) return failure(static_cast<int>(-take_sock_err(me)));
    if (me.state_close) return failure(ENOTCONN);
  }
  if (s.type != SockType::Tcp) return failure(EOPNOTSUPP);  // unix_dgram_sendmsg, udp_sendmsg
  SockEnd& peer = s.end[1 - f.side];
  const std::uint64_t before = peer.rx_pushed;
  // tcp_rcv_state_process takes the URG bit (tcp_urg) before the text that a FIN_WAIT socket
  // which shut reading answers with a reset: the urgent byte is registered all the same.
  const bool aborts = so.len > 0 && peer.alive && peer.tcp == TcpState::FinWait2 && (peer.shutdown & 1) &&
                      (s.end[f.side].tcp == TcpState::Established || s.end[f.side].tcp == TcpState::CloseWait) &&
                      !s.end[f.side].err;
  const std::int64_t r = tcp_write(s, f.object, f.side, Segment{static_cast<std::uint32_t>(step), 0, so.len, 0, so.len}, log);
  if (r < 0) return failure(static_cast<int>(-r));
  Observation o;
  o.ret = r;
  const unsigned char last = Segment{static_cast<std::uint32_t>(step), 0, so.len, 0, so.len}.byte_at(so.len - 1);
  if (aborts) {
    check_urg(peer, queued_bytes(peer), peer.rx_pushed + so.len - 1, last);
    return o;
  }
  if (r == 0 || peer.rx_pushed == before) return o;  // nothing reached a live peer's queue
  check_urg(peer, queued_bytes(peer) - static_cast<std::uint64_t>(r), peer.rx_pushed - 1, last);
  // tcp_urg: the byte is there, sk_data_ready once more.
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Socket, f.object, 1 - f.side}, kReadableKey, log);
  return o;
}

Observation Model::op(const RecvOob& ro, std::size_t, RuleLog& log, const Observation*) {
  const OpenFile* file = nullptr;
  if (const int err = oob_file(ro.fd, ENOTCONN, log, file)) return failure(err);
  const OpenFile& f = *file;
  SockPair& s = socks_.at(f.object);
  SockEnd& e = s.end[f.side];
  if (s.type == SockType::Stream) throw Unmodeled("MSG_OOB on AF_UNIX stream sockets is not modeled");
  if (s.type == SockType::Udp) {
    if (!e.rq.empty() || e.err) throw Unmodeled("recv(MSG_OOB) of a UDP socket with data or an error");
    return failure(EAGAIN);
  }
  // unix_seqpacket_recvmsg looks at the state before unix_dgram_recvmsg refuses MSG_OOB.
  if (s.type == SockType::Seqpacket && e.state_close) return failure(ENOTCONN);
  if (s.type != SockType::Tcp) return failure(EOPNOTSUPP);  // unix_dgram_recvmsg
  // tcp_recv_urg: no urgent byte to read is EINVAL ("Yes this is right !"), before anything.
  if (!e.urg_seq || !e.urg_valid) return failure(EINVAL);
  if (e.tcp == TcpState::Close && !e.done) return failure(ENOTCONN);
  e.urg_valid = false;  // TCP_URG_READ: the byte stays in the stream, to be skipped there
  Observation o;
  o.ret = 1;
  o.digest = fnv1a(&e.urg_byte, 1);
  return o;
}

std::int64_t Model::inet_shutdown(SockPair& s, int sock_id, int side, std::uint8_t mode, RuleLog& log) {
  SockEnd& me = s.end[side];
  SockEnd& peer = s.end[1 - side];
  if (s.type == SockType::Udp) {
    // A connected UDP socket is TCP_ESTABLISHED: the bits are set, nothing is sent.
    log.use(RuleId::RD_UDP);
    me.shutdown |= mode;
    log.use(RuleId::EP_ET_WAKEUPS);
    wake({Kind::Socket, sock_id, side}, 0, log);
    return 0;
  }
  log.use(RuleId::RD_TCP);
  log.use(RuleId::RD_TCP_CLOSE);
  const bool was_close = me.tcp == TcpState::Close;
  me.shutdown |= mode;
  // The FIN goes out inside tcp_shutdown and loopback delivers it there, so the peer is woken
  // first; then inet_shutdown's sk_state_change wakes this end; the peer's ACK waits in this
  // end's backlog until release_sock and wakes it once more.
  bool sent_fin = false;
  if (!was_close && (mode & 2)) {
    if (me.tcp == TcpState::Established) {
      me.tcp = TcpState::FinWait2;
      tcp_fin(s, sock_id, 1 - side, log);
      sent_fin = true;
    } else if (me.tcp == TcpState::CloseWait) {
      // LAST_ACK, then TCP_CLOSE at the ACK (tcp_done).
      me.tcp = TcpState::Close;
      me.shutdown = 3;
      if (peer.alive) tcp_fin(s, sock_id, 1 - side, log);
      sent_fin = peer.alive;
    }
  }
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Socket, sock_id, side}, 0, log);
  // The ACK of a FIN sent here changes the state again (FIN_WAIT2, or TCP_CLOSE from LAST_ACK)
  // and wakes this end once more. Both wakeups land before any thread woken here has run, or
  // one may run between them and take an edge-triggered event that the second then queues
  // again (apply's eager run sees that): under load the ACK may come from ksoftirqd later.
  if (sent_fin) wake({Kind::Socket, sock_id, side}, 0, log);
  return was_close ? -ENOTCONN : 0;
}

void Model::inet_release(int sock_id, int side, RuleLog& log) {
  SockPair& s = socks_.at(sock_id);
  SockEnd& me = s.end[side];
  SockEnd& peer = s.end[1 - side];
  me.alive = false;
  if (s.type == SockType::Tcp && me.tcp != TcpState::Close && peer.alive) {
    log.use(RuleId::RD_TCP_CLOSE);
    if (!me.rq.empty() || me.linger0) {
      // __tcp_close: unread data sends an RST; so does SO_LINGER with a zero timeout
      // (tcp_disconnect, in every state that still has a peer).
      tcp_reset(s, sock_id, 1 - side, log);
    } else if (me.tcp == TcpState::Established || me.tcp == TcpState::CloseWait) {
      tcp_fin(s, sock_id, 1 - side, log);
    }
    // FIN_WAIT2: the FIN went out at shutdown; the orphan sends nothing now.
  }
  me.rq.clear();
  if (!peer.alive) socks_.erase(sock_id);
}

}  // namespace pc
