// Waiter threads blocked in epoll_wait, poll or io_uring_enter, and timed waits. The model runs
// a woken thread's next look once the op that woke it is over (the harness settles every
// thread before it goes on), in wakeup order, or in every order where the order matters.
#include <poll.h>

#include <algorithm>
#include <set>

#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

constexpr std::uint32_t kPlainRingFlags = kSetupCqsize | kSetupClamp;
constexpr std::size_t kMaxOrdered = 5;  // woken threads whose orders are tried (5! orders)

WaiterObs returned(std::uint32_t number, const Observation& o) {
  WaiterObs w;
  w.waiter = number;
  w.ret = o.ret;
  w.err = o.err;
  w.events = o.events;
  for (std::uint16_t r : o.revents) w.events.push_back({r, 0});
  return w;
}

WaiterObs interrupted(std::uint32_t number) {
  WaiterObs w;
  w.waiter = number;
  w.ret = -1;
  w.err = EINTR;
  return w;
}

}  // namespace

// ---- wakeups ----

void Model::wake_epoll_sleeper(int epoll_id, RuleLog& log) {
  EpollObj& ep = epolls_.at(epoll_id);
  if (ep.sleepers.empty()) return;
  // Each wakeup the model does not count takes a sleeper that finds nothing and puts it back at
  // the head, so which of several is woken next is not known.
  if (ep.sleepers.size() > 1 && watches_inet(epoll_id))
    throw Unmodeled("one of several threads blocked on an epoll instance that watches TCP or "
                    "UDP sockets: their state changes wake it more often than modeled");
  if (ep.sleepers.size() > 1 && ep.sleeper_order_unknown)
    throw Unmodeled("one of several threads blocked on an epoll instance whose queue order "
                    "depended on how earlier woken threads raced");
  log.use(RuleId::EP_WAKE_ONE);
  const std::uint32_t n = ep.sleepers.front();
  ep.sleepers.pop_front();  // autoremove_wake_function
  if (ep.sleepers.size() <= 1) ep.sleeper_order_unknown = false;
  waiters_.at(n).state = ModelWaiter::State::Woken;
  woken_.push_back(n);
  ++sleeper_wakes_;
}

bool Model::watches_inet(int epoll_id) const {
  for (int id : epolls_below(epoll_id))
    for (const EpItem& it : epolls_.at(id).items) {
      const OpenFile& f = files_.at(it.ofd);
      if (f.kind == Kind::Listener) return true;
      if (f.kind == Kind::Socket && (socks_.at(f.object).type == SockType::Tcp ||
                                     socks_.at(f.object).type == SockType::Udp))
        return true;
    }
  return false;
}

bool Model::any_waiter_asleep() const {
  return std::any_of(waiters_.begin(), waiters_.end(),
                     [](const ModelWaiter& w) { return w.state == ModelWaiter::State::Asleep; });
}

void Model::run_eager_waiters(RuleLog& log) {
  if (!eager_waiters_ || running_eager_) return;
  running_eager_ = true;
  while (!woken_.empty()) {
    const std::uint32_t n = woken_.front();
    woken_.pop_front();
    waiter_pass(n, log);
  }
  running_eager_ = false;
}

void Model::release_deferred(RuleLog& log) {
  for (std::size_t i = 0; i < deferred_releases_.size(); ++i) release_file(deferred_releases_[i], log);
  deferred_releases_.clear();
}

bool Model::has_poll_sleeper(const WaitQueueId& q) const {
  return std::any_of(waiters_.begin(), waiters_.end(), [&](const ModelWaiter& w) {
    return w.api == WaitApi::Poll && w.state == ModelWaiter::State::Asleep && w.hooked == q;
  });
}

void Model::wake_poll_sleepers(const WaitQueueId& q, std::uint32_t key, RuleLog& log) {
  for (ModelWaiter& w : waiters_) {
    if (w.api != WaitApi::Poll || w.state != ModelWaiter::State::Asleep || w.hooked != q) continue;
    // pollwake: the key must meet what the entry asked for (events | POLLERR | POLLHUP).
    if (key && !(key & (w.events | EPOLLERR | EPOLLHUP))) continue;
    log.use(RuleId::PO_WAKE);
    w.state = ModelWaiter::State::Woken;
    woken_.push_back(w.number);
    ++sleeper_wakes_;
  }
}

bool Model::same_wait_state(const Model& other) const {
  if (epolls_.size() != other.epolls_.size() || files_.size() != other.files_.size() ||
      waiters_.size() != other.waiters_.size())
    return false;
  auto sorted = [](std::deque<std::uint32_t> q) {
    std::sort(q.begin(), q.end());
    return q;
  };
  for (const auto& [id, ep] : epolls_) {
    const auto it = other.epolls_.find(id);
    if (it == other.epolls_.end() || ep.ready != it->second.ready ||
        sorted(ep.sleepers) != sorted(it->second.sleepers) || ep.items.size() != it->second.items.size())
      return false;
    for (std::size_t i = 0; i < ep.items.size(); ++i)
      if (ep.items[i].events != it->second.items[i].events) return false;
  }
  for (const auto& [ofd, f] : files_)
    if (!other.files_.count(ofd)) return false;
  for (std::size_t i = 0; i < waiters_.size(); ++i)
    if (waiters_[i].state != other.waiters_[i].state) return false;
  return true;
}

void Model::note_sleeper_orders(const Model& other) {
  for (auto& [id, ep] : epolls_)
    if (const auto it = other.epolls_.find(id);
        it != other.epolls_.end() && it->second.sleepers != ep.sleepers && ep.sleepers.size() > 1)
      ep.sleeper_order_unknown = true;
}

// ---- the waiters' calls ----

void Model::finish_waiter(ModelWaiter& w, WaiterObs result, RuleLog& log) {
  w.state = ModelWaiter::State::Done;
  // Kept in waiter order, as observations list them.
  const auto at = std::upper_bound(returned_.begin(), returned_.end(), result.waiter,
                                   [](std::uint32_t n, const WaiterObs& r) { return n < r.waiter; });
  returned_.insert(at, std::move(result));
  const int ofd = w.ofd;
  w.ofd = -1;
  if (ofd >= 0) {
    log.use(RuleId::X_WAIT_HOLD);
    if (OpenFile& f = files_.at(ofd); --f.waiter_holds == 0 && f.refs == 0 && f.holds == 0) {
      // Run where it was woken, inside the op that woke it, its release would pull objects
      // from under that op: it comes once the op is over (as the thread's own fput does when
      // the wakeup is the op's last act).
      if (running_eager_) {
        deferred_releases_.push_back(ofd);
        ++eager_releases_;
      }
      else release_file(ofd, log);
    }
  }
}

void Model::start_waiter(ModelWaiter w, Handle h, RuleLog& log) {
  const std::uint32_t n = w.number;
  waiters_.push_back(w);
  auto hold = [&](int ofd) {
    files_.at(ofd).waiter_holds++;
    waiters_.at(n).ofd = ofd;
  };
  switch (w.api) {
    case WaitApi::Epoll: {
      if (const auto ofd = ofd_of_fd(w.fd); ofd && files_.at(*ofd).kind == Kind::Epoll)
        require_settled_capacity_below(files_.at(*ofd).object);
      const Observation o = op(EpollWait{h, w.maxevents}, 0, log, nullptr);
      if (o.ret != 0) return finish_waiter(waiters_.at(n), returned(n, o), log);
      const int ofd = *ofd_of_fd(w.fd);
      waiters_.at(n).object = files_.at(ofd).object;
      hold(ofd);
      // __add_wait_queue_exclusive puts it at the head: the latest to block is woken first.
      epolls_.at(files_.at(ofd).object).sleepers.push_front(n);
      return;
    }
    case WaitApi::Poll: {
      if (const auto ofd = ofd_of_fd(w.fd)) require_settled_capacity(*ofd, w.events);
      const Observation o = op(Poll{{PollEntry{PollTarget{static_cast<std::int8_t>(h.slot)}, PollMask{w.events}}}, 0}, 0, log, nullptr);
      if (o.ret != 0) return finish_waiter(waiters_.at(n), returned(n, o), log);
      if (const auto ofd = ofd_of_fd(w.fd)) {
        if (files_.at(*ofd).kind == Kind::Ring)
          throw Unmodeled("poll blocked on an io_uring descriptor: the ring's poll wakeups are not modeled");
        hold(*ofd);  // __pollwait takes a reference for its table entry
        waiters_.at(n).hooked = queue_of(files_.at(*ofd));
      }
      return;  // a negative fd: nothing to watch, only a signal ends it
    }
    case WaitApi::Uring: {
      log.use(RuleId::UR_WAIT);
      const auto ofd = ofd_of_fd(w.fd);
      if (!ofd) return finish_waiter(waiters_.at(n), returned(n, failure(EBADF)), log);
      if (files_.at(*ofd).kind != Kind::Ring)
        return finish_waiter(waiters_.at(n), returned(n, failure(EOPNOTSUPP)), log);
      const int ring_id = files_.at(*ofd).object;
      const RingObj& r = rings_.at(ring_id);
      if (r.flags & ~kPlainRingFlags)
        throw Unmodeled("io_uring_enter from another thread on a ring set up with flags");
      if (!r.overflow.empty() || !r.async.empty())
        throw Unmodeled("a thread waiting on a ring with held or io-wq completions");
      if (!r.cq.empty()) return finish_waiter(waiters_.at(n), returned(n, Observation{}), log);
      waiters_.at(n).object = ring_id;
      waiters_.at(n).cq_target = r.cq_tail + 1;  // the head it saw plus min_complete
      hold(*ofd);
      return;
    }
  }
}

void Model::waiter_pass(std::uint32_t n, RuleLog& log) {
  ModelWaiter& w = waiters_.at(n);
  const bool signalled = w.signalled;
  switch (w.api) {
    case WaitApi::Epoll: {
      require_settled_capacity_below(w.object);
      // ep_poll looks at the ready list once more; only then does a signal end the wait.
      const Observation o = send_events(w.object, static_cast<std::size_t>(w.maxevents), log, nullptr);
      if (o.ret > 0) return finish_waiter(waiters_.at(n), returned(n, o), log);
      break;
    }
    case WaitApi::Poll: {
      // do_poll polls every entry again (looking the descriptor up anew) before it looks at
      // signals; the registration made by the first pass stays where it was.
      std::uint16_t revents = 0;
      if (w.fd >= 0) {
        const auto ofd = ofd_of_fd(w.fd);
        if (ofd) require_settled_capacity(*ofd, w.events);
        revents = ofd ? static_cast<std::uint16_t>(vfs_poll(*ofd, log) & (w.events | POLLERR | POLLHUP))
                      : static_cast<std::uint16_t>(POLLNVAL);
      }
      if (revents) {
        Observation o;
        o.ret = 1;
        o.revents = {revents};
        return finish_waiter(waiters_.at(n), returned(n, o), log);
      }
      break;
    }
    case WaitApi::Uring:
      if (rings_.count(w.object) && rings_.at(w.object).cq_tail >= w.cq_target)
        return finish_waiter(waiters_.at(n), returned(n, Observation{}), log);
      break;
  }
  ModelWaiter& again = waiters_.at(n);
  if (signalled) {
    log.use(RuleId::X_EINTR);
    return finish_waiter(again, interrupted(n), log);
  }
  again.state = ModelWaiter::State::Asleep;
  if (again.api == WaitApi::Epoll) epolls_.at(again.object).sleepers.push_front(n);  // the head again
}

// ---- choosing the order woken threads run in ----

bool Model::epolls_related(int a, int b) const {
  return a == b || epolls_below(a).contains(b) || epolls_below(b).contains(a);
}

std::vector<std::uint32_t> Model::order_sensitive() const {
  // A poll on anything but an epoll descriptor, or an io_uring wait, changes nothing another
  // thread could see, unless its return lets go of a file's last reference.
  struct Touch {
    std::uint32_t number;
    int epoll;  // -1: releases a file (related to everything)
  };
  std::vector<Touch> touching;
  for (std::uint32_t n : woken_) {
    const ModelWaiter& w = waiters_.at(n);
    if (const OpenFile* f = w.ofd >= 0 ? &files_.at(w.ofd) : nullptr;
        f && f->refs == 0 && f->holds == 0 && f->waiter_holds == 1) {
      touching.push_back({n, -1});
    } else if (w.api == WaitApi::Epoll) {
      touching.push_back({n, w.object});
    } else if (w.api == WaitApi::Poll && w.fd >= 0) {
      if (const auto ofd = ofd_of_fd(w.fd); ofd && files_.at(*ofd).kind == Kind::Epoll)
        touching.push_back({n, files_.at(*ofd).object});
    }
  }
  for (std::size_t i = 0; i < touching.size(); ++i)
    for (std::size_t k = i + 1; k < touching.size(); ++k) {
      const int a = touching[i].epoll, b = touching[k].epoll;
      if (a < 0 || b < 0 || epolls_related(a, b)) {
        std::vector<std::uint32_t> all;
        for (const Touch& t : touching) all.push_back(t.number);
        return all;
      }
    }
  return {};
}

void Model::run_unordered(RuleLog& log) {
  while (!woken_.empty() && order_sensitive().empty()) {
    const std::uint32_t n = woken_.front();
    woken_.pop_front();
    waiter_pass(n, log);
  }
}

void Model::explore_orders(RuleLog& log, std::vector<Model>& outcomes) const {
  const std::vector<std::uint32_t> choices = order_sensitive();
  if (choices.empty()) {
    Model m = *this;
    m.run_unordered(log);
    if (m.woken_.empty()) outcomes.push_back(std::move(m));
    else m.explore_orders(log, outcomes);
    return;
  }
  if (choices.size() > kMaxOrdered)
    throw Unmodeled("more than five woken threads on related epoll instances: their orders are not enumerated");
  for (std::uint32_t n : choices) {
    Model m = *this;
    m.woken_.erase(std::find(m.woken_.begin(), m.woken_.end(), n));
    m.waiter_pass(n, log);
    m.explore_orders(log, outcomes);
  }
}

void Model::run_waiters(RuleLog& log, bool op_over) {
  // io_uring waiters: io_cqring_wake woke every one whose target the CQ tail passed.
  for (ModelWaiter& w : waiters_) {
    if (w.api != WaitApi::Uring || w.state != ModelWaiter::State::Asleep) continue;
    const RingObj* r = rings_.count(w.object) ? &rings_.at(w.object) : nullptr;
    if (r && !r->async.empty())
      throw Unmodeled("a thread waiting on a ring with io-wq completions in flight");
    if (r && r->cq_tail >= w.cq_target) {
      w.state = ModelWaiter::State::Woken;
      woken_.push_back(w.number);
    }
  }
  // Threads whose order does not matter run here; only a choice of order needs copies.
  run_unordered(log);
  if (woken_.empty()) return;
  std::vector<Model> outcomes;
  explore_orders(log, outcomes);
  // One outcome per distinct list of returns, in the order first tried.
  std::vector<std::size_t> distinct;
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    if (std::none_of(distinct.begin(), distinct.end(),
                     [&](std::size_t d) { return outcomes[d].returned_ == outcomes[i].returned_; }))
      distinct.push_back(i);
  if (distinct.size() > 1) log.use(RuleId::EP_WAKE_ORDER);
  std::size_t pick = 0;
  if (op_over) {
    for (std::size_t d : distinct)
      if (following_ && outcomes[d].returned_ == *following_) {
        pick = d;
        break;
      }
  } else {
    // Inside an op that goes on after the threads ran (a join signals the next thread): the
    // returns so far are a part of the op's, so a choice here is followed to the op's end by
    // running the op again with it (Model::apply). A kernel's choice is the one whose returns
    // so far it showed.
    const std::size_t at = mid_op_choices_.size();
    std::size_t choice = at < forced_choices_.size() ? forced_choices_[at] : 0;
    if (following_)
      for (std::size_t k = 0; k < distinct.size(); ++k)
        if (std::all_of(outcomes[distinct[k]].returned_.begin(), outcomes[distinct[k]].returned_.end(),
                        [&](const WaiterObs& r) {
                          return std::find(following_->begin(), following_->end(), r) != following_->end();
                        })) {
          choice = k;
          break;
        }
    mid_op_choices_.push_back(distinct.size());
    pick = distinct.at(std::min(choice, distinct.size() - 1));
  }
  const std::vector<WaiterObs>& chosen = outcomes[pick].returned_;
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    if (i != pick && outcomes[i].returned_ == chosen) outcomes[pick].note_sleeper_orders(outcomes[i]);
  std::vector<std::vector<WaiterObs>> others;
  if (op_over)
    for (std::size_t d : distinct)
      if (d != pick) others.push_back(outcomes[d].returned_);
  // The picked model carries this op's bookkeeping on; the choices made so far are this one's.
  std::vector<std::size_t> choices = std::move(mid_op_choices_);
  *this = std::move(outcomes[pick]);
  mid_op_choices_ = std::move(choices);
  other_wakeups_.insert(other_wakeups_.end(), others.begin(), others.end());
}

// ---- ops ----

Observation Model::op(const Waiters& wt, std::size_t, RuleLog& log, const Observation*) {
  if (const std::string& why = params_->waiters_unavailable(); !why.empty())
    throw Unmodeled("waiter threads left out: " + why, true);
  std::uint32_t alive = 0;
  for (const ModelWaiter& w : waiters_) alive += w.state != ModelWaiter::State::Done;
  const std::uint32_t n = std::min(wt.n, kMaxWaiters - std::min(alive, kMaxWaiters));
  for (std::uint32_t k = 0; k < n; ++k) {
    ModelWaiter w;
    w.number = static_cast<std::uint32_t>(waiters_.size());
    w.api = wt.api;
    w.fd = fd_of(wt.fd);
    w.maxevents = wt.maxevents;
    w.events = wt.events.bits;
    start_waiter(w, wt.fd, log);
    run_waiters(log);  // the harness lets every thread settle before it starts the next
  }
  Observation o;
  o.ret = n;
  return o;
}

Observation Model::op(const JoinWaiters&, std::size_t, RuleLog& log, const Observation*) {
  std::vector<std::uint32_t> racing;  // ring waiters a CQE and a signal both reached
  for (std::uint32_t n = 0; n < waiters_.size(); ++n) {
    if (waiters_[n].state != ModelWaiter::State::Asleep) continue;
    ModelWaiter& w = waiters_[n];
    if (w.api == WaitApi::Epoll) {
      auto& sl = epolls_.at(w.object).sleepers;
      sl.erase(std::remove(sl.begin(), sl.end(), n), sl.end());
      if (sl.size() <= 1) epolls_.at(w.object).sleeper_order_unknown = false;
    }
    w.signalled = true;
    w.state = ModelWaiter::State::Woken;
    waiter_pass(n, log);
    run_waiters(log);
    // The harness makes system calls while it waits for that return, and runs its task work on
    // the way back from each: what the return queued there (a file it let go of woke a poll on a
    // ring the harness submitted to) posts a CQE that wakes a ring's waiter, which returns 0. The
    // harness may have signalled that waiter before its task work ran, though, and a ring's wait
    // that runs before the CQE is posted sees the signal first (io_cqring_wait_schedule): EINTR.
    const std::size_t before = returned_.size();
    run_task_work(log);
    run_waiters(log);
    for (std::size_t k = before; k < returned_.size(); ++k)
      if (waiters_.at(returned_[k].waiter).api == WaitApi::Uring) racing.push_back(returned_[k].waiter);
  }
  if (!racing.empty()) {
    log.use(RuleId::X_EINTR);
    std::vector<WaiterObs> signalled_first = returned_;
    for (WaiterObs& r : signalled_first)
      if (std::find(racing.begin(), racing.end(), r.waiter) != racing.end()) r = interrupted(r.waiter);
    other_wakeups_.push_back(std::move(signalled_first));
  }
  return Observation{};
}

Observation Model::op(const TimedWait& t, std::size_t, RuleLog& log, const Observation* observed) {
  log.use(RuleId::X_TIMEOUT);
  // Whether it times out is not judged as a set.
  if (const auto ofd = ofd_of_fd(fd_of(t.fd))) {
    if (files_.at(*ofd).kind == Kind::Epoll) require_settled_capacity_below(files_.at(*ofd).object);
    else if (t.api == WaitApi::Poll) require_settled_capacity(*ofd, t.events.bits);
  }
  switch (t.api) {
    case WaitApi::Epoll: {
      Observation o = op(EpollWait{t.fd, kTimedWaitMaxEvents}, 0, log, nullptr);
      // io_uring queues task work with TWA_SIGNAL (a closed ring's exit work, for one); it
      // makes signal_pending() true, and ep_poll returns -EINTR for it, which no restart hides.
      if (o.ret == 0 && LearnedParams::uring_probed()) {
        log.use(RuleId::X_EINTR_NOTIFY);
        if (observed && observed->ret == -1 && observed->err == EINTR) return failure(EINTR);
        other_outcomes_.push_back(failure(EINTR));
      }
      return o;
    }
    case WaitApi::Poll:
      return op(Poll{{PollEntry{PollTarget{static_cast<std::int8_t>(t.fd.slot)}, t.events}}, 0}, 0, log, nullptr);
    case WaitApi::Uring: {
      log.use(RuleId::UR_WAIT);
      const auto ofd = ofd_of_fd(fd_of(t.fd));
      if (!ofd) return failure(EBADF);
      if (files_.at(*ofd).kind != Kind::Ring) return failure(EOPNOTSUPP);
      const int ring_id = files_.at(*ofd).object;
      if (rings_.at(ring_id).flags & ~kPlainRingFlags)
        throw Unmodeled("a timed io_uring wait on a ring set up with flags");
      getevents(ring_id, log);
      const RingObj& r = rings_.at(ring_id);
      if (!r.cq.empty()) return Observation{};
      if (!r.pending.empty() || !r.async.empty() || !r.task_work.empty() || !r.drain_blocked.empty())
        throw Unmodeled("a timed io_uring wait with requests in flight that may complete in time");
      return failure(ETIME);
    }
  }
  return failure(EINVAL);
}

}  // namespace pc
