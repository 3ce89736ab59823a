// Op dispatch and the readiness each modeled file reports.
#include "oracle/model.h"
#include "oracle/unmodeled.h"

#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <limits>

namespace pc {

Observation Model::apply(const Op& op, std::size_t step, RuleLog& log,
                         const Observation* observed, const Model* before) {
  const ItemReadiness readiness_before = marks_edges_ ? item_readiness() : ItemReadiness{};
  // A thread the op wakes runs concurrently with the rest of it: the op is predicted with the
  // woken threads running once it is over, and again with each running where it was woken;
  // where the two differ, when it ran decides, and the op is not modeled.
  // (Following a kernel's choice, the prediction made that check already.)
  const bool asleep = !observed && any_waiter_asleep();
  // (A re-run for another order inside the op leaves it to the first run's check.)
  const bool check_eager = asleep && !eager_waiters_ && forced_choices_.empty();
  // Where the implementation's accounting decides how much a write takes (a buffer with data in
  // it, under compat and doc), it decides whether the write wakes anyone too.
  const bool count_followed = asleep && write_count_followed(op);
  std::optional<Model> eager;
  if (check_eager && !before) eager.emplace(*this);
  returned_.clear();
  mid_op_choices_.clear();
  following_ = observed ? &observed->woke : nullptr;
  // The pointer is to the caller's observation: it must not outlive this call, nor be copied.
  struct StopFollowing {
    const std::vector<WaiterObs>*& p;
    ~StopFollowing() { p = nullptr; }
  } stop_following{following_};
  eager_releases_ = 0;
  other_wakeups_.clear();
  other_outcomes_.clear();
  sleeper_wakes_ = 0;
  Observation o = std::visit([&](const auto& x) { return this->op(x, step, log, observed); }, op);
  run_task_work(log);  // on the way back to user space
  release_deferred(log);
  // The threads this op woke run once it is over (the harness waits for them to settle).
  run_waiters(log, true);
  if (before && std::any_of(mid_op_choices_.begin(), mid_op_choices_.end(),
                            [](std::size_t n) { return n > 1; }))
    explore_mid_op_choices(op, step, o, *before);
  if (check_eager && sleeper_wakes_ > 0) {
    if (!eager) eager.emplace(*before);
    eager->eager_waiters_ = true;
    RuleLog scratch;
    const Observation early = eager->apply(op, step, scratch, observed);
    const std::vector<WaiterObs>& late = returned_;
    const auto& alts = other_wakeups_;
    Observation early_rest = early, late_rest = o;
    early_rest.woke.clear();
    late_rest.woke.clear();
    if (early_rest != late_rest || !same_wait_state(*eager) ||
        (early.woke != late && std::find(alts.begin(), alts.end(), early.woke) == alts.end()))
      throw Unmodeled("an op that wakes blocked threads while it goes on changing what they wait "
                      "for: what they return depends on when they run");
    note_sleeper_orders(*eager);
    // A thread the write woke let go of a file when it ran: that may land between any two skbs
    // of a stream write (unix_stream_sendmsg looks at its peer for each), not only at its end.
    if (eager->eager_releases_ > 0 && o.ret > 0 && stream_write_spans_skbs(op, o.ret))
      throw Unmodeled("a stream write of several skbs wakes a thread that lets go of a file: "
                      "between which skbs the release lands decides what it writes");
  }
  if (count_followed && !returned_.empty())
    throw Unmodeled("a write into a buffer with data in it woke a blocked thread: under this "
                    "profile the implementation's accounting decides whether it is written, and "
                    "so whether the thread returns");
  if (marks_edges_) mark_edges(readiness_before);
  o.woke = returned_;
  return o;
}

void Model::explore_mid_op_choices(const Op& op, std::size_t step, const Observation& first,
                                   const Model& before) {
  constexpr std::size_t kMaxRuns = 24;
  std::vector<std::vector<std::size_t>> scripts;
  // Every choice after the forced ones that took the first outcome could have taken another.
  auto branch_after = [&](const std::vector<std::size_t>& forced, const std::vector<std::size_t>& met) {
    for (std::size_t at = forced.size(); at < met.size(); ++at)
      for (std::size_t c = 1; c < met[at]; ++c) {
        std::vector<std::size_t> s = forced;
        s.resize(at, 0);
        s.push_back(c);
        scripts.push_back(std::move(s));
      }
  };
  branch_after({}, mid_op_choices_);
  Observation own = first;
  own.woke.clear();
  for (std::size_t runs = 0; !scripts.empty(); ++runs) {
    if (runs == kMaxRuns)
      throw Unmodeled("an op with more orders of woken threads inside it than are enumerated");
    const std::vector<std::size_t> forced = std::move(scripts.back());
    scripts.pop_back();
    Model m = before;
    m.forced_choices_ = forced;
    RuleLog scratch;
    Observation o = m.apply(op, step, scratch, nullptr, nullptr);
    std::vector<std::vector<WaiterObs>> wakeups = std::move(m.other_wakeups_);
    wakeups.push_back(std::move(o.woke));
    o.woke.clear();
    if (o != own)
      throw Unmodeled("the order threads woken inside an op ran in decides the op's own result");
    for (std::vector<WaiterObs>& w : wakeups)
      if (w != returned_ && std::find(other_wakeups_.begin(), other_wakeups_.end(), w) == other_wakeups_.end())
        other_wakeups_.push_back(std::move(w));
    branch_after(forced, m.mid_op_choices_);
  }
}

bool Model::stream_write_spans_skbs(const Op& op, std::int64_t written) const {
  const auto* w = std::get_if<Write>(&op);
  if (!w) return false;
  const auto ofd = ofd_of_fd(fd_of(w->fd));
  if (!ofd || files_.at(*ofd).kind != Kind::Socket) return false;
  return socks_.at(files_.at(*ofd).object).type == SockType::Stream &&
         written > static_cast<std::int64_t>(accounting_.unix_stream_max_skb());
}

bool Model::write_count_followed(const Op& op) const {
  Handle h;
  if (const auto* w = std::get_if<Write>(&op)) h = w->fd;
  else if (const auto* f = std::get_if<FillWrite>(&op)) h = f->fd;
  else return false;
  const auto ofd = ofd_of_fd(fd_of(h));
  return ofd && (followed_slack(*ofd) & EPOLLOUT);
}

std::uint32_t Model::readiness(int ofd) const {
  const OpenFile& f = files_.at(ofd);
  switch (f.kind) {
    case Kind::Pipe: {
      const PipeObj& p = pipes_.at(f.object);
      if (f.side == 0)
        return (p.bufs.empty() ? 0u : EPOLLIN | EPOLLRDNORM) |
               (p.writers == 0 && p.writer_seen ? EPOLLHUP : 0u);
      return (p.bufs.size() < accounting_.pipe_slots() ? EPOLLOUT | EPOLLWRNORM : 0u) |
             (p.readers == 0 ? EPOLLERR : 0u);
    }
    case Kind::Socket: {
      const SockPair& s = socks_.at(f.object);
      if (s.type == SockType::Tcp || s.type == SockType::Udp) return inet_readiness(s, f.side);
      const SockEnd& e = s.end[f.side];
      std::uint32_t m = 0;
      if (e.err) m |= EPOLLERR;
      if (e.shutdown & 1) m |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
      if (e.shutdown == 3) m |= EPOLLHUP;
      if (!e.rq.empty()) m |= EPOLLIN | EPOLLRDNORM;
      if (s.type != SockType::Dgram && e.state_close) m |= EPOLLHUP;
      if (unix_writable(e)) m |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
      if (mutant_ == Mutant::NoRdhup) m &= ~static_cast<std::uint32_t>(EPOLLRDHUP);
      return m;
    }
    case Kind::EventFd: {
      const std::uint64_t c = eventfds_.at(f.object).count;
      constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
      return (c > 0 ? EPOLLIN : 0u) | (c == kMax ? EPOLLERR : 0u) | (c < kMax - 1 ? EPOLLOUT : 0u);
    }
    case Kind::RegularFile:
      return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;  // DEFAULT_POLLMASK
    case Kind::Epoll: {
      for (std::size_t i : epolls_.at(f.object).ready)
        if (item_poll(epolls_.at(f.object).items[i])) return EPOLLIN | EPOLLRDNORM;
      return 0;
    }
    case Kind::Listener:  // inet_csk_listen_poll
      return listeners_.at(f.object).pending.empty() ? 0u : EPOLLIN | EPOLLRDNORM;
    case Kind::Ring: {
      // io_uring_poll: the SQ the harness publishes only at submit is never full; CQEs in the
      // ring, held ones, or deferred task work waiting make it readable. Polling runs no work.
      const RingObj& r = rings_.at(f.object);
      const bool work = r.defer_taskrun() && !r.task_work.empty();
      return EPOLLOUT | EPOLLWRNORM |
             (!r.cq.empty() || !r.overflow.empty() || work ? EPOLLIN | EPOLLRDNORM : 0u);
    }
  }
  return 0;
}

void Model::log_readiness(int ofd, RuleLog& log) const {
  const OpenFile& f = files_.at(ofd);
  switch (f.kind) {
    case Kind::Pipe:
      if (f.side == 0) {
        log.use(RuleId::RD_PIPE_IN);
        if (pipes_.at(f.object).writers == 0) log.use(RuleId::RD_PIPE_HUP);
      } else {
        log.use(RuleId::RD_PIPE_OUT);
        log.use(RuleId::RD_PIPE_SLOTS);
      }
      return;
    case Kind::Socket: {
      const SockPair& s = socks_.at(f.object);
      if (s.type == SockType::Tcp || s.type == SockType::Udp) {
        const SockEnd& e = s.end[f.side];
        log.use(s.type == SockType::Tcp ? RuleId::RD_TCP : RuleId::RD_UDP);
        if (e.err) log.use(s.type == SockType::Tcp ? RuleId::RD_TCP_CLOSE : RuleId::RD_UDP_ICMP);
        if (s.type == SockType::Tcp && (e.tcp != TcpState::Established || !e.alive)) log.use(RuleId::RD_TCP_CLOSE);
        return;
      }
      log.use(s.type == SockType::Stream ? RuleId::RD_UNIX_STREAM : RuleId::RD_UNIX_DGRAM);
      log.use(RuleId::RD_UNIX_SNDBUF);
      if (s.end[f.side].shutdown) log.use(RuleId::RD_UNIX_SHUTDOWN);
      if (s.end[f.side].err) log.use(RuleId::RD_UNIX_RESET);
      return;
    }
    case Kind::EventFd:
      log.use(RuleId::RD_EVENTFD);
      return;
    case Kind::RegularFile:
      log.use(RuleId::PO_DEFAULT_MASK);
      return;
    case Kind::Epoll:
      log.use(RuleId::EP_NEST_READY);
      return;
    case Kind::Ring:
      return;
    case Kind::Listener:
      log.use(RuleId::RD_TCP_LISTEN);
      return;
  }
}

std::uint32_t Model::capacity_slack(int ofd) const {
  const OpenFile& f = files_.at(ofd);
  // An empty pipe or a socket with nothing queued has room on any implementation (a pipe at
  // least PIPE_BUF bytes, pipe(7)); with something queued, whether it is full is accounting.
  if (f.kind == Kind::Pipe && f.side == 1 && !pipes_.at(f.object).bufs.empty())
    return EPOLLOUT | EPOLLWRNORM;
  if (f.kind == Kind::Socket && socks_.at(f.object).end[f.side].wmem > 0)
    return EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
  // An epoll instance is readable when a registration below it is ready: if that hangs on
  // accounting, so does the instance's POLLIN.
  if (f.kind == Kind::Epoll)
    for (int id : epolls_below(f.object))
      for (const EpItem& it : epolls_.at(id).items)
        if (files_.at(it.ofd).kind != Kind::Epoll && (capacity_slack(it.ofd) & it.events))
          return EPOLLIN | EPOLLRDNORM;
  return 0;
}

void Model::require_settled_capacity(int ofd, std::uint32_t interest) const {
  if (followed_slack(ofd) & interest)
    throw Unmodeled("a wait or io_uring request for room in a buffer that holds data: whether it "
                    "has room is the implementation's accounting, which this profile leaves open");
}

void Model::require_settled_capacity_below(int epoll_id) const {
  for (int id : epolls_below(epoll_id))
    for (const EpItem& it : epolls_.at(id).items) require_settled_capacity(it.ofd, it.events);
}

std::uint32_t Model::doc_slack(int ofd) const {
  const OpenFile& f = files_.at(ofd);
  // No man page says whether a FIFO that never had a writer hangs up (RD-FIFO-HUP).
  if (f.kind == Kind::Pipe && f.side == 0 && !pipes_.at(f.object).writer_seen) return EPOLLHUP;
  return capacity_slack(ofd);
}

}  // namespace pc
