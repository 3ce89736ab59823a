#include "gen/generator.h"

#include <sys/epoll.h>
#include <poll.h>

#include <array>
#include <utility>
#include <limits>
#include <vector>

#include "vocab/abi.h"

namespace pc {

std::size_t Chooser::weighted(std::span<const unsigned> weights) {
  unsigned total = 0;
  for (unsigned w : weights) total += w;
  std::uint64_t x = pick(0, total - 1);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

namespace {

enum class SlotKind : std::uint8_t { None, PipeRd, PipeWr, Stream, Dgram, Seqpacket, Tcp, Udp, Listener, EventFd, Memfd, Epoll, Ring };

struct Slot {
  SlotKind kind = SlotKind::None;
  bool live = false;
};

// What an io_uring request may target: a file that has a wait queue and whose I/O is not handed
// to io-wq (so not an epoll instance, a ring or a regular file).
bool uring_target(SlotKind k) {
  return k != SlotKind::None && k != SlotKind::Epoll && k != SlotKind::Ring && k != SlotKind::Memfd;
}

bool is_inet(SlotKind k) { return k == SlotKind::Tcp || k == SlotKind::Udp; }

bool is_socket(SlotKind k) {
  return k == SlotKind::Stream || k == SlotKind::Dgram || k == SlotKind::Seqpacket || is_inet(k);
}

class Generator {
 public:
  Generator(Chooser& c, const GenOptions& options) : c_(c), options_(options), have_(granted(options)) {}

  Op next(std::size_t index);

 private:
  // What a row needs, as bits: a row is made only when every one is available.
  enum Needs : std::uint16_t {
    Nothing = 0,
    NeedUring = 1,
    NeedInet = 2,
    NeedSockets = 4,
    NeedFifo = 8,
    NeedWaiters = 16,
    NeedEpoll = 32,
    NeedPoll = 64,
    NeedSelect = 128,
    NeedBlockingCall = 256,   // some call to block in: epoll, poll or io_uring
    NeedReadinessCall = 512,  // epoll, poll or select
  };
  bool available(unsigned needs) const { return (needs & ~have_) == 0; }
  // The Needs bits these options grant, once: available() runs for every row at every step.
  static unsigned granted(const GenOptions& o) {
    const std::pair<Needs, bool> grants[] = {
        {NeedUring, o.uring},
        {NeedInet, o.inet},
        {NeedSockets, o.inet || o.unix_sockets},
        {NeedFifo, o.fifo},
        {NeedWaiters, o.waiters},
        {NeedEpoll, o.epoll},
        {NeedPoll, o.poll},
        {NeedSelect, o.select},
        {NeedBlockingCall, o.epoll || o.poll || o.uring},
        {NeedReadinessCall, o.epoll || o.poll || o.select}};
    unsigned have = 0;
    for (const auto& [need, ok] : grants)
      if (ok) have |= need;
    return have;
  }

  // One row per kind of step: how often it comes, what it needs (a row whose need is missing
  // gets weight 0), and how it is made. The row's position is part of the encoding: the chooser
  // picks a row by index, so a seed or a fuzz input means the same ops only while the rows keep
  // their order (append new rows at the end, or bump kFuzzEncodingVersion).
  struct Choice {
    unsigned weight;
    unsigned needs;  // Needs bits
    Op (Generator::*make)();
  };
  static const Choice kChoices[];

  Op make_eventfd() {
    MakeEventFd e{c_.percent(30), out()};
    // Mostly empty; else ready at once, or one below the counter's maximum when added to.
    if (c_.percent(30)) e.initval = c_.one_of<std::uint32_t>({1, 2, 7, 0xffffffffu});
    set(e.out, SlotKind::EventFd);
    return e;
  }
  Op make_fifo() {
    MakeFifo f{out(), {}, c_.one_of({FifoOpen::Both, FifoOpen::Both, FifoOpen::Both, FifoOpen::Reader,
                                     FifoOpen::Writer})};
    f.wr = out();
    if (f.wr.slot == f.rd.slot) f.wr.slot = static_cast<std::uint8_t>((f.rd.slot + 1) % kMaxHandles);
    set(f.rd, f.open == FifoOpen::Writer ? SlotKind::None : SlotKind::PipeRd);
    set(f.wr, f.open == FifoOpen::Both ? SlotKind::PipeWr : SlotKind::None);
    return f;
  }
  Op make_memfd() {
    MakeRegularFile m{out()};
    set(m.out, SlotKind::Memfd);
    return m;
  }
  Op make_epoll_create() {
    const std::int32_t size = c_.percent(30) ? static_cast<std::int32_t>(c_.one_of({0, -1})) : 1;
    EpollCreate e{size, out()};
    set(e.out, size > 0 ? SlotKind::Epoll : SlotKind::None);
    return e;
  }
  Op make_dup() {
    Dup d{any_handle(), out()};
    set(d.out, slots_[d.fd.slot].live ? slots_[d.fd.slot].kind : SlotKind::None);
    return d;
  }
  Op make_close() {
    Close cl{any_handle()};
    slots_[cl.fd.slot].live = false;
    return cl;
  }
  Op make_read() { return Read{any_handle(), read_len()}; }
  Op make_shutdown() {
    return Shutdown{handle_of([](SlotKind k) { return is_socket(k); }),
                    c_.one_of({ShutHow::Rd, ShutHow::Wr, ShutHow::RdWr, ShutHow::Wr, ShutHow::Invalid})};
  }
  Op make_epoll_wait() { return EpollWait{epoll_handle(), maxevents()}; }
  Op make_uring_reap() { return UringReap{ring_handle(), c_.percent(4) ? 1u : 0u}; }
  Op make_recv() {
    return Recv{handle_of([](SlotKind k) { return is_socket(k); }), std::max(1u, read_len()),
                c_.percent(60)};
  }
  Op make_tcp_listen() {
    TcpListen l{out()};
    set(l.out, SlotKind::Listener);
    return l;
  }
  Op make_tcp_connect() {
    // A connection needs a listener: with none open, the sequence makes one first. (A connect
    // to any other socket's address reaches whatever holds that port number, which for a UDP
    // socket's port depends on how ports were handed out: the oracle does not model it.)
    bool listening = false;
    for (const auto& s : slots_) listening |= s.live && s.kind == SlotKind::Listener;
    if (!listening) return make_tcp_listen();
    TcpConnect c{handle_of([](SlotKind k) { return k == SlotKind::Listener; }, 95), out()};
    set(c.out, SlotKind::Tcp);
    return c;
  }
  Op make_accept() {
    Accept a{handle_of([](SlotKind k) { return k == SlotKind::Listener; }), out()};
    set(a.out, SlotKind::Tcp);
    return a;
  }
  Op make_linger0() { return LingerZero{handle_of([](SlotKind k) { return is_socket(k); })}; }
  Op make_so_error() { return SoError{handle_of([](SlotKind k) { return is_socket(k); })}; }
  Op make_dupfd() {
    DupFd d{any_handle(), c_.one_of<std::int32_t>({1023, 1024, 1024, 1500, 4000, -1, 1 << 30}), out()};
    set(d.out, slots_[d.fd.slot].live ? slots_[d.fd.slot].kind : SlotKind::None);
    return d;
  }
  Op make_join() { return JoinWaiters{}; }
  Op make_send_oob() {
    return SendOob{handle_of([](SlotKind k) { return k == SlotKind::Tcp; }, 85),
                   static_cast<std::uint32_t>(c_.one_of<unsigned>({1, 1, 2, 5, 100}))};
  }
  Op make_recv_oob() { return RecvOob{handle_of([](SlotKind k) { return k == SlotKind::Tcp; }, 85)}; }

  OutHandle out() {
    // Prefer a slot nobody uses, so that earlier descriptors stay reachable.
    std::vector<std::uint8_t> free;
    for (std::uint8_t i = 0; i < kMaxHandles; ++i)
      if (slots_[i].kind == SlotKind::None) free.push_back(i);
    if (!free.empty() && c_.percent(90)) return OutHandle{free[c_.pick(0, free.size() - 1)]};
    return OutHandle{static_cast<std::uint8_t>(c_.pick(0, kMaxHandles - 1))};
  }
  void set(OutHandle h, SlotKind k) { slots_[h.slot] = Slot{k, k != SlotKind::None}; }

  template <class Pred>
  Handle handle_of(Pred pred, unsigned live_percent = 92) {
    std::vector<std::uint8_t> match;
    for (std::uint8_t i = 0; i < kMaxHandles; ++i)
      if (slots_[i].live && pred(slots_[i].kind)) match.push_back(i);
    if (!match.empty() && c_.percent(live_percent)) return Handle{match[c_.pick(0, match.size() - 1)]};
    return any_handle();
  }
  Handle any_handle() {
    std::vector<std::uint8_t> used;
    for (std::uint8_t i = 0; i < kMaxHandles; ++i)
      if (slots_[i].kind != SlotKind::None) used.push_back(i);
    if (!used.empty() && c_.percent(90)) return Handle{used[c_.pick(0, used.size() - 1)]};
    return Handle{static_cast<std::uint8_t>(c_.pick(0, kMaxHandles - 1))};
  }
  Handle epoll_handle() {
    return handle_of([](SlotKind k) { return k == SlotKind::Epoll; }, 95);
  }
  // A watchable target: mostly a file with a wait queue, sometimes another epoll instance
  // (nesting: EP-NEST-READY, and ELOOP for cycles and deep chains).
  Handle target_handle(Handle epfd) {
    std::vector<std::uint8_t> match;
    for (std::uint8_t i = 0; i < kMaxHandles; ++i)
      if (slots_[i].live && slots_[i].kind != SlotKind::Epoll && slots_[i].kind != SlotKind::None &&
          slots_[i].kind != SlotKind::Ring)
        match.push_back(i);
    const unsigned roll = static_cast<unsigned>(c_.pick(0, 99));
    if (roll < 3) return epfd;  // EINVAL: an epoll instance cannot watch itself
    if (roll < 6) {  // a closed handle: EBADF, or the registration of a closed dup
      for (std::uint8_t i = 0; i < kMaxHandles; ++i)
        if (!slots_[i].live && slots_[i].kind != SlotKind::None && slots_[i].kind != SlotKind::Epoll)
          return Handle{i};
    }
    if (roll < 16) {
      std::vector<std::uint8_t> epolls;
      for (std::uint8_t i = 0; i < kMaxHandles; ++i)
        if (slots_[i].live && slots_[i].kind == SlotKind::Epoll && i != epfd.slot) epolls.push_back(i);
      if (!epolls.empty()) return Handle{epolls[c_.pick(0, epolls.size() - 1)]};
    }
    if (!match.empty()) return Handle{match[c_.pick(0, match.size() - 1)]};
    return Handle{static_cast<std::uint8_t>(c_.pick(0, kMaxHandles - 1))};
  }

  Op make_pipe() {
    MakePipe p{out(), {}};
    set(p.rd, SlotKind::PipeRd);
    p.wr = out();
    if (p.wr.slot == p.rd.slot) p.wr.slot = static_cast<std::uint8_t>((p.rd.slot + 1) % kMaxHandles);
    set(p.wr, SlotKind::PipeWr);
    return p;
  }
  Op make_socketpair() {
    const SockType t = options_.inet && options_.unix_sockets
                           ? c_.one_of({SockType::Stream, SockType::Stream, SockType::Dgram,
                                        SockType::Seqpacket, SockType::Tcp, SockType::Udp})
                       : options_.unix_sockets
                           ? c_.one_of({SockType::Stream, SockType::Stream, SockType::Dgram, SockType::Seqpacket})
                           : c_.one_of({SockType::Tcp, SockType::Udp});
    constexpr SlotKind kKinds[] = {SlotKind::Stream, SlotKind::Dgram, SlotKind::Seqpacket,
                                   SlotKind::Tcp, SlotKind::Udp};
    const SlotKind k = kKinds[static_cast<int>(t)];
    MakeSocketPair s{t, out(), {}};
    set(s.a, k);
    s.b = out();
    if (s.b.slot == s.a.slot) s.b.slot = static_cast<std::uint8_t>((s.a.slot + 1) % kMaxHandles);
    set(s.b, k);
    return s;
  }
  Op make_epoll() {
    const std::uint32_t flags = c_.percent(10) ? c_.one_of<std::uint32_t>({1, 0x80000, 0xffffffffu})
                                : c_.percent(30) ? kEpollCloexec : 0u;
    EpollCreate1 e{flags, out()};
    set(e.out, (flags & ~kEpollCloexec) ? SlotKind::None : SlotKind::Epoll);
    return e;
  }

  std::uint32_t data_len() {
    switch (c_.pick(0, 9)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return static_cast<std::uint32_t>(c_.pick(1, 200));
      case 3: return c_.one_of<std::uint32_t>({4095, 4096, 4097});
      case 4: return c_.one_of<std::uint32_t>({5000, 8192, 12000});
      case 5: return c_.one_of<std::uint32_t>({36000, 40000, 65536});
      case 6: return c_.one_of<std::uint32_t>({70000, 150000, 300000});  // beyond capacity
      default: return static_cast<std::uint32_t>(c_.pick(1, 6000));
    }
  }
  std::uint32_t inet_len() {
    switch (c_.pick(0, 3)) {
      case 0: return c_.one_of<std::uint32_t>({0, 1});
      case 1: return static_cast<std::uint32_t>(c_.pick(1, 64));
      default: return static_cast<std::uint32_t>(c_.pick(1, 4096));
    }
  }
  std::uint32_t read_len() {
    switch (c_.pick(0, 7)) {
      case 0: return 0;
      case 1: return c_.one_of<std::uint32_t>({1, 4, 7, 8, 16});
      case 2: return static_cast<std::uint32_t>(c_.pick(1, 300));
      case 3: return c_.one_of<std::uint32_t>({4096, 5000});
      case 4: return c_.one_of<std::uint32_t>({65536, 300000});
      default: return static_cast<std::uint32_t>(c_.pick(1, 20000));
    }
  }
  std::uint64_t counter_value() {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    switch (c_.pick(0, 5)) {
      case 0: return 0;
      case 1: return kMax;      // EINVAL
      case 2: return kMax - 1;  // only fits an empty counter
      case 3: return kMax / 2;
      default: return c_.pick(1, 5);
    }
  }
  Op make_write() {
    Write w{handle_of([](SlotKind k) { return k != SlotKind::PipeRd && k != SlotKind::Epoll; }), 0, 0};
    if (slots_[w.fd.slot].kind == SlotKind::EventFd) {
      w.len = c_.percent(85) ? 8 : c_.one_of<std::uint32_t>({0, 4, 7, 16});
      w.value = counter_value();
    } else if (is_inet(slots_[w.fd.slot].kind)) {
      w.len = inet_len();  // well inside every buffer: the oracle follows no TCP window
      w.value = c_.pick(0, 255);
    } else {
      w.len = data_len();
      w.value = c_.pick(0, 255);
    }
    return w;
  }
  Op make_fill() {
    FillWrite f{handle_of([](SlotKind k) { return k != SlotKind::PipeRd && k != SlotKind::Epoll; }), 0, 0};
    // Filling TCP or UDP would only measure buffer autotuning, which the oracle leaves out.
    if (is_inet(slots_[f.fd.slot].kind)) return Write{f.fd, inet_len(), c_.pick(0, 255)};
    switch (slots_[f.fd.slot].kind) {
      case SlotKind::EventFd:
        f.len = 8;
        f.value = c_.one_of<std::uint64_t>({1ull << 62, 1ull << 63, (1ull << 63) + 5});
        break;
      case SlotKind::Memfd:
        f.len = 65536;
        break;
      case SlotKind::Stream: case SlotKind::Dgram: case SlotKind::Seqpacket:
        f.len = c_.one_of<std::uint32_t>({1, 100, 4096, 36000, 65536});
        break;
      default:
        f.len = c_.percent(2) && !options_.cheap_fills ? 1 : c_.one_of<std::uint32_t>({100, 512, 4096, 5000, 65536});
    }
    return f;
  }

  std::uint32_t events_mask() {
    static constexpr std::uint32_t kBase[] = {EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLRDHUP,
                                              EPOLLPRI, EPOLLERR, EPOLLHUP, 0, EPOLLRDNORM, EPOLLWRNORM,
                                              EPOLLIN | EPOLLOUT | EPOLLRDHUP};
    std::uint32_t m = kBase[c_.pick(0, std::size(kBase) - 1)];
    if (c_.percent(40)) m |= EPOLLET;
    if (c_.percent(20)) m |= EPOLLONESHOT;
    if (c_.percent(8)) m |= EPOLLEXCLUSIVE;
    if (c_.percent(10)) m |= EPOLLRDHUP;
    return m;
  }
  Op make_ctl() {
    const Handle ep = epoll_handle();
    const CtlOp op = static_cast<CtlOp>(c_.weighted(std::array<unsigned, 4>{60, 20, 15, 5}));
    return EpollCtl{ep, op, target_handle(ep), EpollMask{events_mask()}, c_.pick(0, 99)};
  }
  std::int32_t maxevents() {
    switch (c_.pick(0, 9)) {
      case 0: return c_.one_of<std::int32_t>({-1, 0});
      case 1: return 64;
      case 2: case 3: case 4: return 1;
      default: return static_cast<std::int32_t>(c_.pick(2, 8));
    }
  }
  Op make_poll() {
    Poll p;
    const std::size_t n = c_.pick(0, 5);
    static constexpr std::uint16_t kMasks[] = {POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, POLLRDHUP | POLLIN,
                                              0, POLLRDNORM, POLLWRNORM | POLLWRBAND, POLLIN | POLLOUT | POLLRDHUP};
    for (std::size_t i = 0; i < n; ++i) {
      PollTarget t;
      if (c_.percent(8)) t.value = -1;
      else if (i > 0 && c_.percent(10) && p.entries.back().target.is_handle()) t = p.entries.back().target;
      else t.value = static_cast<std::int8_t>(any_handle().slot);
      p.entries.push_back(PollEntry{t, PollMask{kMasks[c_.pick(0, std::size(kMasks) - 1)]}});
    }
    if (c_.percent(1)) p.over_limit = c_.one_of<std::int32_t>({1, -2});
    return p;
  }
  Op make_select() {
    Select s;
    for (HandleList* set : {&s.rd, &s.wr, &s.ex}) {
      const std::size_t n = c_.pick(0, 3);
      for (std::size_t i = 0; i < n; ++i) set->push_back(any_handle());
    }
    switch (c_.pick(0, 19)) {
      case 0: case 1: s.nfds = {true, -1}; break;  // the highest descriptor is ignored
      case 2: case 3: s.nfds = {true, static_cast<std::int32_t>(c_.pick(1, 70))}; break;
      case 4: s.nfds = {true, 2000}; break;        // beyond FD_SETSIZE
      case 5: s.nfds = {false, c_.one_of<std::int32_t>({-1, 0, 3})}; break;
      default: s.nfds = {true, 0};
    }
    return s;
  }

  // Scenario: register a descriptor, then dup it and close the original (EP-CLOSE, EP-KEY).
  Op make_dup_of_watched() {
    Dup d{handle_of([](SlotKind k) { return k != SlotKind::Epoll && k != SlotKind::None; }), out()};
    set(d.out, slots_[d.fd.slot].live ? slots_[d.fd.slot].kind : SlotKind::None);
    return d;
  }
  // Scenario: MOD an entry with ONESHOT or ET so that re-arming is exercised.
  Op make_rearm() {
    const Handle ep = epoll_handle();
    return EpollCtl{ep, CtlOp::Mod, target_handle(ep),
                    EpollMask{EPOLLIN | EPOLLOUT | (c_.percent(50) ? EPOLLONESHOT : EPOLLET)},
                    c_.pick(0, 99)};
  }

  // Scenario (EP-NEST-READY, EP-ET): an outer epoll, edge-triggered, over an inner one that
  // holds a pipe's read end; two writes, each followed by a wait on the outer instance. The
  // second write finds the inner entry queued already, and must still wake the outer one.
  Op make_nest() {
    MakePipe p = std::get<MakePipe>(make_pipe());
    const OutHandle inner = out();
    set(inner, SlotKind::Epoll);
    const OutHandle outer = out();
    set(outer, SlotKind::Epoll);
    const Handle rd{p.rd.slot}, wr{p.wr.slot}, in{inner.slot}, ou{outer.slot};
    const std::uint32_t inner_mode = c_.percent(50) ? EPOLLET : 0u;
    queued_.push_back(EpollCreate1{0, inner});
    queued_.push_back(EpollCreate1{0, outer});
    queued_.push_back(EpollCtl{in, CtlOp::Add, rd, EpollMask{EPOLLIN | inner_mode}, c_.pick(0, 99)});
    queued_.push_back(EpollCtl{ou, CtlOp::Add, in, EpollMask{EPOLLIN | EPOLLET}, c_.pick(0, 99)});
    for (int i = 0; i < 2; ++i) {
      queued_.push_back(Write{wr, 1, 0});
      queued_.push_back(EpollWait{ou, 4});
    }
    return p;
  }

  // ---- blocking waits ----
  bool api_available(WaitApi api) const {
    return api == WaitApi::Epoll ? options_.epoll : api == WaitApi::Poll ? options_.poll : options_.uring;
  }
  // An API left out gives way to poll, epoll or io_uring, in that order, with no draw of its
  // own: with nothing left out a seed makes the same sequences.
  WaitApi wait_api() {
    const WaitApi api = c_.one_of({WaitApi::Epoll, WaitApi::Epoll, WaitApi::Epoll, WaitApi::Poll,
                                   WaitApi::Poll, WaitApi::Uring});
    if (api_available(api)) return api;
    for (WaitApi other : {WaitApi::Poll, WaitApi::Epoll, WaitApi::Uring})
      if (api_available(other)) return other;
    return api;
  }
  Handle wait_target(WaitApi api) {
    switch (api) {
      case WaitApi::Epoll: return epoll_handle();
      case WaitApi::Uring: return ring_handle();
      case WaitApi::Poll: break;
    }
    return handle_of([](SlotKind k) { return k != SlotKind::Ring && k != SlotKind::Memfd; });
  }
  PollMask wait_events() {
    return PollMask{static_cast<std::uint16_t>(c_.one_of<unsigned>(
        {POLLIN, POLLIN, POLLOUT, POLLIN | POLLOUT, POLLIN | POLLRDHUP, POLLPRI, 0}))};
  }
  // Threads blocked on one target: the wakeup rules (EP-WAKE-*, PO-WAKE, UR-WAIT) need a
  // later op to wake them, and a join to interrupt the rest (X-EINTR).
  Op make_waiters() {
    const WaitApi api = wait_api();
    Waiters w{api, wait_target(api), static_cast<std::uint32_t>(c_.one_of<unsigned>({1, 1, 2, 2, 3, 4})),
              c_.percent(70) ? 1 : static_cast<std::int32_t>(c_.pick(2, 4)), wait_events()};
    return w;
  }
  // 100 us: long enough that a wait which does not block (a bug that takes the timeout for 0)
  // returns well before it, so X-TIMEOUT ("never before the timeout") is checked; a longer one
  // checks nothing more and costs its length in every sequence that times out. The draw that
  // once chose 1-3 ms is still made, so that every other choice of a seed stays as it was.
  Op make_timed_wait() {
    const WaitApi api = wait_api();
    const Handle target = wait_target(api);
    (void)c_.pick(1, 3);
    return TimedWait{api, target, 100, wait_events()};
  }
  // A thundering herd: 2-3 epoll instances watch one pipe (mostly with EPOLLEXCLUSIVE), each
  // with a thread blocked on it; then writes, one read between them (EP-EXCLUSIVE, LTP
  // epoll_wait16).
  Op make_herd() {
    MakePipe p = std::get<MakePipe>(make_pipe());
    const Handle rd{p.rd.slot}, wr{p.wr.slot};
    if (c_.percent(30)) return make_nested_race(p);
    const std::uint32_t mode = (c_.percent(70) ? EPOLLEXCLUSIVE : 0u) | (c_.percent(50) ? EPOLLET : 0u);
    const int instances = static_cast<int>(c_.pick(2, 3));
    for (int i = 0; i < instances; ++i) {
      const OutHandle ep = out();
      set(ep, SlotKind::Epoll);
      queued_.push_back(EpollCreate1{0, ep});
      queued_.push_back(EpollCtl{Handle{ep.slot}, CtlOp::Add, rd, EpollMask{EPOLLIN | mode}, c_.pick(0, 99)});
      queued_.push_back(Waiters{WaitApi::Epoll, Handle{ep.slot}, 1, 1, PollMask{}});
    }
    queued_.push_back(Write{wr, 1, 0});
    queued_.push_back(Read{rd, 1});
    queued_.push_back(Write{wr, 1, 0});
    queued_.push_back(JoinWaiters{});
    return p;
  }

  // kselftest epoll34: a thread on an inner edge-triggered instance and one on an outer
  // instance watching it, both woken by one write; which runs first decides whether the outer
  // one returns (EP-WAKE-ORDER).
  Op make_nested_race(const MakePipe& p) {
    const OutHandle inner = out();
    set(inner, SlotKind::Epoll);
    const OutHandle outer = out();
    set(outer, SlotKind::Epoll);
    const Handle rd{p.rd.slot}, wr{p.wr.slot}, in{inner.slot}, ou{outer.slot};
    queued_.push_back(EpollCreate1{0, inner});
    queued_.push_back(EpollCreate1{0, outer});
    queued_.push_back(EpollCtl{in, CtlOp::Add, rd, EpollMask{EPOLLIN | EPOLLET}, c_.pick(0, 99)});
    queued_.push_back(EpollCtl{ou, CtlOp::Add, in, EpollMask{EPOLLIN}, c_.pick(0, 99)});
    queued_.push_back(Waiters{WaitApi::Epoll, in, 1, 1, PollMask{}});
    queued_.push_back(Waiters{WaitApi::Epoll, ou, 1, 1, PollMask{}});
    queued_.push_back(Write{wr, 1, 0});
    queued_.push_back(JoinWaiters{});
    return p;
  }

  // ---- scale ----
  // Hundreds or thousands of descriptors of one file: FD-LOWEST, poll and select over them,
  // and epoll's round-robin through more ready entries than maxevents (EP-ROUNDROBIN).
  Op make_fanout() {
    const Handle fd = handle_of([](SlotKind k) {
      return k == SlotKind::PipeRd || k == SlotKind::PipeWr || k == SlotKind::EventFd || is_socket(k);
    });
    FanoutMode mode = c_.one_of({FanoutMode::Epoll, FanoutMode::Epoll, FanoutMode::Poll, FanoutMode::Select});
    const auto mode_available = [&](FanoutMode m) {
      return m == FanoutMode::Epoll ? options_.epoll : m == FanoutMode::Poll ? options_.poll : options_.select;
    };
    for (FanoutMode other : {FanoutMode::Poll, FanoutMode::Select, FanoutMode::Epoll})
      if (!mode_available(mode) && mode_available(other)) mode = other;
    const std::uint32_t events =
        c_.one_of<std::uint32_t>({EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET, EPOLLIN | EPOLLONESHOT});
    return Fanout{mode, fd, epoll_handle(), c_.one_of<std::uint32_t>({3, 64, 300, 1200}), EpollMask{events},
                  c_.one_of<std::int32_t>({7, 64, 500})};
  }

  // ---- io_uring ----
  Handle ring_handle() {
    return handle_of([](SlotKind k) { return k == SlotKind::Ring; }, 96);
  }
  Op make_uring_setup() {
    UringSetup s;
    switch (c_.pick(0, 19)) {
      case 0: s.entries = c_.one_of<std::uint32_t>({0, 32769}); break;  // EINVAL
      case 1: s.entries = c_.one_of<std::uint32_t>({1, 3, 5}); break;
      default: s.entries = c_.one_of<std::uint32_t>({2, 4, 4, 8, 16});
    }
    constexpr std::uint32_t kCqsize = kSetupCqsize, kClamp = kSetupClamp, kCoop = kSetupCoop,
                            kSingle = kSetupSingleIssuer, kDefer = kSetupDefer;
    switch (c_.pick(0, 19)) {
      case 0: case 1: case 2: case 3: case 10: case 11:  // a small CQ, to reach overflow
        s.flags.bits = kCqsize;
        s.cq_entries = c_.one_of<std::uint32_t>({1, 1, 2, 2, 4, 0});
        if (c_.percent(10)) s.flags.bits |= kClamp;
        break;
      case 4: case 5: case 6: s.flags.bits = kSingle | kDefer; break;
      case 7: s.flags.bits = kSingle; break;
      case 8: s.flags.bits = kCoop; break;
      case 9: s.flags.bits = c_.one_of<std::uint32_t>({kDefer, 1u << 20, kClamp}); break;  // EINVAL, EINVAL, ok
      default: s.flags.bits = 0;
    }
    if (s.flags.bits & kCqsize && s.entries > s.cq_entries && c_.percent(70)) s.entries = 2;
    s.out = out();
    set(s.out, SlotKind::Ring);
    return s;
  }
  std::uint64_t user_data() { return c_.pick(1, 6); }
  Op make_uring_prep() {
    UringPrep p;
    p.ring = ring_handle();
    // How often each opcode is filled, keyed by opcode (the chooser picks by position in kOps).
    static constexpr std::pair<UringOpcode, unsigned> kOpWeights[] = {
        {UringOpcode::Nop, 8},   {UringOpcode::PollAdd, 30}, {UringOpcode::PollRemove, 6},
        {UringOpcode::PollUpdate, 6}, {UringOpcode::Read, 10}, {UringOpcode::Write, 7},
        {UringOpcode::Recv, 6},  {UringOpcode::Send, 4},     {UringOpcode::Cancel, 8},
        {UringOpcode::LinkTimeout, 3}};
    static constexpr auto kOps = [] {
      std::array<unsigned, std::size(kOpWeights)> w{};
      for (std::size_t i = 0; i < w.size(); ++i) w[i] = kOpWeights[i].second;
      return w;
    }();
    p.opcode = kOpWeights[c_.weighted(kOps)].first;
    p.user_data = user_data();
    static constexpr std::uint16_t kMasks[] = {POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, POLLRDHUP | POLLIN,
                                              0, POLLRDNORM, POLLWRNORM, POLLIN | POLLRDNORM};
    switch (p.opcode) {
      case UringOpcode::Nop:
        break;
      case UringOpcode::PollAdd:
        p.fd = handle_of(uring_target);
        p.mask.bits = kMasks[c_.pick(0, std::size(kMasks) - 1)];
        if (c_.percent(30)) p.op_flags.bits = UringOpFlags::kMulti;
        if (c_.percent(2)) p.op_flags.bits |= UringOpFlags::kUpdateEvents;  // EINVAL at prep
        break;
      case UringOpcode::PollRemove:
        p.target = user_data();
        break;
      case UringOpcode::PollUpdate: {
        p.target = user_data();
        const unsigned how = static_cast<unsigned>(c_.pick(0, 9));
        if (how < 4) {
          p.op_flags.bits = UringOpFlags::kUpdateEvents;
          p.mask.bits = kMasks[c_.pick(0, std::size(kMasks) - 1)];
        } else if (how < 7) {
          p.op_flags.bits = UringOpFlags::kUpdateData;
          p.new_data = user_data();
        } else if (how < 9) {
          p.op_flags.bits = UringOpFlags::kUpdateEvents | UringOpFlags::kUpdateData;
          p.mask.bits = kMasks[c_.pick(0, std::size(kMasks) - 1)];
          p.new_data = user_data();
        } else {  // the invalid combinations
          p.op_flags.bits = c_.one_of<std::uint8_t>({UringOpFlags::kMulti, 0});
          p.new_data = c_.percent(50) ? user_data() : 0;
          p.mask.bits = p.new_data ? 0 : POLLIN;
        }
        break;
      }
      case UringOpcode::Read:
      case UringOpcode::Recv:
        // Reads get user_data of their own, so that a CQE's buffer is known (kernel/executor_uring.cpp).
        p.user_data = 100 + reads_++;
        p.fd = handle_of(uring_target);
        p.len = c_.one_of<std::uint32_t>({1, 8, 16, 100, 4096, 5000});
        break;
      case UringOpcode::Write:
      case UringOpcode::Send:
        p.fd = handle_of(uring_target);
        if (slots_[p.fd.slot].kind == SlotKind::EventFd) {
          p.len = c_.percent(90) ? 8 : 4;
          p.target = counter_value();
        } else {
          p.len = c_.one_of<std::uint32_t>({1, 10, 100, 4096, 5000, 70000});
          p.target = c_.pick(0, 255);
        }
        break;
      case UringOpcode::Cancel: {
        const unsigned how = static_cast<unsigned>(c_.pick(0, 19));
        // Often a request submitted before (a read's own user_data included).
        p.target = !recent_.empty() && c_.percent(60) ? recent_[c_.pick(0, recent_.size() - 1)] : user_data();
        if (how < 3) p.op_flags.bits = UringOpFlags::kCancelAll;
        else if (how < 6) {
          p.op_flags.bits = UringOpFlags::kCancelFd | (c_.percent(30) ? UringOpFlags::kCancelAll : 0);
          p.fd = handle_of(uring_target);
        } else if (how < 7) {
          p.op_flags.bits = UringOpFlags::kCancelAny;
        } else if (how < 8) {
          p.op_flags.bits = UringOpFlags::kCancelAny | UringOpFlags::kCancelFd;  // EINVAL
        }
        break;
      }
      case UringOpcode::LinkTimeout:
        p.len = 600000;  // ten minutes: it never fires within a sequence
        break;
    }
    const unsigned link = static_cast<unsigned>(c_.pick(0, 99));
    if (link < 14) p.flags.bits = kSqeLink;
    else if (link < 17) p.flags.bits = kSqeHardlink;
    if (p.opcode == UringOpcode::Nop && c_.percent(15)) p.flags.bits = kSqeDrain;
    last_linked_[p.ring.slot] = p.flags.bits & 0x0c;
    if (p.opcode == UringOpcode::PollAdd || p.opcode == UringOpcode::Read || p.opcode == UringOpcode::Recv ||
        p.opcode == UringOpcode::Write) {
      recent_.push_back(p.user_data);
      if (recent_.size() > 4) recent_.erase(recent_.begin());
    }
    return p;
  }
  // A submit whose last SQE is linked would leave the chain to io-wq: close the chain first.
  Op make_uring_submit() {
    const Handle ring = ring_handle();
    if (last_linked_[ring.slot]) {
      last_linked_[ring.slot] = false;
      UringPrep nop;
      nop.ring = ring;
      nop.user_data = user_data();
      queued_.push_back(UringSubmit{ring});
      return nop;
    }
    return UringSubmit{ring};
  }
  // X-AGREE: poll(2) and a one-shot POLL_ADD on the same descriptor and mask, back to back.
  Op make_x_agree() {
    const Handle ring = ring_handle();
    Poll p;
    const PollTarget t{static_cast<std::int8_t>(
        handle_of([](SlotKind k) { return k != SlotKind::None && k != SlotKind::Epoll && k != SlotKind::Ring; }).slot)};
    static constexpr std::uint16_t kMasks[] = {POLLIN, POLLOUT, POLLIN | POLLOUT, POLLIN | POLLRDHUP};
    const PollMask mask{kMasks[c_.pick(0, std::size(kMasks) - 1)]};
    p.entries.push_back(PollEntry{t, mask});
    UringPrep add;
    add.ring = ring;
    add.opcode = UringOpcode::PollAdd;
    add.fd = t.handle();
    add.mask = mask;
    add.user_data = user_data();
    last_linked_[ring.slot] = false;
    queued_.push_back(add);
    queued_.push_back(UringSubmit{ring});
    queued_.push_back(UringReap{ring, 0});
    return p;
  }

  // Scenario: a poll that stays armed (POLLPRI on a file that is rarely urgent), then an
  // ASYNC_CANCEL of it, by user_data or by descriptor (UR-CANCEL: the cancel's own result, 0 for
  // a pending request, is what a lost return value gets wrong).
  Op make_uring_cancel_pending() {
    const Handle ring = ring_handle();
    UringPrep poll;
    poll.ring = ring;
    poll.opcode = UringOpcode::PollAdd;
    poll.fd = handle_of(uring_target);
    poll.mask.bits = POLLPRI;
    poll.user_data = user_data();
    if (c_.percent(30)) poll.op_flags.bits = UringOpFlags::kMulti;
    last_linked_[ring.slot] = false;
    UringPrep cancel;
    cancel.ring = ring;
    cancel.opcode = UringOpcode::Cancel;
    cancel.user_data = user_data();
    cancel.target = poll.user_data;
    if (c_.percent(30)) {
      cancel.op_flags.bits = UringOpFlags::kCancelFd;
      cancel.fd = poll.fd;
    }
    queued_.push_back(UringSubmit{ring});
    queued_.push_back(cancel);
    queued_.push_back(UringSubmit{ring});
    queued_.push_back(UringReap{ring, 0});
    return poll;
  }

  // Scenario: a poll guarded by a link timeout (UR-LINK-TIMEOUT), or more NOPs than a small CQ
  // holds before a reap (UR-OVERFLOW).
  Op make_uring_burst() {
    const Handle ring = ring_handle();
    UringPrep nop;
    nop.ring = ring;
    nop.user_data = user_data();
    last_linked_[ring.slot] = false;
    if (c_.percent(50)) {
      UringPrep poll = nop;
      poll.opcode = UringOpcode::PollAdd;
      poll.fd = handle_of(uring_target);
      poll.mask.bits = c_.one_of<std::uint16_t>({POLLIN, POLLOUT});
      poll.flags.bits = kSqeLink;
      UringPrep timeout = nop;
      timeout.opcode = UringOpcode::LinkTimeout;
      timeout.len = 600000;
      timeout.user_data = user_data();
      queued_.push_back(timeout);
      queued_.push_back(UringSubmit{ring});
      return poll;
    }
    for (int i = 0; i < 2; ++i) queued_.push_back(nop);
    queued_.push_back(UringSubmit{ring});
    for (int i = 0; i < 3; ++i) queued_.push_back(nop);
    if (c_.percent(40)) std::get<UringPrep>(queued_.back()).flags.bits = kSqeDrain;  // UR-DRAIN
    queued_.push_back(UringSubmit{ring});
    queued_.push_back(UringReap{ring, 0});
    return nop;
  }

  Chooser& c_;
  GenOptions options_;
  unsigned have_;  // granted(options_)
  std::array<Slot, kMaxHandles> slots_{};
  std::array<bool, kMaxHandles> last_linked_{};
  std::vector<Op> queued_;  // the rest of a scenario, emitted before anything else
  std::uint64_t reads_ = 0;
  std::vector<std::uint64_t> recent_;  // user_data of the last requests that may still be pending
};

const Generator::Choice Generator::kChoices[] = {
    {4, Nothing, &Generator::make_pipe},
    {4, NeedSockets, &Generator::make_socketpair},
    {2, Nothing, &Generator::make_eventfd},
    {1, Nothing, &Generator::make_memfd},
    {2, NeedEpoll, &Generator::make_epoll},
    {1, NeedEpoll, &Generator::make_epoll_create},
    {4, Nothing, &Generator::make_dup},
    {5, Nothing, &Generator::make_close},
    {15, Nothing, &Generator::make_write},
    {3, Nothing, &Generator::make_fill},
    {13, Nothing, &Generator::make_read},
    {3, Nothing, &Generator::make_shutdown},
    {16, NeedEpoll, &Generator::make_ctl},
    {12, NeedEpoll, &Generator::make_epoll_wait},
    {6, NeedPoll, &Generator::make_poll},
    {5, NeedSelect, &Generator::make_select},
    {2, Nothing, &Generator::make_dup_of_watched},              // scenario: dup+close of a watched fd
    {2, NeedEpoll, &Generator::make_rearm},                     // scenario: ONESHOT re-arm
    {2, NeedUring, &Generator::make_uring_setup},
    {14, NeedUring, &Generator::make_uring_prep},
    {5, NeedUring, &Generator::make_uring_submit},
    {6, NeedUring, &Generator::make_uring_reap},
    {1, NeedUring | NeedPoll, &Generator::make_x_agree},
    {2, NeedUring, &Generator::make_uring_burst},               // a guarded poll, or a burst of NOPs (UR-OVERFLOW)
    {4, Nothing, &Generator::make_recv},                        // MSG_PEEK or not
    {2, NeedEpoll, &Generator::make_nest},                      // an ET epoll over an epoll over a pipe
    {1, NeedInet, &Generator::make_tcp_listen},
    {2, NeedInet, &Generator::make_tcp_connect},
    {2, NeedInet, &Generator::make_accept},
    {1, NeedInet, &Generator::make_linger0},
    {1, NeedInet, &Generator::make_so_error},
    {2, Nothing, &Generator::make_dupfd},                       // descriptors at 1024 and beyond
    {3, NeedWaiters | NeedBlockingCall, &Generator::make_waiters},
    {2, Nothing, &Generator::make_join},
    {1, NeedBlockingCall, &Generator::make_timed_wait},
    {1, NeedWaiters | NeedEpoll, &Generator::make_herd},        // one event, a waiter on each of 2-3 epolls
    {1, NeedInet, &Generator::make_send_oob},
    {1, NeedInet, &Generator::make_recv_oob},
    {1, NeedReadinessCall, &Generator::make_fanout},            // one file under hundreds of descriptors
    {2, NeedFifo, &Generator::make_fifo},
    {1, NeedUring, &Generator::make_uring_cancel_pending},
};

Op Generator::next(std::size_t index) {
  if (!queued_.empty()) {
    Op op = std::move(queued_.front());
    queued_.erase(queued_.begin());
    return op;
  }
  // Start with something to watch and something to watch it with.
  if (index == 0 && options_.epoll) return make_epoll();
  if (index == 1) return c_.percent(50) || !available(NeedSockets) ? make_pipe() : make_socketpair();
  std::array<unsigned, std::size(kChoices)> weights{};
  for (std::size_t k = 0; k < weights.size(); ++k)
    weights[k] = available(kChoices[k].needs) ? kChoices[k].weight : 0;
  return (this->*kChoices[c_.weighted(weights)].make)();
}

}  // namespace

Trace generate_trace_while(Chooser& chooser, std::size_t max_ops, const std::function<bool()>& more) {
  Trace t;
  GenOptions options;
  options.cheap_fills = true;
  Generator g(chooser, options);
  for (std::size_t i = 0; i < max_ops && more(); ++i) t.steps.push_back(Step{{}, g.next(i), std::nullopt});
  return t;
}

Trace generate_trace(Chooser& chooser, std::size_t ops, Profile profile, const GenOptions& options) {
  Trace t;
  t.profile = profile;
  Generator g(chooser, options);
  for (std::size_t i = 0; i < ops; ++i) t.steps.push_back(Step{{}, g.next(i), std::nullopt});
  return t;
}

}  // namespace pc
