// The kernel side: each op becomes exactly one syscall (fill: a loop of them) on the numbers the
// slots hold, with no validation of its own, so that the kernel alone decides every result.
#include "kernel/executor.h"
#include "kernel/fd_bitmap.h"
#include "kernel/sock_type.h"
#include "repro/runtime/pc_fifo.h"
#include "repro/runtime/pc_io.h"
#include "repro/runtime/pc_readiness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>
#include <variant>

namespace pc {
namespace {

void note_once(std::atomic<bool>& said, const char* what) {
  if (!said.exchange(true)) std::fprintf(stderr, "pollcheck executor: %s\n", what);
}

// The ret/err pair of a syscall that returns -1 and sets errno on failure. Reads errno before
// anything else can disturb it.
Observation result_of(std::int64_t r) {
  const int e = errno;
  Observation obs;
  obs.ret = r;
  if (r < 0) obs.err = e;
  return obs;
}

int shutdown_how(ShutHow h) {
  switch (h) {
    case ShutHow::Rd: return SHUT_RD;
    case ShutHow::Wr: return SHUT_WR;
    case ShutHow::RdWr: return SHUT_RDWR;
    case ShutHow::Invalid: return 3;  // the first value the kernel rejects
  }
  return 3;
}

int ctl_op(CtlOp op) {
  switch (op) {
    case CtlOp::Add: return EPOLL_CTL_ADD;
    case CtlOp::Mod: return EPOLL_CTL_MOD;
    case CtlOp::Del: return EPOLL_CTL_DEL;
    case CtlOp::Invalid: return 0x7f;
  }
  return 0x7f;
}

// A buffer the kernel may write into: at least one byte so it is never null, even for len 0.
// Left uninitialized: a write fills it whole and a read digests only what the kernel wrote,
// and zeroing the large buffers of draining reads cost more than the reads.
std::unique_ptr<unsigned char[]> io_buffer(std::uint32_t len) {
  return std::make_unique_for_overwrite<unsigned char[]>(std::max<std::size_t>(len, 1));
}

// The pollfd entries a poll gets (pc_poll_size), saying once when a cap cut the array: the
// oracle still predicts from the real limit, so a differ will flag those polls.
std::size_t poll_size(std::size_t n, std::int32_t over_limit) {
  static std::atomic<bool> said_rlimit{false}, said_over{false};
  int capped = 0;
  const std::size_t total = pc_poll_size(n, over_limit, &capped);
  if (capped & PC_POLL_CAPPED_RLIMIT)
    note_once(said_rlimit, "RLIMIT_NOFILE above 2^20: poll arrays capped at 2^20 entries");
  if (capped & PC_POLL_CAPPED_OVER) note_once(said_over, "poll over_limit above 65536: capped at 65536");
  return total;
}

}  // namespace

KernelExecutor::KernelExecutor() {
  std::fill(std::begin(slots_), std::end(slots_), -1);
  // Writes to a pipe or socket whose peer is gone must report EPIPE, not kill the process.
  ::signal(SIGPIPE, SIG_IGN);
}

KernelExecutor::~KernelExecutor() {
  waiters_.interrupt_all();  // before any descriptor goes: no thread may sleep on a reused one
  while (!rings_.empty()) forget_ring(rings_.begin()->first);
  for (int fd : owned_) ::close(fd);
  // rings_ frees the buffers of requests still in flight only now, after every descriptor is
  // closed and with it every ring: no request can write into them any more.
}

Observation KernelExecutor::run(const Op& op, std::size_t step) {
  Observation obs = std::visit([&](const auto& o) { return exec(o, step); }, op);
  if (!settle_inet()) obs.unsettled |= kUnsettledInet;
  if (!waiters_.empty()) {
    if (!waiters_.settle()) obs.unsettled |= kUnsettledWaiters;
    obs.woke = waiters_.collect();
  }
  return obs;
}

int KernelExecutor::fd_of(Handle h) const {
  return h.slot < kMaxHandles ? slots_[h.slot] : -1;
}


void KernelExecutor::bind(OutHandle h, int fd) {
  if (h.slot < kMaxHandles) slots_[h.slot] = fd;
}

Observation KernelExecutor::adopt(std::span<const OutHandle> outs, std::span<UniqueFd> fds) {
  Observation obs;
  for (const UniqueFd& f : fds) obs.fds.push_back(f.get());
  for (const UniqueFd& f : fds) {
    owned_.insert(f.get());
    inode_cache_.erase(f.get());
  }
  // Only now that owned_ holds every number may the UniqueFds let go of them.
  for (std::size_t i = 0; i < fds.size(); ++i) bind(outs[i], fds[i].release());
  return obs;
}

Observation KernelExecutor::creation_failed(std::span<const OutHandle> outs, int err) {
  Observation obs;
  obs.ret = -1;
  obs.err = err;
  for (OutHandle h : outs) bind(h, -1);
  return obs;
}

Observation KernelExecutor::adopt_one(OutHandle out, int fd) {
  const int err = errno;
  if (fd < 0) return creation_failed({&out, 1}, err);
  UniqueFd owned(fd);
  return adopt({&out, 1}, {&owned, 1});
}

// ---- creation ----

Observation KernelExecutor::exec(const MakePipe& op, std::size_t) {
  const OutHandle outs[] = {op.rd, op.wr};
  int p[2];
  if (::pipe2(p, O_NONBLOCK) != 0) return creation_failed(outs, errno);
  UniqueFd fds[] = {UniqueFd(p[0]), UniqueFd(p[1])};
  return adopt(outs, fds);
}

Observation KernelExecutor::exec(const MakeSocketPair& op, std::size_t) {
  if (op.type == SockType::Tcp || op.type == SockType::Udp) return make_inet_pair(op);
  const OutHandle outs[] = {op.a, op.b};
  int sv[2];
  if (::socketpair(AF_UNIX, socket_type(op.type) | SOCK_NONBLOCK, 0, sv) != 0)
    return creation_failed(outs, errno);
  UniqueFd fds[] = {UniqueFd(sv[0]), UniqueFd(sv[1])};
  return adopt(outs, fds);
}

Observation KernelExecutor::exec(const MakeEventFd& op, std::size_t) {
  return adopt_one(op.out, ::eventfd(op.initval, EFD_NONBLOCK | (op.semaphore ? EFD_SEMAPHORE : 0)));
}

static_assert(static_cast<int>(FifoOpen::Both) == PC_FIFO_BOTH &&
              static_cast<int>(FifoOpen::Reader) == PC_FIFO_READER &&
              static_cast<int>(FifoOpen::Writer) == PC_FIFO_WRITER);

Observation KernelExecutor::exec(const MakeFifo& op, std::size_t) {
  const OutHandle outs[] = {op.rd, op.wr};
  int made[2];
  if (pc_make_fifo(static_cast<int>(op.open), made) != 0) return creation_failed(outs, errno);
  // The ends the mode opened, in rd, wr order; a slot whose end was not opened is unbound.
  std::vector<OutHandle> bound;
  std::vector<UniqueFd> fds;
  for (int side = 0; side < 2; ++side) {
    if (made[side] < 0) {
      bind(outs[side], -1);
      continue;
    }
    bound.push_back(outs[side]);
    fds.emplace_back(made[side]);
  }
  return adopt(bound, fds);
}

Observation KernelExecutor::exec(const MakeRegularFile& op, std::size_t) {
  return adopt_one(op.out, ::memfd_create("pollcheck", 0));
}

Observation KernelExecutor::exec(const EpollCreate1& op, std::size_t) {
  return adopt_one(op.out, ::epoll_create1(static_cast<int>(op.flags)));
}

Observation KernelExecutor::exec(const EpollCreate& op, std::size_t) {
  return adopt_one(op.out, ::epoll_create(op.size));
}

Observation KernelExecutor::exec(const Dup& op, std::size_t) {
  return adopt_one(op.out, ::dup(fd_of(op.fd)));
}

Observation KernelExecutor::exec(const DupFd& op, std::size_t) {
  return adopt_one(op.out, ::fcntl(fd_of(op.fd), F_DUPFD, op.min));
}

// ---- descriptors ----

Observation KernelExecutor::exec(const Close& op, std::size_t) {
  const int fd = fd_of(op.fd);
  forget_ring(fd);
  Observation obs = result_of(::close(fd));
  if (obs.ret == 0) owned_.erase(fd);
  inode_cache_.erase(fd);
  return obs;
}

// ---- data ----

Observation KernelExecutor::exec(const Write& op, std::size_t step) {
  const auto buf = io_buffer(op.len);
  fill_payload(buf.get(), op.len, step, op.value);
  return result_of(::write(fd_of(op.fd), buf.get(), op.len));
}

Observation KernelExecutor::exec(const FillWrite& op, std::size_t step) {
  const auto buf = io_buffer(op.len);
  fill_payload(buf.get(), op.len, step, op.value);
  Observation obs;
  obs.ret = static_cast<std::int64_t>(pc_fill(fd_of(op.fd), buf.get(), op.len, &obs.writes, &obs.err));
  return obs;
}

Observation KernelExecutor::exec(const Read& op, std::size_t) {
  const auto buf = io_buffer(op.len);
  std::uint64_t digest = 0;
  Observation obs = result_of(pc_read_digest(fd_of(op.fd), buf.get(), op.len, &digest));
  if (obs.ret >= 0) obs.digest = digest;
  return obs;
}

Observation KernelExecutor::exec(const Recv& op, std::size_t) {
  const auto buf = io_buffer(op.len);
  std::uint64_t digest = 0;
  Observation obs = result_of(pc_recv_digest(fd_of(op.fd), buf.get(), op.len, op.peek ? MSG_PEEK : 0, &digest));
  if (obs.ret >= 0) obs.digest = digest;
  return obs;
}

Observation KernelExecutor::exec(const SendOob& op, std::size_t step) {
  const auto buf = io_buffer(op.len);
  fill_payload(buf.get(), op.len, step, 0);
  return result_of(::send(fd_of(op.fd), buf.get(), op.len, MSG_OOB | MSG_DONTWAIT));
}

Observation KernelExecutor::exec(const RecvOob& op, std::size_t) {
  unsigned char byte = 0;
  std::uint64_t digest = 0;
  Observation obs = result_of(pc_recv_digest(fd_of(op.fd), &byte, 1, MSG_OOB | MSG_DONTWAIT, &digest));
  if (obs.ret >= 0) obs.digest = digest;
  return obs;
}

Observation KernelExecutor::exec(const Shutdown& op, std::size_t) {
  return result_of(::shutdown(fd_of(op.fd), shutdown_how(op.how)));
}

// ---- readiness ----

Observation KernelExecutor::exec(const EpollCtl& op, std::size_t) {
  return result_of(pc_epoll_ctl(fd_of(op.epfd), ctl_op(op.op), fd_of(op.fd), op.events.bits, op.data));
}

std::size_t KernelExecutor::epoll_entries(std::int32_t maxevents) { return pc_epoll_entries(maxevents); }

Observation KernelExecutor::exec(const EpollWait& op, std::size_t) {
  std::vector<epoll_event> buf(epoll_entries(op.maxevents));
  Observation obs = result_of(::epoll_wait(fd_of(op.epfd), buf.data(), op.maxevents, 0));
  for (std::int64_t i = 0; i < obs.ret; ++i) {
    const epoll_event& e = buf[static_cast<std::size_t>(i)];
    obs.events.push_back({e.events, e.data.u64});
  }
  return obs;
}

Observation KernelExecutor::exec(const Poll& op, std::size_t) {
  std::vector<pollfd> entries;
  entries.reserve(op.entries.size());
  for (const PollEntry& e : op.entries) {
    const int fd = e.target.is_handle() ? fd_of(e.target.handle()) : e.target.value;
    entries.push_back({fd, static_cast<short>(e.events.bits), 0});
  }
  std::vector<pollfd> arr(poll_size(entries.size(), op.over_limit));
  std::vector<unsigned short> revents(entries.size());
  unsigned clobbered = 0;
  Observation obs = result_of(pc_poll_run(arr.data(), arr.size(), entries.data(), entries.size(),
                                          revents.data(), &clobbered));
  obs.revents.assign(revents.begin(), revents.end());
  obs.clobbered = clobbered;
  return obs;
}

Observation KernelExecutor::exec(const Select& op, std::size_t) {
  const HandleList* lists[3] = {&op.rd, &op.wr, &op.ex};
  int highest = -1;
  for (const HandleList* l : lists)
    for (Handle h : *l) highest = std::max(highest, fd_of(h));

  const int nfds = pc_select_nfds(highest, op.nfds.relative ? 1 : 0, op.nfds.value);
  const std::uint64_t bits = pc_select_bits(nfds, highest);
  FdBitmap maps[3] = {FdBitmap(bits), FdBitmap(bits), FdBitmap(bits)};
  for (int i = 0; i < 3; ++i)
    for (Handle h : *lists[i])
      if (const int fd = fd_of(h); fd >= 0) maps[i].set(fd);

  timeval tv{0, 0};
  Observation obs =
      result_of(::select(nfds, maps[0].raw(), maps[1].raw(), maps[2].raw(), &tv));
  for (int i = 0; i < 3; ++i) obs.sets[static_cast<std::size_t>(i)] = maps[i].members();
  obs.timeout_left_us = std::int64_t{tv.tv_sec} * 1000000 + tv.tv_usec;
  return obs;
}

}  // namespace pc
