// One file under thousands of descriptors (op fanout): FD-LOWEST, poll, select and epoll's
// round-robin at scale, predicted through the same paths as the single-descriptor ops.
#include <poll.h>

#include <algorithm>

#include "vocab/fanout_digest.h"
#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {

Observation Model::op(const Fanout& fo, std::size_t step, RuleLog& log, const Observation*) {
  const std::uint32_t n = std::min(fo.n, kFanoutMax);
  Observation o;
  log.use(RuleId::FD_DUP);
  const auto ofd = ofd_of_fd(fd_of(fo.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return failure(EBADF);
  }
  const Kind kind = files_.at(*ofd).kind;
  if (kind != Kind::Pipe && kind != Kind::Socket && kind != Kind::EventFd)
    throw Unmodeled("fanout of a descriptor that is not a pipe, socket or eventfd");
  // Its reports are judged exactly: none may hang on accounting (under mode=epoll, neither may
  // those of what the instance already watches).
  require_settled_capacity(*ofd, fo.events.bits);
  if (fo.mode == FanoutMode::Epoll)
    if (const auto ep = ofd_of_fd(fd_of(fo.epfd)); ep && files_.at(*ep).kind == Kind::Epoll)
      require_settled_capacity_below(files_.at(*ep).object);

  // F_DUPFD from 0, n times: the lowest free numbers, up to RLIMIT_NOFILE (EMFILE).
  log.use(RuleId::FD_LOWEST);
  std::vector<int> dups;
  dups.reserve(n);
  auto close_all = [&] {
    for (int d : dups) close_fd(d, log);
  };
  int from = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const int fd = lowest_free_fd(from);
    if (static_cast<std::uint64_t>(fd) >= params_->nofile_limit()) {
      o = failure(EMFILE);
      o.writes = static_cast<std::uint32_t>(dups.size());
      close_all();
      return o;
    }
    files_.at(*ofd).refs++;
    fds_[fd] = *ofd;
    dups.push_back(fd);
    from = fd + 1;
  }
  if (!dups.empty()) o.fds = {dups.front(), dups.back()};
  FanoutDigest digest;
  switch (fo.mode) {
    case FanoutMode::Epoll: {
      // The model's own epoll_ctl and epoll_wait, through a slot borrowed for the duration.
      const std::uint8_t borrowed = fo.epfd.slot == kMaxHandles - 1 ? kMaxHandles - 2 : kMaxHandles - 1;
      const int saved = slots_[borrowed];
      auto ctl = [&](CtlOp op, int fd, std::uint64_t data) {
        slots_[borrowed] = fd;
        const Observation r = this->op(EpollCtl{fo.epfd, op, Handle{borrowed}, fo.events, data}, step, log, nullptr);
        slots_[borrowed] = saved;
        return r;
      };
      for (std::uint32_t i = 0; i < n; ++i) {
        const Observation r = ctl(CtlOp::Add, dups[i], i);
        if (r.ret != 0) {
          for (std::uint32_t k = 0; k < i; ++k) ctl(CtlOp::Del, dups[k], 0);
          close_all();
          Observation f = failure(r.err);
          f.fds = o.fds;
          return f;
        }
      }
      // No dups, no call: the instance is never looked at, and need not be one (fanout_epoll
      // adds, waits for and deletes its n dups, and no more).
      if (dups.empty()) break;
      const int epoll_id = files_.at(*ofd_of_fd(fd_of(fo.epfd))).object;
      std::vector<bool> seen(n, false);
      std::uint32_t unseen = n;
      const std::uint32_t rounds = fanout_max_rounds(n, fo.maxevents);
      while (unseen > 0 && o.writes < rounds) {
        ++o.writes;
        if (fo.maxevents <= 0) {
          log.use(RuleId::EP_WAIT_EINVAL);
          o.ret = -1;
          o.err = EINVAL;
          break;
        }
        const Observation w = send_events(epoll_id, static_cast<std::size_t>(fo.maxevents), log, nullptr);
        if (w.ret == 0) break;
        for (const EpollEventObs& ev : w.events) {
          digest.event(ev.data, ev.events);
          if (ev.data < n && !seen[ev.data]) {
            seen[ev.data] = true;
            --unseen;
          }
        }
        o.ret += w.ret;
      }
      // Each dup's EPOLL_CTL_DEL succeeds, and a DEL wakes nobody, so their order does not
      // matter: one pass drops them all, as n DELs would one by one (EP-KEY: the first finds
      // any other registration of the file).
      log.use(RuleId::EP_CTL_ORDER);
      EpollObj& ep = epolls_.at(epoll_id);
      if (const auto of = ep.items_of.find(*ofd); of != ep.items_of.end() && of->second > 1) log.use(RuleId::EP_KEY);
      if (mutant_ != Mutant::DelNoop) {
        const std::set<int> doomed(dups.begin(), dups.end());
        ep.remove_if([&](const EpItem& it) { return it.ofd == *ofd && doomed.count(it.fd); });
      }
      break;
    }
    case FanoutMode::Poll: {
      log.use(RuleId::PO_REVENTS);
      log.use(RuleId::PO_RESULT);
      log_readiness(*ofd, log);
      const std::uint32_t ready = vfs_poll(*ofd, log);
      const auto revents = static_cast<std::uint16_t>(
          ready & (static_cast<std::uint16_t>(fo.events.bits) | POLLERR | POLLHUP));
      for (std::uint32_t i = 0; i < n; ++i) digest.revents(revents);
      o.ret = revents ? n : 0;
      break;
    }
    case FanoutMode::Select: {
      log.use(RuleId::SE_SETSIZE);
      log.use(RuleId::SE_NFDS);
      log_readiness(*ofd, log);
      const bool ready = (vfs_poll(*ofd, log) & kPollInSet) != 0;
      if (ready)
        for (int d : dups) digest.fd(d);
      o.ret = ready ? n : 0;
      break;
    }
  }
  close_all();
  if (o.ret >= 0) o.digest = digest.value();
  return o;
}

}  // namespace pc
