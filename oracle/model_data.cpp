// Data paths: write, read, fill and shutdown on pipes, AF_UNIX sockets, eventfds and regular
// files, with the wait-queue wakeups each one makes (what edge-triggered epoll observes).
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "oracle/history.h"
#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

constexpr std::uint64_t kEventFdMax = std::numeric_limits<std::uint64_t>::max();

Segment payload(std::size_t step, std::uint64_t value, std::uint32_t len) {
  return Segment{static_cast<std::uint32_t>(step), value, len, 0, len};
}

void digest_u64(std::uint64_t v, std::uint64_t& digest) {
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  digest = fnv1a(b, 8, digest);
}

Observation result(std::int64_t r) {
  Observation o;
  if (r < 0) {
    o.ret = -1;
    o.err = static_cast<int>(-r);
  } else {
    o.ret = r;
  }
  return o;
}

}  // namespace

// ---- write ----

Observation Model::op(const Write& w, std::size_t step, RuleLog& log, const Observation* observed) {
  auto ofd = ofd_of_fd(fd_of(w.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return result(-EBADF);
  }
  // The kernel's byte count where the doc profile lets it choose; a failed write took nothing,
  // for want of room (EAGAIN) or past it. A write of no bytes has only that to follow: its
  // ret 0 does not say it took nothing (a datagram of no bytes was sent), so it is predicted
  // as it is.
  const std::int64_t limit = !observed               ? -1
                             : observed->ret < 0     ? (observed->err == EAGAIN ? 0 : kFailedPastRoom)
                             : w.len == 0            ? -1
                                                     : observed->ret;
  Observation o = result(write_file(*ofd, w.len, w.value, step, limit, log));
  if (observed && observed->ret < 0 && o.ret >= 0) o = *observed;
  return o;
}

Observation Model::op(const FillWrite& w, std::size_t step, RuleLog& log, const Observation* observed) {
  auto ofd = ofd_of_fd(fd_of(w.fd));
  Observation o;
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    o.err = EBADF;
    return o;
  }
  if (const OpenFile& f = files_.at(*ofd); f.kind == Kind::Socket) {
    const SockType t = socks_.at(f.object).type;
    if (t == SockType::Tcp || t == SockType::Udp)
      throw Unmodeled("fill on a TCP or UDP socket (buffer and window accounting are not modeled)");
  }
  // Where accounting is the implementation's, it decides when the buffer is full: the model
  // repeats its writes, each taking what is left of the bytes it reported.
  const bool follow = observed && !accounting_.exact() && observed->ret >= 0;
  std::uint64_t total = 0;
  while (o.writes < kFillMaxWrites && total < kFillMaxBytes) {
    std::int64_t limit = -1;
    if (follow) {
      if (o.writes == observed->writes && observed->err != EAGAIN) {
        o.err = observed->err;
        break;
      }
      // The write that found no room runs too, taking nothing: it wakes what Linux's does, and
      // the buffer is then known full (SockEnd::found_full).
      limit = static_cast<std::int64_t>(std::min<std::uint64_t>(w.len, observed->ret - total));
    }
    const std::int64_t r = write_file(*ofd, w.len, w.value, step, limit, log);
    run_task_work(log);  // each write returns to user space
    release_deferred(log);  // where a thread the write woke may have let go of its file
    if (r < 0) {
      o.err = static_cast<int>(-r);
      break;
    }
    ++o.writes;
    total += static_cast<std::uint64_t>(r);
    if (r == 0) break;
  }
  o.ret = static_cast<std::int64_t>(total);
  return o;
}

std::int64_t Model::write_file(int ofd, std::uint32_t len, std::uint64_t value, std::size_t step,
                               std::int64_t limit, RuleLog& log) {
  OpenFile& f = files_.at(ofd);
  switch (f.kind) {
    case Kind::Epoll:
    case Kind::Ring:  // neither has a write method
      log.use(RuleId::FD_ACCESS_MODE);
      return -EINVAL;
    case Kind::Listener:  // sk_stream_wait_connect: not connecting, not connected
      log.use(RuleId::RD_TCP_LISTEN);
      return -EPIPE;
    case Kind::RegularFile: {
      log.use(RuleId::FD_REGULAR_FILE);
      RegularFileObj& r = regulars_.at(f.object);
      f.pos += len;
      r.size = std::max(r.size, f.pos);
      return len;
    }
    case Kind::EventFd: {
      log.use(RuleId::RD_EVENTFD);
      EventFdObj& e = eventfds_.at(f.object);
      if (len < 8) return -EINVAL;
      if (len > 8) {
        // Current kernels take exactly eight bytes; earlier ones took the first eight, which
        // a profile that admits both follows when the implementation did (limit 8), and which
        // a release without the change is predicted to do (oracle/history.h).
        log.use(RuleId::RD_EVENTFD_WRITE_LEN);
        if (limit < 8 && !differs_from_profile(params().release(), RuleId::RD_EVENTFD_WRITE_LEN)) return -EINVAL;
        len = 8;
      }
      log.use(RuleId::RD_EVENTFD_LIMIT);
      if (value == kEventFdMax) return -EINVAL;
      if (kEventFdMax - e.count <= value || limit == 0) return -EAGAIN;
      e.count += value;
      wake({Kind::EventFd, f.object, 0}, EPOLLIN, log);
      return 8;
    }
    case Kind::Pipe:
      if (f.side != 1) {
        log.use(RuleId::FD_ACCESS_MODE);
        return -EBADF;
      }
      if (len == 0) return 0;
      return pipe_write(pipes_.at(f.object), f.object, payload(step, value, len), limit, log);
    case Kind::Socket:
      return sock_write(socks_.at(f.object), f.object, f.side, payload(step, value, len), limit,
                        log);
  }
  return -EINVAL;
}

// fs/pipe.c pipe_write: the sub-page remainder merges into the last buffer when it fits, the
// rest takes whole page slots; every attempt wakes the readers (poll_usage is set by any poll).
std::int64_t Model::pipe_write(PipeObj& p, int pipe_id, const Segment& data, std::int64_t limit,
                               RuleLog& log) {
  log.use(RuleId::RD_PIPE_WRITE);
  if (p.readers == 0) return -EPIPE;
  log.use(RuleId::RD_PIPE_SLOTS);
  const std::uint64_t page = params_->page_size(), slots = accounting_.pipe_slots();
  const std::uint64_t len = data.size();
  const std::uint64_t budget = limit >= 0 ? std::min<std::uint64_t>(limit, len) : len;
  std::uint64_t written = 0;
  const bool was_empty = p.bufs.empty();
  const std::uint64_t chars = len & (page - 1);
  if (chars && !p.bufs.empty()) {
    PipeBuffer& last = p.bufs.back();
    if (last.offset + last.len + chars <= page) {
      const std::uint64_t c = std::min(chars, budget);
      last.len += static_cast<std::uint32_t>(c);
      written = c;
    }
  }
  // Following an implementation that counts otherwise: it took `limit` bytes, room or not.
  const bool follow = !accounting_.exact() && limit >= 0;
  while (written < budget && written < len && (p.bufs.size() < slots || follow)) {
    const std::uint64_t c = std::min({page, len - written, budget - written});
    p.bufs.push_back(PipeBuffer{0, static_cast<std::uint32_t>(c)});
    written += c;
  }
  if (written > 0) {
    Segment s = data;
    s.end = s.begin + written;
    p.data.push(s);
  }
  log.use(RuleId::EP_ET_WAKEUPS);
  if (mutant_ != Mutant::EtNoRefire || was_empty) wake({Kind::Pipe, pipe_id, 0}, EPOLLIN | EPOLLRDNORM, log);
  return written > 0 ? static_cast<std::int64_t>(written) : -EAGAIN;
}

bool Model::unix_writable(const SockEnd& e) const {
  // unix_writable reads the raw sk_wmem_alloc, which is biased by one.
  return (e.wmem + 1) * 4 <= params_->unix_sndbuf();
}

std::int64_t Model::sock_write(SockPair& s, int sock_id, int side, const Segment& data,
                               std::int64_t limit, RuleLog& log) {
  if (s.type == SockType::Tcp) return tcp_write(s, sock_id, side, data, log);
  if (s.type == SockType::Udp) return udp_write(s, sock_id, side, data, log);
  SockEnd& sk = s.end[side];
  SockEnd& other = s.end[1 - side];
  const std::uint32_t sndbuf = params_->unix_sndbuf();
  const std::uint64_t len = data.size();
  const WaitQueueId peer_q{Kind::Socket, sock_id, 1 - side};
  auto take_err = [&](SockEnd& e) {
    log.use(RuleId::RD_UNIX_RESET);
    return take_sock_err(e);
  };
  auto no_room = [&](SockEnd& e) {
    if (!accounting_.exact()) e.found_full = true;
    return std::int64_t{-EAGAIN};
  };

  if (s.type == SockType::Stream) {
    log.use(RuleId::RD_UNIX_STREAM);
    if (sk.shutdown & 2) {
      log.use(RuleId::RD_UNIX_SHUTDOWN);
      return -EPIPE;
    }
    if (len == 0) return 0;
    const std::uint64_t budget = limit >= 0 ? std::min<std::uint64_t>(limit, len) : len;
    const std::uint32_t max_skb = accounting_.unix_stream_max_skb();
    const bool follow = !accounting_.exact() && (limit >= 0 || limit == kFailedPastRoom);  // room or not
    std::uint64_t sent = 0;
    std::int64_t err = 0;
    // limit 0: it took nothing; the first skb meets what Linux's would, up to the room check.
    while (sent < budget || limit == 0) {
      const std::uint64_t size = std::min<std::uint64_t>({len - sent, max_skb, budget - sent});
      if (sk.err) {
        err = take_err(sk);
        break;
      }
      log.use(RuleId::RD_UNIX_SNDBUF);
      if (((sk.wmem >= sndbuf || sk.found_full) && !follow) || limit == 0) {
        err = no_room(sk);
        break;
      }
      Skb skb{data, accounting_.skb_truesize(SockType::Stream, static_cast<std::uint32_t>(size))};
      if (const int past = unix_error_past_room(sock_id, side)) {
        // The skb was allocated before the peer was checked; freeing it wakes this end.
        log.use(RuleId::RD_UNIX_SHUTDOWN);
        sk.wmem += skb.truesize;
        free_skb(sock_id, side, skb, log);
        err = -past;
        break;
      }
      skb.seg.begin = data.begin + sent;
      skb.seg.end = skb.seg.begin + size;
      other.rq.push_back(skb);
      sk.wmem += skb.truesize;
      sk.found_full = false;  // it found room
      sent += size;
      log.use(RuleId::EP_ET_WAKEUPS);
      wake(peer_q, kReadableKey, log);
    }
    return sent > 0 ? static_cast<std::int64_t>(sent) : err;
  }

  // SOCK_DGRAM and SOCK_SEQPACKET share unix_dgram_sendmsg: the skb is allocated (charged to
  // this end) before the peer is looked at, so every later failure frees it again, and the
  // free wakes this end's writers.
  log.use(RuleId::RD_UNIX_DGRAM);
  if (s.type == SockType::Seqpacket) {
    if (sk.err) return take_err(sk);
    if (sk.state_close) return -ENOTCONN;
  }
  // Before 6.14 the peer was looked up first (RD-UNIX-DGRAM-SEND-ORDER).
  log.use(RuleId::RD_UNIX_DGRAM_SEND_ORDER);
  if (!sk.peer_linked && differs_from_profile(params().release(), RuleId::RD_UNIX_DGRAM_SEND_ORDER))
    return -ENOTCONN;
  if (len + 32 > sndbuf) return -EMSGSIZE;
  if (sk.err) return take_err(sk);
  if (sk.shutdown & 2) {
    log.use(RuleId::RD_UNIX_SHUTDOWN);
    return -EPIPE;
  }
  log.use(RuleId::RD_UNIX_SNDBUF);
  // it took the message, or failed past the room check, room or not
  const bool follow = !accounting_.exact() && (limit >= 0 || limit == kFailedPastRoom);
  if (((sk.wmem >= sndbuf || sk.found_full) && !follow) || limit == 0) return no_room(sk);
  const Skb skb{data, accounting_.skb_truesize(s.type, static_cast<std::uint32_t>(len))};
  if (const int past = unix_error_past_room(sock_id, side)) {
    if (past == ECONNREFUSED) {
      // The first send to a dead dgram peer disconnects, dropping what this end had received,
      // and wakes this end's writers (unix_dgram_peer_wake_disconnect_wakeup).
      sk.peer_linked = false;
      sk.state_close = true;
      sk.rq.clear();
      log.use(RuleId::EP_ET_WAKEUPS);
      wake({Kind::Socket, sock_id, side}, kWriteSpaceKey, log);
    }
    if (past == EPIPE && other.alive) log.use(RuleId::RD_UNIX_SHUTDOWN);
    sk.wmem += skb.truesize;
    free_skb(sock_id, side, skb, log);
    return -past;
  }
  other.rq.push_back(skb);
  sk.wmem += skb.truesize;
  sk.found_full = false;  // it found room
  log.use(RuleId::EP_ET_WAKEUPS);
  wake(peer_q, kReadableKey, log);
  return static_cast<std::int64_t>(len);
}

int Model::unix_error_past_room(int sock_id, int side) const {
  const SockPair& s = socks_.at(sock_id);
  const SockEnd& sk = s.end[side];
  const SockEnd& other = s.end[1 - side];
  if (s.type == SockType::Tcp || s.type == SockType::Udp) return 0;  // not AF_UNIX
  if (s.type == SockType::Stream) return !other.alive || (other.shutdown & 1) ? EPIPE : 0;
  if (!sk.peer_linked) return ENOTCONN;
  if (!other.alive) return s.type == SockType::Seqpacket ? EPIPE : ECONNREFUSED;
  return other.shutdown & 1 ? EPIPE : 0;
}

// ---- read ----

Observation Model::op(const Read& r, std::size_t, RuleLog& log, const Observation*) {
  auto ofd = ofd_of_fd(fd_of(r.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return result(-EBADF);
  }
  std::uint64_t digest = 0xcbf29ce484222325ull;
  Observation o = result(read_file(*ofd, r.len, digest, log));
  if (o.ret >= 0) o.digest = digest;
  return o;
}

Observation Model::op(const Recv& r, std::size_t, RuleLog& log, const Observation*) {
  auto ofd = ofd_of_fd(fd_of(r.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return result(-EBADF);
  }
  const OpenFile& f = files_.at(*ofd);
  log.use(RuleId::RD_PEEK);
  if (f.kind != Kind::Socket && f.kind != Kind::Listener) return result(-ENOTSOCK);  // sockfd_lookup_light
  // recv(2) with a zero length reaches the protocol (unlike read), each in its own way.
  if (r.len == 0) throw Unmodeled("recv of zero bytes is not modeled (each protocol answers it its own way)");
  std::uint64_t digest = 0xcbf29ce484222325ull;
  Observation o = result(read_file(*ofd, r.len, digest, log, r.peek));
  if (o.ret >= 0) o.digest = digest;
  return o;
}

std::int64_t Model::read_file(int ofd, std::uint32_t len, std::uint64_t& digest, RuleLog& log,
                              bool peek) {
  OpenFile& f = files_.at(ofd);
  switch (f.kind) {
    case Kind::Epoll:
    case Kind::Ring:
      log.use(RuleId::FD_ACCESS_MODE);
      return -EINVAL;
    case Kind::Listener:  // tcp_recvmsg_locked on TCP_LISTEN
      log.use(RuleId::RD_TCP_LISTEN);
      return len == 0 ? 0 : -ENOTCONN;
    case Kind::RegularFile:
      // Every write leaves the shared offset at the end of the file, so a read finds nothing.
      log.use(RuleId::FD_REGULAR_FILE);
      return 0;
    case Kind::EventFd: {
      log.use(RuleId::RD_EVENTFD);
      EventFdObj& e = eventfds_.at(f.object);
      if (len < 8) return -EINVAL;
      if (e.count == 0) return -EAGAIN;
      const std::uint64_t v = e.semaphore ? 1 : e.count;
      e.count -= v;
      digest_u64(v, digest);
      wake({Kind::EventFd, f.object, 0}, EPOLLOUT, log);
      return 8;
    }
    case Kind::Pipe:
      if (f.side != 0) {
        log.use(RuleId::FD_ACCESS_MODE);
        return -EBADF;
      }
      if (len == 0) return 0;
      return pipe_read(pipes_.at(f.object), f.object, len, digest, log);
    case Kind::Socket:
      if (len == 0) return 0;  // sock_read_iter answers an empty read without looking
      return sock_read(socks_.at(f.object), f.object, f.side, len, digest, peek, log);
  }
  return -EINVAL;
}

std::int64_t Model::pipe_read(PipeObj& p, int pipe_id, std::uint32_t len, std::uint64_t& digest,
                              RuleLog& log) {
  log.use(RuleId::RD_PIPE_IN);
  if (p.bufs.empty()) {
    log.use(RuleId::RD_PIPE_HUP);
    return p.writers > 0 ? -EAGAIN : 0;
  }
  const std::size_t slots = accounting_.pipe_slots();
  std::uint64_t got = 0;
  bool wake_writer = false;
  while (got < len && !p.bufs.empty()) {
    PipeBuffer& b = p.bufs.front();
    const std::uint32_t c = static_cast<std::uint32_t>(std::min<std::uint64_t>(b.len, len - got));
    b.offset += c;
    b.len -= c;
    got += c;
    if (b.len == 0) {
      wake_writer |= p.bufs.size() >= slots;  // freeing a slot of a full pipe
      p.bufs.pop_front();
    }
  }
  p.data.pop(got, digest);
  if (wake_writer) {
    log.use(RuleId::EP_ET_WAKEUPS);
    log.use(RuleId::RD_PIPE_SLOTS);
    wake({Kind::Pipe, pipe_id, 1}, EPOLLOUT | EPOLLWRNORM, log);
  }
  return static_cast<std::int64_t>(got);
}

// The skb goes back to its sender's budget (sock_wfree), which wakes the sender's writers if
// it is writable at that moment: sk_wmem_alloc then still holds the bias and one extra unit.
void Model::free_skb(int sock_id, int sender, const Skb& skb, RuleLog& log) {
  SockEnd& s = socks_.at(sock_id).end[sender];
  if (!s.alive) return;
  s.wmem -= skb.truesize;
  s.found_full = false;  // room was freed
  log.use(RuleId::RD_UNIX_SNDBUF);
  if ((s.wmem + 2) * 4 <= params_->unix_sndbuf()) {
    log.use(RuleId::EP_ET_WAKEUPS);
    wake({Kind::Socket, sock_id, sender}, kWriteSpaceKey, log);
  }
}

std::int64_t Model::sock_read(SockPair& s, int sock_id, int side, std::uint32_t len,
                              std::uint64_t& digest, bool peek, RuleLog& log) {
  if (s.type == SockType::Tcp || s.type == SockType::Udp)
    return inet_read(s, side, len, digest, peek, log);
  SockEnd& sk = s.end[side];
  auto take_err = [&]() {
    log.use(RuleId::RD_UNIX_RESET);
    return take_sock_err(sk);
  };
  if (s.type == SockType::Stream) {
    log.use(RuleId::RD_UNIX_STREAM);
    if (peek) log.use(RuleId::RD_PEEK);
    std::uint64_t copied = 0;
    std::size_t next = 0;  // peek: the skb to look at next (nothing is taken)
    while (copied < len) {
      if (next == sk.rq.size()) {
        if (copied > 0) break;
        if (sk.err) return take_err();
        if (sk.shutdown & 1) {
          log.use(RuleId::RD_UNIX_SHUTDOWN);
          return 0;
        }
        return -EAGAIN;
      }
      Skb& skb = sk.rq[next];
      const std::uint64_t c = std::min<std::uint64_t>(skb.seg.size(), len - copied);
      skb.seg.digest(skb.seg.begin, c, digest);
      copied += c;
      if (peek) {
        ++next;
        continue;
      }
      skb.seg.begin += c;
      if (skb.seg.size() == 0) {
        const Skb done = skb;
        sk.rq.pop_front();
        free_skb(sock_id, 1 - side, done, log);
      }
    }
    return static_cast<std::int64_t>(copied);
  }

  log.use(RuleId::RD_UNIX_DGRAM);
  if (sk.err) return take_err();
  if (sk.rq.empty()) {
    if (s.type == SockType::Seqpacket && (sk.shutdown & 1)) {
      log.use(RuleId::RD_UNIX_SHUTDOWN);
      return 0;
    }
    return -EAGAIN;
  }
  const Skb skb = sk.rq.front();
  const std::uint64_t c = std::min<std::uint64_t>(skb.seg.size(), len);
  skb.seg.digest(skb.seg.begin, c, digest);
  if (peek) {
    log.use(RuleId::RD_PEEK);
    return static_cast<std::int64_t>(c);
  }
  sk.rq.pop_front();
  free_skb(sock_id, 1 - side, skb, log);
  return static_cast<std::int64_t>(c);
}

// ---- shutdown and release ----

Observation Model::op(const Shutdown& sh, std::size_t, RuleLog& log, const Observation*) {
  auto ofd = ofd_of_fd(fd_of(sh.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return result(-EBADF);
  }
  log.use(RuleId::RD_UNIX_SHUTDOWN);
  const OpenFile& f = files_.at(*ofd);
  if (f.kind == Kind::Listener) throw Unmodeled("shutdown of a listening socket is not modeled");
  if (f.kind != Kind::Socket) return result(-ENOTSOCK);
  if (sh.how == ShutHow::Invalid) return result(-EINVAL);
  SockPair& s = socks_.at(f.object);
  const std::uint8_t mode = static_cast<std::uint8_t>(static_cast<int>(sh.how) + 1);
  if (s.type == SockType::Tcp || s.type == SockType::Udp)
    return result(inet_shutdown(s, f.object, f.side, mode, log));
  SockEnd& sk = s.end[f.side];
  SockEnd& other = s.end[1 - f.side];
  sk.shutdown |= mode;
  log.use(RuleId::EP_ET_WAKEUPS);
  wake({Kind::Socket, f.object, f.side}, 0, log);
  if (s.type != SockType::Dgram && sk.peer_linked && other.alive) {
    const std::uint8_t peer_mode =
        static_cast<std::uint8_t>(((mode & 1) ? 2 : 0) | ((mode & 2) ? 1 : 0));
    other.shutdown |= peer_mode;
    wake({Kind::Socket, f.object, 1 - f.side}, 0, log);
  }
  return result(0);
}

// net/unix/af_unix.c unix_release_sock: a stream or seqpacket peer is shut down both ways
// (and reset if this end dropped unread data); this end's queue is purged, returning each skb
// to its sender.
void Model::release_socket(int sock_id, int side, RuleLog& log) {
  SockPair& s = socks_.at(sock_id);
  if (s.type == SockType::Tcp || s.type == SockType::Udp) return inet_release(sock_id, side, log);
  SockEnd& sk = s.end[side];
  SockEnd& other = s.end[1 - side];
  sk.alive = false;
  sk.shutdown = 3;
  sk.state_close = true;
  if (sk.peer_linked) {
    sk.peer_linked = false;
    if (s.type != SockType::Dgram && other.alive) {
      other.shutdown = 3;
      // Unread data resets the peer; an empty first skb (a zero-length message) is skipped,
      // as a consumed OOB skb would be.
      if (!sk.rq.empty() && (sk.rq.front().seg.size() > 0 || sk.rq.size() > 1)) {
        log.use(RuleId::RD_UNIX_RESET);
        other.err = ECONNRESET;
      }
      log.use(RuleId::EP_ET_WAKEUPS);
      wake({Kind::Socket, sock_id, 1 - side}, 0, log);
    }
  }
  while (!sk.rq.empty()) {
    const Skb skb = sk.rq.front();
    sk.rq.pop_front();
    free_skb(sock_id, 1 - side, skb, log);
  }
  if (!other.alive) socks_.erase(sock_id);
}

}  // namespace pc
