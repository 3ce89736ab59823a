// The fd table: lowest-free allocation, dup, close and the release of a description.
#include <cerrno>

#include <fmt/format.h>

#include "oracle/model.h"
#include "oracle/unmodeled.h"
#include "vocab/c/pc_limits.h"

namespace pc {

Model::Model(LearnedParams& params, std::set<int> occupied, Mutant mutant, Profile profile)
    : params_(&params),
      accounting_(params, judges_accounting(profile)),
      mutant_(mutant),
      occupied_(std::move(occupied)) {
  slots_.fill(-1);
  marks_edges_ = profile == Profile::Doc;
}

std::optional<int> Model::ofd_of_fd(int fd) const {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return std::nullopt;
  return it->second;
}

int Model::lowest_free_fd(int from) const {
  int fd = from;
  while (fds_.contains(fd) || occupied_.contains(fd)) ++fd;
  // The harness keeps its /proc files just below RLIMIT_NOFILE (pc_open_high), and opens them
  // while a sequence runs (a waiter thread's, say): a descriptor the trace would get up there
  // depends on the harness, not on the implementation. Only a small RLIMIT_NOFILE (1024, as an
  // init process has) lets a trace reach them.
  const std::int64_t limit = params_->nofile_limit();
  if (fd < limit && fd >= limit - static_cast<std::int64_t>(PC_HIGH_FD_RESERVE))
    throw Unmodeled(fmt::format("a descriptor number the harness may hold (RLIMIT_NOFILE {} less its reserve of {})",
                                limit, PC_HIGH_FD_RESERVE));
  return fd;
}

int Model::install(int ofd) {
  const int fd = lowest_free_fd();
  fds_[fd] = ofd;
  return fd;
}

int Model::new_file(Kind kind, int object, int side) {
  const int id = next_file_++;
  files_[id] = OpenFile{kind, object, side, 1, 0};
  return id;
}

Observation Model::op(const Dup& d, std::size_t, RuleLog& log, const Observation*) {
  Observation o;
  log.use(RuleId::FD_DUP);
  auto ofd = ofd_of_fd(fd_of(d.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    bind(d.out, -1);
    o.ret = -1;
    o.err = EBADF;
    return o;
  }
  log.use(RuleId::FD_LOWEST);
  files_[*ofd].refs++;
  const int fd = install(*ofd);
  bind(d.out, fd);
  o.fds = {fd};
  return o;
}

// do_fcntl looks the descriptor up first; f_dupfd then refuses a start at or beyond
// RLIMIT_NOFILE (a negative one is a huge unsigned) with EINVAL.
Observation Model::op(const DupFd& d, std::size_t, RuleLog& log, const Observation*) {
  Observation o;
  log.use(RuleId::FD_DUP);
  const auto fail = [&](int err) {
    bind(d.out, -1);
    o.ret = -1;
    o.err = err;
    return o;
  };
  auto ofd = ofd_of_fd(fd_of(d.fd));
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return fail(EBADF);
  }
  const std::int64_t limit = params_->nofile_limit();
  if (d.min < 0 || d.min >= limit) return fail(EINVAL);
  const int fd = lowest_free_fd(d.min);
  if (fd >= limit) return fail(EMFILE);
  log.use(RuleId::FD_LOWEST);
  files_[*ofd].refs++;
  fds_[fd] = *ofd;
  bind(d.out, fd);
  o.fds = {fd};
  return o;
}

Observation Model::op(const Close& c, std::size_t, RuleLog& log, const Observation*) {
  Observation o;
  const int fd = fd_of(c.fd);
  if (!fds_.contains(fd)) {
    log.use(RuleId::FD_CLOSE_EBADF);
    o.ret = -1;
    o.err = EBADF;
    return o;
  }
  close_fd(fd, log);
  return o;
}

void Model::close_fd(int fd, RuleLog& log) {
  const int ofd = fds_.at(fd);
  fds_.erase(fd);
  OpenFile& f = files_.at(ofd);
  // The harness maps a ring through the descriptor setup gave; closing that one unmaps it.
  if (f.kind == Kind::Ring && rings_.at(f.object).setup_fd == fd) rings_.at(f.object).mapped = false;
  if (f.refs == 1 && f.dying_holds > 0)
    throw Unmodeled("the last descriptor of a file held by a closed ring's requests: released "
                    "whenever the ring's exit work gets to it; not modeled");
  if (--f.refs == 0 && f.held()) {
    // A request in flight or a blocked thread still holds the file: nothing is released yet.
    log.use(f.holds > 0 ? RuleId::UR_HOLD : RuleId::X_WAIT_HOLD);
    if (f.kind != Kind::Epoll) log.use(RuleId::EP_CLOSE);
  } else if (f.refs == 0) {
    release_file(ofd, log);
  } else if (files_[ofd].kind != Kind::Epoll) {
    // Registrations are keyed by (description, fd) and live as long as the description.
    log.use(RuleId::EP_CLOSE);
    if (mutant_ == Mutant::CloseDupRemoves) remove_items_of(ofd, fd);
  }
}

// The last descriptor of a description went away: __fput drops its epoll items first
// (eventpoll_release), then the object's release runs.
void Model::release_file(int ofd, RuleLog& log) {
  const OpenFile f = files_.at(ofd);
  remove_items_of(ofd);
  files_.erase(ofd);
  switch (f.kind) {
    case Kind::Pipe: {
      PipeObj& p = pipes_.at(f.object);
      (f.side == 0 ? p.readers : p.writers)--;
      if ((p.readers == 0) != (p.writers == 0)) {
        log.use(RuleId::EP_ET_WAKEUPS);
        wake({Kind::Pipe, f.object, 0}, 0, log);
        wake({Kind::Pipe, f.object, 1}, 0, log);
      }
      if (p.readers == 0 && p.writers == 0) pipes_.erase(f.object);
      break;
    }
    case Kind::Socket:
      release_socket(f.object, f.side, log);
      break;
    case Kind::EventFd:
      eventfds_.erase(f.object);
      break;
    case Kind::RegularFile:
      regulars_.erase(f.object);
      break;
    case Kind::Epoll:
      for (const EpItem& it : epolls_.at(f.object).items) count_watch(it, -1);
      epolls_.erase(f.object);
      break;
    case Kind::Ring:
      release_ring(f.object, log);
      break;
    case Kind::Listener:
      release_listener(f.object, log);
      break;
  }
}

void Model::remove_items_of(int ofd, std::optional<int> fd) {
  auto doomed = [&](const EpItem& it) { return it.ofd == ofd && (!fd || it.fd == *fd); };
  for (auto& [id, ep] : epolls_) {
    if (!ep.items_of.count(ofd)) continue;
    ep.remove_if([&](const EpItem& it) {
      if (doomed(it)) count_watch(it, -1);
      return doomed(it);
    });
  }
}

// ---- creators ----

int Model::open_new(Kind kind, int object, int side, OutHandle slot) {
  const int fd = install(new_file(kind, object, side));
  bind(slot, fd);
  return fd;
}

namespace {
Observation created(std::vector<int> fds) {
  Observation o;
  o.fds = std::move(fds);
  return o;
}
}  // namespace

Observation Model::op(const MakePipe& m, std::size_t, RuleLog& log, const Observation*) {
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  pipes_[id] = PipeObj{};
  const int rd = open_new(Kind::Pipe, id, 0, m.rd);
  return created({rd, open_new(Kind::Pipe, id, 1, m.wr)});
}

Observation Model::op(const MakeSocketPair& m, std::size_t, RuleLog& log, const Observation*) {
  if (m.type == SockType::Tcp || m.type == SockType::Udp) {
    if (const std::string& why = params_->inet_unavailable(); !why.empty())
      throw Unmodeled("TCP and UDP left out: " + why, true);
    log.use(m.type == SockType::Tcp ? RuleId::RD_TCP : RuleId::RD_UDP);
  }
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  socks_[id] = SockPair{m.type, {}};
  const int a = open_new(Kind::Socket, id, 0, m.a);
  return created({a, open_new(Kind::Socket, id, 1, m.b)});
}

Observation Model::op(const MakeEventFd& m, std::size_t, RuleLog& log, const Observation*) {
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  eventfds_[id] = EventFdObj{m.initval, m.semaphore};
  if (m.initval != 0) log.use(RuleId::RD_EVENTFD);
  return created({open_new(Kind::EventFd, id, 0, m.out)});
}

// fs/pipe.c fifo_open: a FIFO is a pipe reached by name; what differs is how its ends open.
Observation Model::op(const MakeFifo& m, std::size_t, RuleLog& log, const Observation*) {
  if (const std::string& why = params_->fifo_unavailable(); !why.empty())
    throw Unmodeled("FIFOs left out: " + why, true);
  log.use(RuleId::RD_FIFO_OPEN);
  if (m.open == FifoOpen::Writer) {  // O_WRONLY | O_NONBLOCK with no reader
    bind(m.rd, -1);
    bind(m.wr, -1);
    Observation o;
    o.ret = -1;
    o.err = ENXIO;
    return o;
  }
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  pipes_[id] = PipeObj{};
  const int rd = open_new(Kind::Pipe, id, 0, m.rd);
  if (m.open == FifoOpen::Reader) {
    log.use(RuleId::RD_FIFO_HUP);
    PipeObj& p = pipes_.at(id);
    p.writers = 0;
    p.writer_seen = false;
    bind(m.wr, -1);
    return created({rd});
  }
  return created({rd, open_new(Kind::Pipe, id, 1, m.wr)});
}

Observation Model::op(const MakeRegularFile& m, std::size_t, RuleLog& log, const Observation*) {
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  regulars_[id] = RegularFileObj{};
  return created({open_new(Kind::RegularFile, id, 0, m.out)});
}

Observation Model::op(const EpollCreate1& m, std::size_t, RuleLog& log, const Observation*) {
  log.use(RuleId::EP_CREATE);
  Observation o;
  if (m.flags & ~kEpollCloexec) {
    bind(m.out, -1);
    o.ret = -1;
    o.err = EINVAL;
    return o;
  }
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  epolls_[id] = EpollObj{};
  return created({open_new(Kind::Epoll, id, 0, m.out)});
}

Observation Model::op(const EpollCreate& m, std::size_t step, RuleLog& log,
                      const Observation* observed) {
  if (m.size <= 0) {
    log.use(RuleId::EP_CREATE);
    bind(m.out, -1);
    Observation o;
    o.ret = -1;
    o.err = EINVAL;
    return o;
  }
  return op(EpollCreate1{0, m.out}, step, log, observed);
}

}  // namespace pc
