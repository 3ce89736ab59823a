// The kernel side of io_uring: rings set up through liburing, SQEs filled by liburing's prep
// helpers, io_uring_enter for submit and reap. Every request's buffer lives as long as the
// executor, since a request can outlive the mapping of its ring (a dup keeps the ring alive).
#include <linux/time_types.h>
#include <liburing.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "kernel/executor.h"
#include "vocab/uring_flags.h"

namespace pc {

// A buffer a read or recv SQE points at: its CQE's digest is taken from it.
struct PendingRead {
  std::uint64_t user_data = 0;
  std::vector<unsigned char> buf;
  bool done = false;
};

struct KernelExecutor::Ring {
  io_uring ring{};
  bool mapped = false;
  std::deque<PendingRead> reads;                 // deque: elements never move
  std::deque<std::vector<unsigned char>> writes;  // payloads of write and send SQEs
  std::deque<__kernel_timespec> timeouts;         // link timeouts' timespecs

  // The digest of the bytes a read put into the buffer of its CQE (0: no read of that id).
  std::uint64_t digest_for(const io_uring_cqe& cqe) {
    for (PendingRead& r : reads) {
      if (r.done || r.user_data != cqe.user_data) continue;
      r.done = true;
      if (cqe.res <= 0) return 0;
      const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(cqe.res), r.buf.size());
      return fnv1a(r.buf.data(), n);
    }
    return 0;
  }
};

void KernelExecutor::RingDeleter::operator()(Ring* r) const { delete r; }

namespace {

Observation failure(int err) {
  Observation obs;
  obs.ret = -1;
  obs.err = err;
  return obs;
}

// io_uring_enter without liburing, for a descriptor that is not one of our mapped rings (closed,
// never a ring, or a dup of one): the kernel decides what that is.
Observation raw_enter(int fd, unsigned flags) {
  const long r = ::syscall(__NR_io_uring_enter, fd, 0u, 0u, flags, nullptr, 0);
  const int e = errno;
  Observation obs;
  obs.ret = r;
  if (r < 0) {
    obs.ret = -1;
    obs.err = e;
  }
  return obs;
}

}  // namespace

KernelExecutor::Ring* KernelExecutor::ring_of(Handle h) {
  auto it = rings_.find(fd_of(h));
  return it == rings_.end() ? nullptr : it->second.get();
}

void KernelExecutor::forget_ring(int fd) {
  auto it = rings_.find(fd);
  if (it == rings_.end()) return;
  Ring& r = *it->second;
  if (r.mapped) {
    // Unmap only: the caller closes the descriptor with a real close(2) and sees its result.
    r.ring.ring_fd = -1;
    io_uring_queue_exit(&r.ring);
    r.mapped = false;
  }
  retired_.push_back(std::move(it->second));
  rings_.erase(it);
}

Observation KernelExecutor::exec(const UringSetup& op, std::size_t) {
  RingPtr r(new Ring);
  io_uring_params p{};
  p.flags = op.flags.bits;
  p.cq_entries = op.cq_entries;
  const int ret = io_uring_queue_init_params(op.entries, &r->ring, &p);
  if (ret < 0) return creation_failed({&op.out, 1}, -ret);
  r->mapped = true;
  const int fd = r->ring.ring_fd;
  UniqueFd owned(fd);
  Observation obs = adopt({&op.out, 1}, {&owned, 1});
  obs.sq_entries = p.sq_entries;
  obs.cq_entries = p.cq_entries;
  rings_[fd] = std::move(r);
  return obs;
}

Observation KernelExecutor::exec(const UringPrep& op, std::size_t step) {
  Ring* r = ring_of(op.ring);
  // No system call here: a slot without a mapped ring has no SQ to fill (EBADF), and a full SQ
  // has no free SQE (EBUSY). Both are the harness's own answers, stated in vocab/ops.h.
  if (!r) return failure(EBADF);
  io_uring_sqe* sqe = io_uring_get_sqe(&r->ring);
  if (!sqe) return failure(EBUSY);
  const int fd = fd_of(op.fd);
  switch (op.opcode) {
    case UringOpcode::Nop:
      io_uring_prep_nop(sqe);
      break;
    case UringOpcode::PollAdd:
      io_uring_prep_poll_add(sqe, fd, op.mask.bits);
      sqe->len = uring_kernel_flags(op.op_flags, true);
      break;
    case UringOpcode::PollRemove:
      io_uring_prep_poll_remove(sqe, op.target);
      break;
    case UringOpcode::PollUpdate:
      io_uring_prep_poll_update(sqe, op.target, op.new_data, op.mask.bits, uring_kernel_flags(op.op_flags, true));
      break;
    case UringOpcode::Read:
    case UringOpcode::Recv: {
      PendingRead& pr = r->reads.emplace_back();
      pr.user_data = op.user_data;
      pr.buf.resize(std::max<std::size_t>(op.len, 1));
      if (op.opcode == UringOpcode::Read) io_uring_prep_read(sqe, fd, pr.buf.data(), op.len, -1);
      else io_uring_prep_recv(sqe, fd, pr.buf.data(), op.len, 0);
      break;
    }
    case UringOpcode::Write:
    case UringOpcode::Send: {
      std::vector<unsigned char>& buf = r->writes.emplace_back(std::max<std::size_t>(op.len, 1));
      fill_payload(buf.data(), op.len, step, op.target);
      if (op.opcode == UringOpcode::Write) io_uring_prep_write(sqe, fd, buf.data(), op.len, -1);
      else io_uring_prep_send(sqe, fd, buf.data(), op.len, 0);
      break;
    }
    case UringOpcode::Cancel:
      if (op.op_flags.bits & UringOpFlags::kCancelFd)
        io_uring_prep_cancel_fd(sqe, fd, uring_kernel_flags(op.op_flags, false) & ~IORING_ASYNC_CANCEL_FD);
      else
        io_uring_prep_cancel64(sqe, op.target, static_cast<int>(uring_kernel_flags(op.op_flags, false)));
      break;
    case UringOpcode::LinkTimeout: {
      __kernel_timespec& ts = r->timeouts.emplace_back();
      ts.tv_sec = op.len / 1000;
      ts.tv_nsec = static_cast<long long>(op.len % 1000) * 1000000;
      io_uring_prep_link_timeout(sqe, &ts, 0);
      break;
    }
  }
  sqe->user_data = op.user_data;
  sqe->flags |= op.flags.bits;
  return Observation{};
}

Observation KernelExecutor::exec(const UringSubmit& op, std::size_t) {
  Ring* r = ring_of(op.ring);
  if (!r) return raw_enter(fd_of(op.ring), 0);
  const int ret = io_uring_submit(&r->ring);
  if (ret < 0) return failure(-ret);
  Observation obs;
  obs.ret = ret;
  return obs;
}

Observation KernelExecutor::exec(const UringReap& op, std::size_t) {
  Ring* r = ring_of(op.ring);
  if (!r) return raw_enter(fd_of(op.ring), IORING_ENTER_GETEVENTS);
  Observation obs;
  // GETEVENTS first in every case: it runs deferred task work and flushes overflowed CQEs,
  // which a wait that finds enough CQEs already in the ring would skip.
  if (const int ret = io_uring_get_events(&r->ring); ret < 0) obs.err = -ret;
  if (op.wait > 0 && obs.err == 0) {
    __kernel_timespec ts{kReapWaitMs / 1000, static_cast<long long>(kReapWaitMs % 1000) * 1000000};
    io_uring_cqe* cqe = nullptr;
    // A signal to the process (a fuzzer's timer, say) is no answer of the ring's: wait again,
    // a bounded number of times.
    int ret = -EINTR;
    for (int tries = 0; ret == -EINTR && tries < 100; ++tries)
      ret = io_uring_wait_cqes(&r->ring, &cqe, op.wait, &ts, nullptr);
    if (ret < 0) obs.err = -ret;
  }
  while (obs.cqes.size() < kReapMaxCqes) {
    unsigned head = 0, seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&r->ring, head, cqe) {
      obs.cqes.push_back(CqeObs{cqe->res, cqe->user_data, cqe->flags, r->digest_for(*cqe)});
      ++seen;
    }
    io_uring_cq_advance(&r->ring, seen);
    if (seen > 0) continue;
    // The ring is empty: CQEs the kernel held back while it was full come in on the next enter.
    if (!(IO_URING_READ_ONCE(*r->ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW)) break;
    if (io_uring_get_events(&r->ring) < 0 || io_uring_cq_ready(&r->ring) == 0) break;
  }
  obs.ret = static_cast<std::int64_t>(obs.cqes.size());
  return obs;
}

}  // namespace pc
