// epoll: interest lists keyed by (open file description, fd), ready lists fed by wait-queue
// callbacks, and epoll_wait's scan (fs/eventpoll.c).
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <set>

#include "oracle/history.h"
#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

constexpr std::uint32_t kPrivateBits = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
constexpr std::uint32_t kExclusiveOkBits =
    EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;

bool on_ready(const EpollObj& ep, std::size_t i) {
  return std::find(ep.ready.begin(), ep.ready.end(), i) != ep.ready.end();
}

}  // namespace

WaitQueueId Model::queue_of(const OpenFile& f) const {
  return WaitQueueId{f.kind, f.object, f.kind == Kind::Pipe || f.kind == Kind::Socket ? f.side : 0};
}

std::uint32_t Model::item_poll(const EpItem& it) const { return readiness(it.ofd) & it.events; }

// __wake_up_common walks the queue head first: ep_insert puts plain entries at the head and
// EPOLLEXCLUSIVE ones at the tail, so plain entries go latest-hooked first, then the exclusive
// ones oldest first, whichever epoll instance each belongs to. With nobody blocked in
// epoll_wait an exclusive entry never stops the walk, so every matching item is queued. Each
// callback that passes its filters wakes the instance's own watchers at once (ep_poll_safewake
// from ep_poll_callback), whether or not its item was queued already.
void Model::wake(const WaitQueueId& q, std::uint32_t key, RuleLog& log) {
  wake_ring_requests(q, key);
  wake_poll_sleepers(q, key, log);
  struct Entry {
    int epoll;
    std::size_t item;
    std::uint64_t seq;
    bool exclusive;
  };
  std::vector<Entry> entries;
  for (const auto& [id, ep] : epolls_)
    for (std::size_t i = 0; i < ep.items.size(); ++i)
      if (queue_of(files_.at(ep.items[i].ofd)) == q)
        entries.push_back({id, i, ep.items[i].seq, (ep.items[i].events & EPOLLEXCLUSIVE) != 0});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.exclusive != b.exclusive) return !a.exclusive;
    return a.exclusive ? a.seq < b.seq : a.seq > b.seq;
  });
  for (const Entry& e : entries) {
    EpollObj& ep = epolls_.at(e.epoll);
    const EpItem& it = ep.items[e.item];
    if (!(it.events & ~kPrivateBits)) continue;  // a ONESHOT item that already fired
    if (key && !(key & it.events)) continue;
    const bool queued = on_ready(ep, e.item);
    if (!queued) ep.ready.push_back(e.item);
    const bool sleepers = !ep.sleepers.empty();
    const std::uint32_t interest = it.events;
    wake_epoll_sleeper(e.epoll, log);
    if (!(mutant_ == Mutant::NestNoWake && queued)) wake_watchers(e.epoll, log);
    // ep_poll_callback's ewake: an exclusive entry whose instance has a thread to wake counts
    // as the one exclusive wakeup of this walk, if the key is about what it waits for.
    if (e.exclusive && key != 0 && (sleepers || mutant_ == Mutant::ExclusiveLost)) {
      const std::uint32_t dir = key & (EPOLLIN | EPOLLOUT);
      const bool ewake = dir == 0 || (dir == EPOLLIN && (interest & EPOLLIN)) ||
                         (dir == EPOLLOUT && (interest & EPOLLOUT));
      if (ewake) {
        log.use(RuleId::EP_EXCLUSIVE);
        break;
      }
    }
  }
  run_eager_waiters(log);
}

void Model::wake_watchers(int epoll_id, RuleLog& log) {
  // waitqueue_active(&ep->poll_wait): an outer instance's entry, or a thread in poll on it.
  if (!is_watched(epoll_id) && !has_poll_sleeper({Kind::Epoll, epoll_id, 0})) return;
  log.use(RuleId::EP_NEST_READY);
  wake({Kind::Epoll, epoll_id, 0}, EPOLLIN, log);
}

std::uint32_t Model::poll_item(const EpItem& it, RuleLog& log) {
  const OpenFile& f = files_.at(it.ofd);
  if (f.kind != Kind::Epoll) return item_poll(it);
  return epoll_file_poll(f.object, log) & it.events;
}

int Model::nest_depth_down(int epoll_id) const {
  int depth = 0;
  for (const EpItem& it : epolls_.at(epoll_id).items)
    if (const OpenFile& f = files_.at(it.ofd); f.kind == Kind::Epoll)
      depth = std::max(depth, nest_depth_down(f.object) + 1);
  return depth;
}

int Model::nest_depth_up(int epoll_id) const {
  int depth = 0;
  for (const auto& [id, ep] : epolls_)
    for (const EpItem& it : ep.items)
      if (const OpenFile& f = files_.at(it.ofd); f.kind == Kind::Epoll && f.object == epoll_id)
        depth = std::max(depth, nest_depth_up(id) + 1);
  return depth;
}

void Model::count_watch(const EpItem& it, int delta) {
  if (const OpenFile& f = files_.at(it.ofd); f.kind == Kind::Epoll) epolls_.at(f.object).watched_by += delta;
}

// reverse_path_check: from each file the new link reaches (the target, or for an epoll target
// every non-epoll file below it), the wakeup paths up to a top-level instance, counted by
// their epoll-in-epoll length, may not exceed path_limits {-, 500, 100, 50, 10}.
bool Model::too_many_wakeup_paths(int target_ofd) const {
  constexpr std::array<std::uint64_t, 5> kLimits = {~std::uint64_t{0}, 500, 100, 50, 10};
  std::map<int, std::vector<int>> watchers;  // epoll id -> the instances of the items on it
  std::map<int, std::vector<int>> on_file;   // file -> the instances of the items on it
  for (const auto& [id, ep] : epolls_)
    for (const EpItem& it : ep.items) {
      on_file[it.ofd].push_back(id);
      if (const OpenFile& f = files_.at(it.ofd); f.kind == Kind::Epoll) watchers[f.object].push_back(id);
    }
  // Paths from an instance up to the top, by length; a path past EP_MAX_NESTS fails at once.
  using Counts = std::array<std::uint64_t, 6>;
  std::map<int, Counts> memo;
  std::function<Counts(int)> paths = [&](int id) -> Counts {
    if (auto it = memo.find(id); it != memo.end()) return it->second;
    Counts c{};
    const auto w = watchers.find(id);
    if (w == watchers.end()) {
      c[0] = 1;
    } else {
      memo[id] = Counts{};  // cycles are refused earlier (ELOOP); this only stops a runaway
      for (int up : w->second) {
        const Counts u = paths(up);
        for (std::size_t d = 0; d + 1 < c.size(); ++d) c[d + 1] += u[d];
        c[5] += u[5];
      }
    }
    memo[id] = c;
    return c;
  };
  std::vector<int> files;
  if (files_.at(target_ofd).kind != Kind::Epoll) {
    files.push_back(target_ofd);
  } else {
    for (int id : epolls_below(files_.at(target_ofd).object))
      for (const EpItem& it : epolls_.at(id).items)
        if (files_.at(it.ofd).kind != Kind::Epoll) files.push_back(it.ofd);
  }
  for (int file : files) {
    Counts total{};
    for (int id : on_file[file]) {
      const Counts c = paths(id);
      for (std::size_t d = 0; d < total.size(); ++d) total[d] += c[d];
    }
    if (total[5] > 0) return true;
    for (std::size_t d = 1; d < kLimits.size(); ++d)
      if (total[d] > kLimits[d]) return true;
  }
  return false;
}

std::set<int> Model::epolls_below(int epoll_id) const {
  std::vector<int> todo{epoll_id};
  std::set<int> seen;
  while (!todo.empty()) {
    const int id = todo.back();
    todo.pop_back();
    if (!epolls_.count(id) || !seen.insert(id).second) continue;
    for (const EpItem& it : epolls_.at(id).items)
      if (const OpenFile& f = files_.at(it.ofd); f.kind == Kind::Epoll) todo.push_back(f.object);
  }
  return seen;
}

bool Model::nest_too_deep(int outer, int inner) const {
  constexpr int kMaxNests = 4;  // EP_MAX_NESTS
  // A cycle: the outer instance is reachable from the inner one.
  if (epolls_below(inner).contains(outer)) return true;
  return nest_depth_down(inner) + 1 + nest_depth_up(outer) > kMaxNests;
}

// ep_eventpoll_poll: readable if some queued item is really ready; the non-ready ones it meets
// on the way are dropped from the ready list.
std::uint32_t Model::epoll_file_poll(int epoll_id, RuleLog& log) {
  EpollObj& ep = epolls_.at(epoll_id);
  log.use(RuleId::EP_NEST_READY);
  log.use(RuleId::EP_NEST_NOCONSUME);
  while (!ep.ready.empty()) {
    if (poll_item(ep.items[ep.ready.front()], log)) {
      // The scan ends in ep_done_scan, like epoll_wait's: a ready list left non-empty wakes
      // a thread blocked in epoll_wait on the instance.
      if (!ep.sleepers.empty()) log.use(RuleId::EP_WAKE_LT);
      wake_epoll_sleeper(epoll_id, log);
      return EPOLLIN | EPOLLRDNORM;
    }
    ep.ready.pop_front();
  }
  return 0;
}

Model::ItemReadiness Model::item_readiness() const {
  ItemReadiness r;
  for (const auto& [id, ep] : epolls_)
    for (const EpItem& it : ep.items) r[id].push_back(item_poll(it));
  return r;
}

// doc profile: an item that went from not ready to ready while queued is an edge the man page
// promises to report.
void Model::mark_edges(const ItemReadiness& before) {
  for (auto& [id, ep] : epolls_) {
    auto b = before.find(id);
    for (std::size_t i = 0; i < ep.items.size(); ++i) {
      const bool was_ready = b != before.end() && i < b->second.size() && b->second[i] != 0;
      if (!was_ready && item_poll(ep.items[i]) && on_ready(ep, i)) ep.items[i].edge = true;
    }
  }
}

Observation Model::op(const EpollCtl& c, std::size_t, RuleLog& log, const Observation*) {
  const int epfd = fd_of(c.epfd), tfd = fd_of(c.fd);
  auto ep_ofd = ofd_of_fd(epfd);
  auto t_ofd = ofd_of_fd(tfd);
  log.use(RuleId::EP_CTL_ORDER);
  if (!ep_ofd || !t_ofd) {
    log.use(RuleId::EP_CTL_EBADF);
    if (ep_ofd && !t_ofd && files_.at(*ep_ofd).kind == Kind::Epoll) {
      // The descriptor may be closed while its description stays registered.
      log.use(RuleId::EP_CLOSE);
    }
    return failure(EBADF);
  }
  const OpenFile& target = files_.at(*t_ofd);
  if (target.kind == Kind::RegularFile) {
    log.use(RuleId::EP_CTL_EPERM);
    return failure(EPERM);
  }
  if (*ep_ofd == *t_ofd || files_.at(*ep_ofd).kind != Kind::Epoll) {
    log.use(RuleId::EP_CTL_EINVAL);
    return failure(EINVAL);
  }
  std::uint32_t events = c.events.bits;
  if (c.op != CtlOp::Del && (events & EPOLLEXCLUSIVE)) {
    log.use(RuleId::EP_CTL_EXCL);
    if (c.op == CtlOp::Mod) return failure(EINVAL);
    if (c.op == CtlOp::Add && (target.kind == Kind::Epoll || (events & ~kExclusiveOkBits)))
      return failure(EINVAL);
  }
  // ep_loop_check, before the lookup: a cycle or a chain too deep is ELOOP even for a pair
  // that is registered already.
  if (c.op == CtlOp::Add && target.kind == Kind::Epoll) {
    log.use(RuleId::EP_CTL_LOOP);
    if (nest_too_deep(files_.at(*ep_ofd).object, target.object)) return failure(ELOOP);
  }
  if (c.op == CtlOp::Add && target.kind == Kind::Ring)
    throw Unmodeled("epoll on an io_uring descriptor is not modeled");

  EpollObj& ep = epolls_.at(files_.at(*ep_ofd).object);
  // The key's item, found through the instance's index (fanout registers thousands), and
  // whether a dup of the target is registered separately, which is a separate key.
  const bool registered = ep.keys.count({*t_ofd, tfd}) != 0;
  auto found = !registered ? ep.items.end()
                           : std::find_if(ep.items.begin(), ep.items.end(),
                                          [&](const EpItem& it) { return it.ofd == *t_ofd && it.fd == tfd; });
  const auto of_target = ep.items_of.find(*t_ofd);
  if (of_target != ep.items_of.end() && of_target->second > (registered ? 1u : 0u)) log.use(RuleId::EP_KEY);
  const std::size_t idx = static_cast<std::size_t>(found - ep.items.begin());

  switch (c.op) {
    case CtlOp::Add: {
      if (found != ep.items.end()) {
        log.use(RuleId::EP_CTL_EEXIST);
        if (mutant_ == Mutant::DoubleAddOk) return Observation{};
        return failure(EEXIST);
      }
      log.use(RuleId::EP_ERRHUP);
      ep.items.push_back(EpItem{*t_ofd, tfd, events | EPOLLERR | EPOLLHUP, c.data, false, next_item_seq_++});
      const std::size_t i = ep.items.size() - 1;
      count_watch(ep.items[i], +1);
      ep.link(ep.items[i]);
      // do_epoll_ctl's full check (the instance is watched, or the target is an epoll):
      // reverse_path_check on the files it would wake, after the item is linked.
      const int ep_id = files_.at(*ep_ofd).object;
      if (is_watched(ep_id) || target.kind == Kind::Epoll) {
        log.use(RuleId::EP_CTL_PATHS);
        if (too_many_wakeup_paths(*t_ofd)) {
          count_watch(ep.items[i], -1);
          ep.unlink(ep.items[i]);
          ep.items.pop_back();
          return failure(EINVAL);
        }
      }
      log_readiness(*t_ofd, log);
      if (poll_item(ep.items[i], log)) {
        ep.ready.push_back(i);
        if (!ep.sleepers.empty()) log.use(RuleId::EP_WAKE_CTL);
        if (mutant_ != Mutant::AddNoWake) wake_epoll_sleeper(files_.at(*ep_ofd).object, log);
        wake_watchers(files_.at(*ep_ofd).object, log);
        run_eager_waiters(log);
      }
      return Observation{};
    }
    case CtlOp::Del: {
      if (found == ep.items.end()) {
        log.use(RuleId::EP_CTL_ENOENT);
        return failure(ENOENT);
      }
      if (mutant_ == Mutant::DelNoop) return Observation{};
      std::deque<std::size_t> ready;
      for (std::size_t i : ep.ready)
        if (i != idx) ready.push_back(i > idx ? i - 1 : i);
      ep.ready = std::move(ready);
      count_watch(*found, -1);
      ep.unlink(*found);
      ep.items.erase(found);
      return Observation{};
    }
    case CtlOp::Mod: {
      if (found == ep.items.end()) {
        log.use(RuleId::EP_CTL_ENOENT);
        return failure(ENOENT);
      }
      if (found->events & EPOLLEXCLUSIVE) {
        log.use(RuleId::EP_CTL_EXCL);
        return failure(EINVAL);
      }
      log.use(RuleId::EP_MOD_REPOLL);
      log.use(RuleId::EP_ERRHUP);
      if (!(found->events & ~kPrivateBits)) log.use(RuleId::EP_ONESHOT);  // re-arm
      found->events = events | EPOLLERR | EPOLLHUP;
      found->data = c.data;
      if (mutant_ != Mutant::ModNoRepoll && poll_item(*found, log) && !on_ready(ep, idx)) {
        ep.ready.push_back(idx);
        if (!ep.sleepers.empty()) log.use(RuleId::EP_WAKE_CTL);
        wake_epoll_sleeper(files_.at(*ep_ofd).object, log);
        wake_watchers(files_.at(*ep_ofd).object, log);
        run_eager_waiters(log);
      }
      return Observation{};
    }
    case CtlOp::Invalid:
      log.use(RuleId::EP_CTL_EINVAL);
      return failure(EINVAL);
  }
  return failure(EINVAL);
}

// ep_send_events: take the whole ready list; deliver up to maxevents items that are really
// ready (dropping those that are not); ONESHOT items disarm, level-triggered ones go back at
// the tail, and the untouched rest is spliced back at the head.
Observation Model::op(const EpollWait& w, std::size_t, RuleLog& log, const Observation* observed) {
  // Since 6.15 (ep_check_params) the descriptor is looked up before maxevents is checked;
  // a release from before checks maxevents first (oracle/history.h).
  log.use(RuleId::EP_WAIT_EINVAL);
  auto ofd = ofd_of_fd(fd_of(w.epfd));
  if (!ofd && w.maxevents <= 0) {
    log.use(RuleId::EP_WAIT_CHECK_ORDER);
    if (differs_from_profile(params().release(), RuleId::EP_WAIT_CHECK_ORDER)) return failure(EINVAL);
  }
  if (!ofd) return failure(EBADF);
  if (w.maxevents <= 0) return failure(EINVAL);
  if (files_.at(*ofd).kind != Kind::Epoll) return failure(EINVAL);
  return send_events(files_.at(*ofd).object, static_cast<std::size_t>(w.maxevents), log, observed);
}

Observation Model::send_events(int epoll_id, std::size_t max, RuleLog& log, const Observation* observed) {
  EpollObj& ep = epolls_.at(epoll_id);

  std::deque<std::size_t> tx;
  tx.swap(ep.ready);
  if (tx.size() > max) log.use(RuleId::EP_ROUNDROBIN);
  std::deque<std::size_t> requeue, rest;
  Observation o;

  // Under the doc profile the kernel may pick other items; follow what it delivered.
  std::vector<bool> chosen(ep.items.size(), false);
  if (observed && observed->ret >= 0) {
    for (const EpollEventObs& ev : observed->events)
      for (std::size_t i = 0; i < ep.items.size(); ++i)
        if (!chosen[i] && ep.items[i].data == ev.data &&
            ((item_poll(ep.items[i]) ^ ev.events) & ~followed_slack(ep.items[i].ofd)) == 0) {
          chosen[i] = true;
          break;
        }
    for (std::size_t i = 0; i < ep.items.size(); ++i)
      if (chosen[i] && std::find(tx.begin(), tx.end(), i) == tx.end()) tx.push_back(i);
  }

  bool lt_seen = false;
  while (!tx.empty()) {
    const std::size_t i = tx.front();
    if (o.events.size() >= max || (observed && !chosen[i] && item_poll(ep.items[i]))) {
      rest.push_back(i);
      tx.pop_front();
      continue;
    }
    tx.pop_front();
    EpItem& it = ep.items[i];
    log_readiness(it.ofd, log);
    const std::uint32_t revents = poll_item(it, log);
    if (!revents) continue;
    if (mutant_ == Mutant::LtLost && !(it.events & (EPOLLET | EPOLLONESHOT)) && !lt_seen) {
      lt_seen = true;
      if (++lt_waits_ % 3 == 0) {
        rest.push_back(i);
        continue;
      }
    }
    log.use(RuleId::EP_MASK);
    log.use(RuleId::EP_ONCE);
    log.use(RuleId::EP_ORDER);
    if (revents & ~it.events & (EPOLLERR | EPOLLHUP)) log.use(RuleId::EP_ERRHUP);
    if ((revents & EPOLLERR) || (revents & EPOLLHUP)) log.use(RuleId::EP_ERRHUP);
    if (revents & EPOLLRDHUP) log.use(RuleId::EP_RDHUP);
    if (fds_.find(it.fd) == fds_.end() || fds_.at(it.fd) != it.ofd) log.use(RuleId::EP_CLOSE);
    o.events.push_back(EpollEventObs{revents, it.data});
    it.edge = false;
    if (it.events & EPOLLONESHOT) {
      log.use(RuleId::EP_ONESHOT);
      if (mutant_ != Mutant::OneshotNoDisarm) it.events &= kPrivateBits;
    } else if (!(it.events & EPOLLET)) {
      log.use(RuleId::EP_LT);
      requeue.push_back(i);
    } else {
      log.use(RuleId::EP_ET);
    }
  }
  ep.ready = std::move(rest);
  for (std::size_t i : requeue) ep.ready.push_back(i);
  if (mutant_ == Mutant::NoRoundRobin) std::rotate(ep.ready.begin(), ep.ready.end() - requeue.size(), ep.ready.end());
  o.ret = static_cast<std::int64_t>(o.events.size());
  // ep_done_scan: what is left on the ready list (level-triggered items went back) wakes the
  // next thread blocked on the instance.
  if (!ep.ready.empty() && !ep.sleepers.empty()) {
    log.use(RuleId::EP_WAKE_LT);
    if (mutant_ != Mutant::LtNoChain) wake_epoll_sleeper(epoll_id, log);
    run_eager_waiters(log);
  }
  return o;
}

}  // namespace pc
