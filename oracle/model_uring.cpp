// io_uring: ring setup, the SQ the harness fills, submission with links, polls and data
// requests that wait for readiness, task work, the CQ ring and its overflow list
// (io_uring/io_uring.c, poll.c, cancel.c, timeout.c, rw.c, net.c, as measured on 6.18).
#include <sys/epoll.h>

#include <algorithm>
#include <bit>
#include <cerrno>

#include <fmt/format.h>

#include "oracle/history.h"
#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {

constexpr std::uint32_t kSetupModeled = kSetupCqsize | kSetupClamp | kSetupCoop |
                                        kSetupSingleIssuer | kSetupDefer;
// IORING_SETUP_* bits 0..18, what 6.18 knows: a release fact, newer than the build's headers.
constexpr std::uint32_t kSetupKnown = (1u << 19) - 1;
constexpr std::uint32_t kMaxEntries = 32768, kMaxCqEntries = 65536;


// io_uring/poll.c IO_POLL_UNMASK: reported whether asked for or not.
constexpr std::uint32_t kPollUnmask = EPOLLERR | EPOLLHUP | 0x20u /* NVAL */;
// What an internal (async) poll of a data request asks for (io_arm_poll_handler).
constexpr std::uint32_t kPollInAsked = EPOLLIN | EPOLLRDNORM | EPOLLPRI;
constexpr std::uint32_t kPollOutAsked = EPOLLOUT | EPOLLWRNORM | EPOLLPRI;

// What a poll that asks for `asked` (POLL_ADD's mask, or an internal poll's) waits for and
// reports: the unmasked bits too, and EPOLLRDHUP, which this kernel unmasks for every poll and
// kernels with io_poll_unmask only for one that asks for input (UR-POLL-RDHUP-UNMASK).
std::uint32_t poll_events(std::uint32_t asked, const std::optional<KernelRelease>& release, RuleLog& log) {
  log.use(RuleId::UR_POLL_RDHUP_UNMASK);
  const bool reader = asked & (EPOLLIN | EPOLLRDNORM | EPOLLRDBAND);
  const bool rdhup = reader || !differs_from_profile(release, RuleId::UR_POLL_RDHUP_UNMASK);
  return asked | kPollUnmask | (rdhup ? EPOLLRDHUP : 0u);
}

// A link timeout this long never fires within a sequence; shorter ones race the harness.
constexpr std::uint32_t kLinkTimeoutNeverMs = 60000;


bool linked(const UringPrep& s) { return s.flags.bits & (kSqeLink | kSqeHardlink); }

std::uint32_t round_up_pow2(std::uint32_t v) { return std::bit_ceil(v); }

// The order a cancel walks the requests in: the cancel hash table's buckets in turn (bucket =
// hash_64(user_data) with ilog2(cq_entries) - 5 bits, clamped to 1..8), newest first in each
// (hlist_add_head when it was hashed; a multishot poll that re-arms stays where it was).
std::vector<std::size_t> cancel_table_order(const RingObj& r) {
  const int bits = std::clamp(static_cast<int>(std::bit_width(r.cq_entries)) - 1 - 5, 1, 8);
  auto bucket = [&](std::uint64_t ud) { return (ud * 0x61C8864680B583EBull) >> (64 - bits); };
  std::vector<std::size_t> order(r.pending.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::uint64_t ba = bucket(r.pending[a].sqe.user_data), bb = bucket(r.pending[b].sqe.user_data);
    if (ba != bb) return ba < bb;
    return r.pending[a].hashed_at > r.pending[b].hashed_at;
  });
  return order;
}

// The checks an SQE's prep makes before it is issued (io_init_req and the opcode's prep): the
// error, or 0. before: the SQE it is linked behind, if any.
std::int32_t prep_error(const UringPrep& s, const UringPrep* before) {
  const std::uint8_t f = s.op_flags.bits;
  switch (s.opcode) {
    case UringOpcode::PollAdd:
      if (f & (UringOpFlags::kUpdateEvents | UringOpFlags::kUpdateData)) return -EINVAL;
      return 0;
    case UringOpcode::PollUpdate: {
      const bool events = f & UringOpFlags::kUpdateEvents, data = f & UringOpFlags::kUpdateData;
      if ((f & (UringOpFlags::kMulti | UringOpFlags::kUpdateEvents | UringOpFlags::kUpdateData)) ==
          UringOpFlags::kMulti)
        return -EINVAL;  // ADD_MULTI alone: "meaningless without update"
      if ((!data && s.new_data) || (!events && s.mask.bits)) return -EINVAL;
      return 0;
    }
    case UringOpcode::Cancel:
      // io_async_cancel_prep: ANY matches everything, so naming a file with it is a mistake.
      if ((f & UringOpFlags::kCancelAny) && (f & UringOpFlags::kCancelFd)) return -EINVAL;
      return 0;
    case UringOpcode::LinkTimeout:
      // Only behind a linked request that is not itself a link timeout.
      if (!before || before->opcode == UringOpcode::LinkTimeout) return -EINVAL;
      return 0;
    default:
      return 0;
  }
}

}  // namespace

// ---- setup ----

Observation Model::op(const UringSetup& s, std::size_t, RuleLog& log, const Observation*) {
  if (const std::string& why = params_->uring_unavailable(); !why.empty())
    throw Unmodeled(fmt::format("io_uring is not usable here: {}", why), true);
  log.use(RuleId::UR_SETUP);
  const std::uint32_t flags = s.flags.bits;
  auto refuse = [&](int err) {
    bind(s.out, -1);
    return failure(err);
  };
  if (flags & ~kSetupKnown) return refuse(EINVAL);
  if (flags & ~kSetupModeled)
    throw Unmodeled(fmt::format("io_uring_setup flags {:#x} are not modeled", flags & ~kSetupModeled));
  if ((flags & kSetupDefer) && !(flags & kSetupSingleIssuer)) return refuse(EINVAL);
  std::uint32_t entries = s.entries;
  if (entries == 0) return refuse(EINVAL);
  if (entries > kMaxEntries) {
    if (!(flags & kSetupClamp)) return refuse(EINVAL);
    entries = kMaxEntries;
  }
  const std::uint32_t sq = round_up_pow2(entries);
  std::uint32_t cq = 2 * sq;
  if (flags & kSetupCqsize) {
    std::uint32_t want = s.cq_entries;
    if (want == 0) return refuse(EINVAL);
    if (want > kMaxCqEntries) {
      if (!(flags & kSetupClamp)) return refuse(EINVAL);
      want = kMaxCqEntries;
    }
    cq = round_up_pow2(want);
    if (cq < sq) return refuse(EINVAL);
  }
  log.use(RuleId::FD_LOWEST);
  const int id = next_object_++;
  RingObj r;
  r.sq_entries = sq;
  r.cq_entries = cq;
  r.flags = flags;
  const int fd = open_new(Kind::Ring, id, 0, s.out);
  r.setup_fd = fd;
  rings_[id] = std::move(r);
  Observation o;
  o.fds = {fd};
  o.sq_entries = sq;
  o.cq_entries = cq;
  return o;
}

RingObj* Model::mapped_ring(Handle h) {
  const int fd = fd_of(h);
  auto ofd = ofd_of_fd(fd);
  if (!ofd || files_.at(*ofd).kind != Kind::Ring) return nullptr;
  RingObj& r = rings_.at(files_.at(*ofd).object);
  return r.mapped && r.setup_fd == fd ? &r : nullptr;
}

// io_uring_enter on a slot the harness has no mapping for: the kernel only checks the file.
namespace {
Observation raw_enter(const Model& m, Handle h, RuleLog& log) {
  log.use(RuleId::UR_ENTER);
  auto ofd = m.ofd_of_fd(m.fd_of(h));
  if (!ofd) return failure(EBADF);
  if (m.file(*ofd).kind != Kind::Ring) return failure(EOPNOTSUPP);
  return Observation{};  // to_submit 0 on a ring mapped elsewhere (a dup, say)
}
}  // namespace

Observation Model::op(const UringPrep& p, std::size_t step, RuleLog& log, const Observation*) {
  RingObj* r = mapped_ring(p.ring);
  log.use(RuleId::UR_ENTER);
  if (!r) return failure(EBADF);
  if (r->sq.size() >= r->sq_entries) return failure(EBUSY);
  const bool read = p.opcode == UringOpcode::Read || p.opcode == UringOpcode::Recv;
  std::vector<std::uint64_t> uds{p.user_data};
  if (p.opcode == UringOpcode::PollUpdate && (p.op_flags.bits & UringOpFlags::kUpdateData))
    uds.push_back(p.new_data);
  for (std::uint64_t ud : uds)
    if ((read ? r->other_user_data : r->read_user_data).count(ud) || (read && r->read_user_data.count(ud)))
      throw Unmodeled("a read or recv whose user_data another request on the ring has: which CQE "
                      "carries the data read is not known");
  for (std::uint64_t ud : uds) (read ? r->read_user_data : r->other_user_data).insert(ud);
  r->sq.push_back(QueuedSqe{p, step, fd_of(p.fd)});
  return Observation{};
}

// ---- CQ ring ----

namespace {
// The rule a CQE stands for, for the rules a reap names.
RuleId cqe_rule(const UringReq& req, std::int32_t res) {
  if (res == -ECANCELED && req.chain != 0) return RuleId::UR_LINK;
  switch (req.sqe.opcode) {
    case UringOpcode::Nop: return req.sqe.flags.bits & kSqeDrain ? RuleId::UR_DRAIN : RuleId::UR_NOP;
    case UringOpcode::PollAdd:
      return req.sqe.op_flags.bits & UringOpFlags::kMulti ? RuleId::UR_POLL_MULTI : RuleId::UR_POLL_ONESHOT;
    case UringOpcode::PollRemove: return RuleId::UR_POLL_REMOVE;
    case UringOpcode::PollUpdate: return RuleId::UR_POLL_UPDATE;
    case UringOpcode::Cancel: return RuleId::UR_CANCEL;
    case UringOpcode::LinkTimeout: return RuleId::UR_LINK_TIMEOUT;
    default: return RuleId::UR_RECV;
  }
}
}  // namespace

void Model::post(RingObj& r, const UringReq& req, std::int32_t res, std::uint32_t flags,
                 std::uint64_t digest, RuleLog& log) {
  log.use(RuleId::UR_ORDER);
  ModelCqe c{CqeObs{res, req.sqe.user_data, flags, digest}, req.id, req.chain, r.epoch, cqe_rule(req, res)};
  // A CQE goes behind held ones even when the ring has room (io_cqe_cache_refill).
  if (r.overflow.empty() && r.cq.size() < r.cq_entries) {
    r.cq.push_back(c);
    ++r.cq_tail;
  } else {
    log.use(RuleId::UR_OVERFLOW);
    c.held = true;
    if (mutant_ != Mutant::UringOverflowDrop) r.overflow.push_back(c);
  }
}

void Model::flush_overflow(RingObj& r) {
  std::size_t moved = 0;
  while (moved < r.overflow.size() && r.cq.size() < r.cq_entries) {
    r.cq.push_back(r.overflow[moved++]);
    ++r.cq_tail;
  }
  r.overflow.erase(r.overflow.begin(), r.overflow.begin() + static_cast<std::ptrdiff_t>(moved));
}

void Model::drop_hold(int ofd, RuleLog& log) {
  if (ofd < 0) return;
  OpenFile& f = files_.at(ofd);
  if (--f.holds == 0 && f.refs == 0 && f.waiter_holds == 0) {
    log.use(RuleId::UR_HOLD);
    release_file(ofd, log);
  }
}

// ---- issue and completion ----

void Model::complete(int ring_id, UringReq req, std::int32_t res, std::uint32_t cqe_flags,
                     std::uint64_t digest, RuleLog& log) {
  RingObj& r = rings_.at(ring_id);
  post(r, req, res, cqe_flags, digest, log);
  drop_hold(req.ofd, log);
  req.ofd = -1;
  RingObj& ring = r;  // std::map: a release (and the wakeups it makes) leaves it in place
  // A guarding link timeout is disarmed when its request completes, whatever the result.
  if (req.has_link_timeout) {
    log.use(RuleId::UR_LINK_TIMEOUT);
    ChainNext lt;
    lt.chain = req.chain;
    lt.posts = {{req.link_timeout_ud, -ECANCELED}};
    ring.unflushed_links.push_back(std::move(lt));
  }
  if (req.rest.empty()) return;
  log.use(RuleId::UR_LINK);
  // Short reads and writes break a link (io_uring's rw completion marks them failed).
  const bool short_rw = (req.sqe.opcode == UringOpcode::Read || req.sqe.opcode == UringOpcode::Write) &&
                        res >= 0 && static_cast<std::uint32_t>(res) < req.sqe.len;
  const bool failed = res < 0 || short_rw;
  if (failed && !(req.sqe.flags.bits & kSqeHardlink) && mutant_ != Mutant::UringLinkNoCancel) {
    cancel_chain(ring_id, req, log);
    return;
  }
  // io_queue_next: the next request is issued from task work.
  ChainNext next{req.rest.front(), req.chain, {req.rest.begin() + 1, req.rest.end()}, {}};
  ring.unflushed_links.push_back(std::move(next));
}

// io_fail_links: the rest of the chain gets -ECANCELED, through task work.
void Model::cancel_chain(int ring_id, const UringReq& after, RuleLog& log) {
  log.use(RuleId::UR_LINK);
  ChainNext dead;
  dead.chain = after.chain;
  for (const QueuedSqe& q : after.rest) dead.posts.emplace_back(q.sqe.user_data, -ECANCELED);
  rings_.at(ring_id).unflushed_links.push_back(std::move(dead));
}

// io_submit_flush_completions: the link work of the completions so far joins the task-work list.
void Model::flush_completions(RingObj& r) {
  for (ChainNext& c : r.unflushed_links) queue_task_work(r, std::move(c));
  r.unflushed_links.clear();
}

// One request, as io_issue_sqe would run it. rest: the requests linked after it.
void Model::issue(int ring_id, QueuedSqe q, std::uint64_t chain, std::vector<QueuedSqe> rest,
                  RuleLog& log) {
  UringReq req;
  req.id = next_req_++;
  req.hashed_at = next_hash_++;
  req.sqe = q.sqe;
  req.step = q.step;
  req.fd = q.fd;
  req.chain = chain;
  const UringPrep& s = req.sqe;
  // A LINK_TIMEOUT right behind it guards it; it leaves the chain and is armed with it.
  if (!rest.empty() && rest.front().sqe.opcode == UringOpcode::LinkTimeout) {
    if (rest.front().sqe.len < kLinkTimeoutNeverMs)
      throw Unmodeled("a link timeout shorter than 60 s races the harness; not modeled");
    req.has_link_timeout = true;
    req.link_timeout_ud = rest.front().sqe.user_data;
    rest.erase(rest.begin());
  }
  req.rest = std::move(rest);
  auto done = [&](std::int32_t res, std::uint64_t digest = 0) {
    complete(ring_id, std::move(req), res, 0, digest, log);
  };

  switch (s.opcode) {
    case UringOpcode::Nop:
      log.use(RuleId::UR_NOP);
      return done(0);
    case UringOpcode::LinkTimeout:
      // Reached only as the head of what is left of a chain whose guarded request went away.
      log.use(RuleId::UR_LINK_TIMEOUT);
      return done(-ECANCELED);
    case UringOpcode::PollRemove:
    case UringOpcode::PollUpdate:
    case UringOpcode::Cancel: {
      const std::uint64_t r = cancel_matching(ring_id, s, req.fd, log);
      return done(static_cast<std::int32_t>(r));
    }
    case UringOpcode::PollAdd:
    case UringOpcode::Read:
    case UringOpcode::Write:
    case UringOpcode::Recv:
    case UringOpcode::Send:
      break;
  }

  // The kernel looks the number up when it issues the request, not when the SQE was filled.
  auto ofd = ofd_of_fd(req.fd);
  if (!ofd) {
    log.use(RuleId::FD_CLOSE_EBADF);
    return done(-EBADF);
  }
  const OpenFile& f = files_.at(*ofd);
  if (f.kind == Kind::Epoll || f.kind == Kind::Ring)
    throw Unmodeled("io_uring requests on epoll or io_uring descriptors are not modeled");
  if (f.kind == Kind::Listener) throw Unmodeled("io_uring requests on a listening socket are not modeled");
  req.ofd = *ofd;
  files_.at(*ofd).holds++;

  if (f.kind == Kind::RegularFile) {
    if (s.opcode != UringOpcode::PollAdd)
      throw Unmodeled("io_uring reads and writes of regular files run in io-wq; not modeled");
    // No poll method, so no wait queue to arm on: ready (DEFAULT_POLLMASK) completes at once,
    // multishot too; not ready is -EINVAL (__io_arm_poll_handler).
    log.use(RuleId::UR_POLL_ONESHOT);
    log_readiness(*ofd, log);
    const std::uint32_t mask = readiness(*ofd) & poll_events(s.mask.bits & 0xffffu, params().release(), log);
    return done(mask ? static_cast<std::int32_t>(mask) : -EINVAL);
  }
  if (s.opcode == UringOpcode::PollAdd) {
    const bool multi = s.op_flags.bits & UringOpFlags::kMulti;
    log.use(multi ? RuleId::UR_POLL_MULTI : RuleId::UR_POLL_ONESHOT);
    log_readiness(*ofd, log);
    req.events = poll_events(s.mask.bits & 0xffffu, params().release(), log);
    require_settled_capacity(*ofd, req.events);
    const std::uint32_t mask = readiness(*ofd) & req.events;
    if (mask && !multi) {
      log.use(RuleId::X_AGREE);
      return done(static_cast<std::int32_t>(mask));
    }
    RingObj& r = rings_.at(ring_id);
    // A multishot poll that is ready at once posts from task work, like any later wakeup.
    req.woken = mask != 0;
    if (req.woken) {
      req.stash = mask;
      req.wakes = 1;
      queue_task_work(r, req.id);
    }
    req.armed_at = next_arm_++;
    r.pending.push_back(std::move(req));
    return;
  }

  log.use(RuleId::UR_RECV);
  if ((s.opcode == UringOpcode::Recv || s.opcode == UringOpcode::Send) && f.kind != Kind::Socket)
    return done(-ENOTSOCK);
  const bool reads = s.opcode == UringOpcode::Read || s.opcode == UringOpcode::Recv;
  req.events = poll_events(reads ? kPollInAsked : kPollOutAsked, params().release(), log);
  req.armed_at = next_arm_++;
  // Tried at once; a file with nothing to give arms an internal poll instead of -EAGAIN.
  if (!retry(ring_id, req, false, log)) rings_.at(ring_id).pending.push_back(std::move(req));
}

// The data request's attempt (or its retry from task work), or the poll's re-check. True when
// the request completed (and left `pending`, if it was there).
bool Model::retry(int ring_id, UringReq& req, bool woken, RuleLog& log) {
  const UringPrep& s = req.sqe;
  require_settled_capacity(req.ofd, req.events);
  if (s.opcode == UringOpcode::PollAdd) {
    // io_poll_check_events: the stashed key of a single wakeup, else the file's readiness now.
    const std::uint32_t seen = woken && req.wakes == 1 && req.stash ? req.stash : readiness(req.ofd);
    req.stash = 0;
    req.wakes = 0;
    const std::uint32_t mask = seen & req.events;
    if (!mask) return false;
    if (!(s.op_flags.bits & UringOpFlags::kMulti)) {
      // Named at the op whose wakeup completes it, too (fuzz-seeds keeps an input for that).
      log.use(RuleId::UR_POLL_ONESHOT);
      if (mutant_ == Mutant::UringOneshotTwice && !req.fired) {
        // The bug: the CQE goes out, but the request stays armed.
        post(rings_.at(ring_id), req, static_cast<std::int32_t>(mask), 0, 0, log);
        req.fired = true;
        return false;
      }
      complete(ring_id, req, static_cast<std::int32_t>(mask), 0, 0, log);
      return true;
    }
    RingObj& r = rings_.at(ring_id);
    log.use(RuleId::UR_POLL_MULTI);
    flush_completions(r);  // io_req_post_cqe flushes the deferred completions first
    if (r.overflow.empty() && r.cq.size() < r.cq_entries) {
      post(r, req, static_cast<std::int32_t>(mask), mutant_ == Mutant::UringNoMore ? 0 : kCqeMore, 0, log);
      return false;
    }
    // The CQE that does not fit ends the multishot: it is held, without F_MORE.
    log.use(RuleId::UR_OVERFLOW);
    complete(ring_id, req, static_cast<std::int32_t>(mask), 0, 0, log);
    return true;
  }
  // After a wakeup the request is issued again, whatever the file says now.
  std::int64_t r = 0;
  std::uint64_t digest = 0xcbf29ce484222325ull;
  const bool reads = s.opcode == UringOpcode::Read || s.opcode == UringOpcode::Recv;
  if (reads) {
    // tcp_recvmsg at the urgent mark asks signal_pending(), which in io_uring's task work
    // depends on what other task work is queued (TIF_NOTIFY_SIGNAL): it may give -EAGAIN.
    if (const OpenFile& f = files_.at(req.ofd); f.kind == Kind::Socket) {
      const SockPair& sp = socks_.at(f.object);
      const SockEnd& e = sp.end[f.side];
      if (sp.type == SockType::Tcp && e.urg_seq && *e.urg_seq == e.rx_taken)
        throw Unmodeled("an io_uring read at a TCP urgent mark (tcp_recvmsg asks signal_pending "
                        "there, which io_uring's task work leaves to chance)");
    }
    r = read_file(req.ofd, s.len, digest, log);
  }
  else r = write_file(req.ofd, s.len, s.target, req.step, -1, log);
  if (r < 0 && r != -EAGAIN && r != -EBADF && s.opcode == UringOpcode::Write) {
    // An error from the file's write method comes back through io_complete_rw: task work, one
    // batch on (the access-mode check before it, EBADF, fails at once).
    req.deferred_res = static_cast<std::int32_t>(r);
    req.woken = true;
    queue_task_work(rings_.at(ring_id), req.id);
    return false;
  }
  if (r != -EAGAIN) {
    std::uint32_t flags = 0;
    // io_recv: IORING_CQE_F_SOCK_NONEMPTY when a stream socket still holds data (msg_inq);
    // TCP's tcp_inq_hint also says 1 once a FIN arrived, so that the reader goes on to the 0.
    const OpenFile& f = files_.at(req.ofd);
    if (s.opcode == UringOpcode::Recv && r >= 0 && f.kind == Kind::Socket) {
      const SockPair& sp = socks_.at(f.object);
      const SockEnd& e = sp.end[f.side];
      log.use(RuleId::UR_RECV_UNIX_INQ);  // AF_UNIX streams report msg_inq since 6.17
      const bool unix_inq = !differs_from_profile(params().release(), RuleId::UR_RECV_UNIX_INQ);
      if ((sp.type == SockType::Stream && unix_inq && !e.rq.empty()) ||
          (sp.type == SockType::Tcp && (!e.rq.empty() || e.done)))
        flags |= kCqeSockNonempty;
    }
    complete(ring_id, req, static_cast<std::int32_t>(r), flags, reads && r > 0 ? digest : 0, log);
    return true;
  }
  // Would block although the file polls ready (a dgram socket shut for reading, say): a request
  // polled once already is handed to io-wq (io_arm_poll_handler: IO_APOLL_ABORTED), whose own
  // attempt comes at a time of its own, with whatever the file holds then.
  if (!(readiness(req.ofd) & req.events)) return false;
  throw Unmodeled("a request handed to io-wq (it would block although its file polls ready); not modeled");
}

// POLL_REMOVE / poll update and ASYNC_CANCEL: the result of the remover. Found targets are
// completed with -ECANCELED, or (poll update) re-armed.
std::uint64_t Model::cancel_matching(int ring_id, const UringPrep& c, int fd, RuleLog& log) {
  RingObj& r = rings_.at(ring_id);
  const bool poll_op = c.opcode != UringOpcode::Cancel;
  auto neg = [](int e) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(-e)); };
  if (poll_op) {
    log.use(c.opcode == UringOpcode::PollUpdate ? RuleId::UR_POLL_UPDATE : RuleId::UR_POLL_REMOVE);
    const bool upd_events = c.opcode == UringOpcode::PollUpdate && (c.op_flags.bits & UringOpFlags::kUpdateEvents);
    const bool upd_data = c.opcode == UringOpcode::PollUpdate && (c.op_flags.bits & UringOpFlags::kUpdateData);
    // The cancel hash keeps the newest request of a user_data first (hlist_add_head).
    auto it = r.pending.end();
    for (auto q = r.pending.begin(); q != r.pending.end(); ++q)
      if (!q->deferred_res && !q->unhashed && q->sqe.opcode == UringOpcode::PollAdd &&
          q->sqe.user_data == c.target && (it == r.pending.end() || q->hashed_at > it->hashed_at))
        it = q;
    if (it == r.pending.end()) return neg(ENOENT);
    // io_poll_disarm: task work already queued owns the request. Its failed bid for ownership
    // (io_poll_get_ownership) still raises poll_refs, so that task work finds more than its own
    // reference and polls the file again instead of using the stashed wakeup key.
    if (it->woken) {
      ++it->wakes;
      return neg(EALREADY);
    }
    UringReq target = std::move(*it);
    r.pending.erase(it);
    if (upd_events || upd_data) {
      if (upd_events) target.events = poll_events(c.mask.bits & 0xffffu, params().release(), log);
      if (upd_data) target.sqe.user_data = c.new_data;
      target.hashed_at = next_hash_++;  // io_poll_add hashes it anew, at its bucket's head
      target.armed_at = next_arm_++;    // and its vfs_poll hooks it at the wait queue's head
      // Re-armed by io_poll_add: ready now means it fires from this update.
      require_settled_capacity(target.ofd, target.events);
      const std::uint32_t mask = readiness(target.ofd) & target.events;
      if (mask && !(target.sqe.op_flags.bits & UringOpFlags::kMulti)) {
        // A one-shot that is ready completes in line (io_poll_add gives IOU_COMPLETE): off
        // its wait queue and out of the cancel table, so a later remove finds nothing, and its
        // CQE, the mask, is posted from task work (io_poll_remove: goto complete).
        target.deferred_res = static_cast<std::int32_t>(mask);
        target.unhooked = true;
        target.woken = true;
        queue_task_work(r, target.id);
      } else if (mask) {
        target.woken = true;
        target.stash = mask;
        target.wakes = 1;
        queue_task_work(r, target.id);
      }
      r.pending.push_back(std::move(target));
      return 0;
    }
    target.unhashed = true;  // io_poll_disarm: hash_del
    r.pending.push_back(std::move(target));
    mark_cancelled(r, r.pending.back());
    return 0;
  }

  log.use(RuleId::UR_CANCEL);
  const bool all = c.op_flags.bits & (UringOpFlags::kCancelAll | UringOpFlags::kCancelAny);
  const bool any = c.op_flags.bits & UringOpFlags::kCancelAny;
  const bool by_fd = c.op_flags.bits & UringOpFlags::kCancelFd;
  std::optional<int> fd_file;
  if (by_fd) {
    fd_file = ofd_of_fd(fd);
    if (!fd_file) return neg(EBADF);
  }
  auto matches = [&](const UringReq& q) {
    if (any) return true;
    if (by_fd) return q.ofd == *fd_file;
    return q.sqe.user_data == c.target;
  };
  // io_poll_cancel marks the request and kicks its task work, owned or not: that task work
  // then ends it with -ECANCELED.
  std::uint64_t found = 0;
  for (std::size_t i : cancel_table_order(r)) {
    UringReq& q = r.pending[i];
    // A request already completing (its error on the way through task work) is in no table;
    // one a cancel marked stays there until its task work ran, and is found again.
    if (q.deferred_res || q.unhashed || !matches(q)) continue;
    ++found;
    mark_cancelled(r, q);
    if (!all) return mutant_ == Mutant::UringCancelCode ? neg(ENOENT) : 0;
  }
  if (found == 0 && !all) return neg(ENOENT);
  return found;
}

void Model::mark_cancelled(RingObj& r, UringReq& target) {
  target.cancelled = true;
  if (!target.woken) queue_task_work(r, target.id);
  target.woken = true;
}

// ---- submit ----

Observation Model::op(const UringSubmit& s, std::size_t, RuleLog& log, const Observation*) {
  RingObj* rp = mapped_ring(s.ring);
  if (!rp) return raw_enter(*this, s.ring, log);
  const int ring_id = *ring_id_of(s.ring);
  log.use(RuleId::UR_ENTER);
  // liburing adds GETEVENTS when the kernel flags held CQEs (IORING_SQ_CQ_OVERFLOW).
  const bool getevents = !rp->overflow.empty();
  std::vector<QueuedSqe> sqes = std::move(rp->sq);
  rp->sq.clear();
  if (sqes.empty() && !getevents) return Observation{};  // liburing does not enter at all

  std::size_t consumed = 0;
  struct Member {
    QueuedSqe q;
    std::int32_t fail = 0;  // the error its prep gave, or -ECANCELED for a failed chain's head
  };
  std::vector<Member> chain;
  // A closed chain: issued, or (io_submit_fail_init) every member completed at once with its
  // own prep error or -ECANCELED.
  auto run_chain = [&] {
    if (chain.empty()) return;
    const std::uint64_t id = chain.size() > 1 ? next_chain_++ : 0;
    if (chain.size() > 1) log.use(RuleId::UR_LINK);
    const bool failed = std::any_of(chain.begin(), chain.end(), [](const Member& m) { return m.fail; });
    if (failed) {
      // The head completes at once; the rest is failed from task work (io_fail_links).
      UringReq head;
      head.id = next_req_++;
      head.sqe = chain.front().q.sqe;
      head.chain = id;
      post(rings_.at(ring_id), head, chain.front().fail ? chain.front().fail : -ECANCELED, 0, 0, log);
      if (chain.size() > 1) {
        ChainNext dead;
        dead.chain = id;
        for (std::size_t i = 1; i < chain.size(); ++i)
          dead.posts.emplace_back(chain[i].q.sqe.user_data, chain[i].fail ? chain[i].fail : -ECANCELED);
        rings_.at(ring_id).unflushed_links.push_back(std::move(dead));
      }
    } else {
      std::vector<QueuedSqe> rest;
      for (std::size_t i = 1; i < chain.size(); ++i) rest.push_back(chain[i].q);
      issue(ring_id, chain.front().q, id, std::move(rest), log);
    }
    chain.clear();
  };
  for (; consumed < sqes.size(); ++consumed) {
    const QueuedSqe& q = sqes[consumed];
    RingObj& r = rings_.at(ring_id);
    if ((q.sqe.flags.bits & kSqeDrain) || r.drain_active) {
      log.use(RuleId::UR_DRAIN);
      if (q.sqe.opcode != UringOpcode::Nop || !chain.empty() || linked(q.sqe))
        throw Unmodeled("only unlinked NOPs are modeled under IOSQE_IO_DRAIN (drained requests run in io-wq)");
      if (q.sqe.flags.bits & kSqeDrain) r.epoch++;
      r.drain_active = true;
      // It waits for every request before it (io_drain_req), then runs in io-wq: its CQE can
      // show up at any later reap.
      const ModelCqe c{CqeObs{0, q.sqe.user_data, 0, 0}, next_req_++, 0, r.epoch, RuleId::UR_DRAIN};
      const bool in_flight = !r.pending.empty() || !r.task_work.empty() || !r.unflushed_links.empty() ||
                             !r.drain_blocked.empty();
      (in_flight ? r.drain_blocked : r.async).push_back(c);
      continue;
    }
    const std::int32_t bad = prep_error(q.sqe, chain.empty() ? nullptr : &chain.back().q.sqe);
    chain.push_back(Member{q, bad});
    if (bad && chain.size() > 1 && !chain.front().fail) chain.front().fail = -ECANCELED;
    if (linked(q.sqe)) continue;
    run_chain();
    if (bad) {
      ++consumed;  // the failing SQE counts as submitted; the rest stay in the SQ
      break;
    }
  }
  if (!chain.empty()) {
    // io_submit_state_end: a link left open runs as it is, from io-wq unless it failed.
    if (std::none_of(chain.begin(), chain.end(), [](const Member& m) { return m.fail; }))
      throw Unmodeled("a link chain left open at the end of a submit runs in io-wq; not modeled");
    run_chain();
  }
  RingObj& r = rings_.at(ring_id);
  flush_completions(r);  // io_submit_state_end
  // SQEs after a failed one stay in the SQ for the next submit.
  r.sq.assign(sqes.begin() + static_cast<std::ptrdiff_t>(consumed), sqes.end());
  if (getevents) this->getevents(ring_id, log);
  Observation o;
  o.ret = static_cast<std::int64_t>(consumed);
  return o;
}


// ---- task work ----

void Model::wake_ring_requests(const WaitQueueId& q, std::uint32_t key) {
  std::vector<std::pair<RingObj*, UringReq*>> hooked;
  for (auto& [id, r] : rings_) {
    for (UringReq& req : r.pending) {
      // io_poll_wake ignores EPOLLPRI in the filter (IO_ASYNC_POLL_COMMON): a poll for PRI
      // alone is not woken by an ordinary readable wakeup.
      if (req.unhooked || req.ofd < 0 || queue_of(files_.at(req.ofd)) != q ||
          (key && !(key & req.events & ~EPOLLPRI)))
        continue;
      if (req.woken) {
        ++req.wakes;  // coalesced into the task work already queued
        continue;
      }
      hooked.emplace_back(&r, &req);
    }
  }
  // add_wait_queue puts the newest entry first, so it is woken first, whichever ring it is of.
  std::sort(hooked.begin(), hooked.end(),
            [](const auto& a, const auto& b) { return a.second->armed_at > b.second->armed_at; });
  for (auto [ring, req] : hooked) {
    req->woken = true;
    req->stash = key;
    req->wakes = 1;
    // io_poll_wake takes a one-shot (and a data request's internal poll) off the queue at a
    // wakeup with a key, so later wakeups before its task work do not reach it.
    const bool multishot = req->sqe.opcode == UringOpcode::PollAdd && (req->sqe.op_flags.bits & UringOpFlags::kMulti);
    req->unhooked = key != 0 && !multishot;
    queue_task_work(*ring, req->id);
  }
}

void Model::queue_task_work(RingObj& r, std::variant<std::uint64_t, ChainNext> work) {
  r.task_work.push_back(TaskWork{next_task_work_++, std::move(work)});
}

void Model::run_task_work_entry(int ring_id, const TaskWork& w, RuleLog& log) {
  if (const auto* c = std::get_if<ChainNext>(&w.work)) run_link_work(ring_id, *c, log);
  else run_woken(ring_id, std::get<std::uint64_t>(w.work), log);
}

void Model::ring_task_work(int ring_id, RuleLog& log, int max_rounds) {
  // Completions queue more work (links, wakeups of other requests) for a later batch.
  for (int round = 0; round < max_rounds; ++round) {
    if (rings_.at(ring_id).task_work.empty()) return;
    log.use(RuleId::UR_TASKRUN);
    // One batch: what was queued when it began, in the order it was queued (or newest first,
    // on a release from before that order: UR-TW-LOCAL-ORDER, UR-TW-ORDER).
    auto batch = std::move(rings_.at(ring_id).task_work);
    rings_.at(ring_id).task_work.clear();
    const RuleId order = rings_.at(ring_id).defer_taskrun() ? RuleId::UR_TW_LOCAL_ORDER : RuleId::UR_TW_ORDER;
    log.use(order);
    if (differs_from_profile(params().release(), order)) std::reverse(batch.begin(), batch.end());
    for (const TaskWork& work : batch) run_task_work_entry(ring_id, work, log);
    flush_completions(rings_.at(ring_id));
  }
  if (max_rounds >= 1000) throw Unmodeled("io_uring task work that does not settle");
}

void Model::run_woken(int ring_id, std::uint64_t id, RuleLog& log) {
  RingObj& ring = rings_.at(ring_id);
  auto it = std::find_if(ring.pending.begin(), ring.pending.end(),
                         [&](const UringReq& q) { return q.id == id; });
  if (it == ring.pending.end()) return;
  UringReq req = std::move(*it);
  ring.pending.erase(it);
  req.woken = false;
  if (req.cancelled) return complete(ring_id, std::move(req), -ECANCELED, 0, 0, log);
  if (req.deferred_res) {
    const std::int32_t res = *req.deferred_res;
    return complete(ring_id, std::move(req), res, 0, 0, log);
  }
  req.unhooked = false;  // armed again, if it stays
  if (retry(ring_id, req, true, log)) return;
  // A data request, and a one-shot poll whose task work polled again and found nothing
  // (IOU_POLL_REISSUE: io_req_task_submit issues it anew), are armed afresh: at the head of
  // the wait queue and of their cancel-table bucket. A multishot poll stays where it was.
  if (req.sqe.opcode != UringOpcode::PollAdd || !(req.sqe.op_flags.bits & UringOpFlags::kMulti)) {
    req.armed_at = next_arm_++;
    req.hashed_at = next_hash_++;
  }
  rings_.at(ring_id).pending.push_back(std::move(req));
}

void Model::run_link_work(int ring_id, const ChainNext& c, RuleLog& log) {
  if (c.posts.empty()) return issue(ring_id, c.q, c.chain, c.rest, log);
  for (const auto& [ud, res] : c.posts) {
    UringReq dead;
    dead.id = next_req_++;
    dead.sqe.user_data = ud;
    dead.chain = c.chain;
    post(rings_.at(ring_id), dead, res, 0, 0, log);
  }
}

void Model::getevents(int ring_id, RuleLog& log) {
  // A DEFER_TASKRUN ring runs one batch (UR-TW-LOCAL-LOOP). Before 6.9 it ran batches until
  // none was left, flushing completions once at the end, while a failed request posted at once
  // (before 6.2): no history row predicts that yet, as the model flushes each batch.
  const bool defer = rings_.at(ring_id).defer_taskrun();
  if (defer) log.use(RuleId::UR_TW_LOCAL_LOOP);
  ring_task_work(ring_id, log, defer ? 1 : 1000);
  flush_overflow(rings_.at(ring_id));
}

void Model::run_task_work(RuleLog& log) {
  // The harness thread's task work for its rings without DEFER_TASKRUN is one list, run in the
  // order it was queued whichever ring an entry is for (tctx_task_work_run); a ring's
  // completions are flushed when an entry of another ring comes, and at the end
  // (ctx_flush_and_put). What running it queues runs in the next pass.
  for (int round = 0;; ++round) {
    std::vector<std::pair<int, TaskWork>> batch;
    for (auto& [id, r] : rings_) {
      if (r.defer_taskrun()) continue;
      for (TaskWork& w : r.task_work) batch.emplace_back(id, std::move(w));
      r.task_work.clear();
    }
    if (batch.empty()) break;
    if (round >= 1000) throw Unmodeled("io_uring task work that does not settle");
    log.use(RuleId::UR_TASKRUN);
    log.use(RuleId::UR_TW_ORDER);
    // Newest first on a release from before the queue order (UR-TW-ORDER).
    const bool newest_first = differs_from_profile(params().release(), RuleId::UR_TW_ORDER);
    std::sort(batch.begin(), batch.end(), [&](const auto& a, const auto& b) {
      return newest_first ? a.second.seq > b.second.seq : a.second.seq < b.second.seq;
    });
    int current = -1;
    auto flush = [&] {
      if (current >= 0 && rings_.count(current)) flush_completions(rings_.at(current));
    };
    for (const auto& [id, work] : batch) {
      if (id != current) flush();
      current = id;
      if (rings_.count(id)) run_task_work_entry(id, work, log);
    }
    flush();
  }
  // io_queue_deferred: drained requests go to io-wq once nothing before them is in flight.
  for (auto& [id, r] : rings_)
    if (!r.drain_blocked.empty() && r.pending.empty() && r.task_work.empty()) {
      log.use(RuleId::UR_DRAIN);
      r.async.insert(r.async.end(), r.drain_blocked.begin(), r.drain_blocked.end());
      r.drain_blocked.clear();
    }
}

void Model::release_ring(int ring_id, RuleLog& log) {
  RingObj& r = rings_.at(ring_id);
  // Closing the ring cancels what is in flight; the files they hold are let go by the ring's
  // exit work, at a time of its own. Only files that other descriptors keep open are safe.
  for (const UringReq& req : r.pending)
    if (req.ofd >= 0 && files_.at(req.ofd).refs == 0)
      throw Unmodeled("closing a ring whose requests hold the last reference of a file is not modeled");
  log.use(RuleId::UR_HOLD);
  // The references stay until the exit work cancels the requests: closing such a file's last
  // descriptor is then a release at an unknown time (model_fd.cpp).
  for (const UringReq& req : r.pending)
    if (req.ofd >= 0) files_.at(req.ofd).dying_holds++;
  rings_.erase(ring_id);
}

std::optional<int> Model::ring_id_of(Handle h) const {
  auto ofd = ofd_of_fd(fd_of(h));
  if (!ofd || files_.at(*ofd).kind != Kind::Ring) return std::nullopt;
  return files_.at(*ofd).object;
}

// ---- reap ----

Observation Model::op(const UringReap& rp, std::size_t, RuleLog& log, const Observation* observed) {
  reap_prediction_.reset();
  log.use(RuleId::UR_ENTER);
  const std::optional<int> ring_id = ring_id_of(rp.ring);
  if (!mapped_ring(rp.ring)) {
    Observation o = raw_enter(*this, rp.ring, log);
    if (ring_id) getevents(*ring_id, log);  // GETEVENTS on another descriptor of the ring
    return o;
  }
  getevents(*ring_id, log);
  // A wait runs batches of deferred work until enough CQEs are there (io_cqring_wait).
  for (int round = 0; round < 1000 && rings_.at(*ring_id).cq.size() < rp.wait; ++round) {
    const RingObj& r = rings_.at(*ring_id);
    if (r.task_work.empty()) break;
    getevents(*ring_id, log);
  }
  ReapPrediction p;
  p.wait = rp.wait;
  {
    const RingObj& r = rings_.at(*ring_id);
    const std::size_t ready = r.cq.size();
    if (rp.wait > ready) {
      p.wait_must_time_out = ready + r.async.size() < rp.wait;
      p.wait_may_time_out = true;
    }
  }
  // Take the ring empty; while the kernel flags held CQEs, enter again (one more batch of
  // deferred work, then the held CQEs that fit) and take those.
  while (true) {
    RingObj& r = rings_.at(*ring_id);
    p.definite.insert(p.definite.end(), r.cq.begin(), r.cq.end());
    r.cq.clear();
    if (r.overflow.empty()) break;
    log.use(RuleId::UR_OVERFLOW);
    getevents(*ring_id, log);
    if (rings_.at(*ring_id).cq.empty()) break;
  }
  RingObj& r = rings_.at(*ring_id);
  for (const ModelCqe& m : p.definite) {
    log.use(m.rule);
    if (m.held) log.use(RuleId::UR_OVERFLOW);
  }
  p.maybe = r.async;
  // Linux as predicted: every io-wq completion has landed. Under the kernel's observation the
  // model keeps those that did not show up.
  std::vector<ModelCqe> left;
  if (observed) {
    std::vector<bool> used(observed->cqes.size(), false);
    auto take = [&](const CqeObs& c) -> bool {
      for (std::size_t i = 0; i < observed->cqes.size(); ++i)
        if (!used[i] && observed->cqes[i] == c) {
          used[i] = true;
          return true;
        }
      return false;
    };
    for (const ModelCqe& m : p.definite) take(m.cqe);  // the definite ones are there first
    for (const ModelCqe& m : r.async) {
      if (!take(m.cqe)) left.push_back(m);
    }
  }
  r.async = std::move(left);
  Observation o;
  for (const ModelCqe& m : p.definite) o.cqes.push_back(m.cqe);
  for (const ModelCqe& m : p.maybe) o.cqes.push_back(m.cqe);
  if (p.wait_must_time_out) o.err = ETIME;
  o.ret = static_cast<std::int64_t>(o.cqes.size());
  reap_prediction_ = std::move(p);
  return o;
}

}  // namespace pc
