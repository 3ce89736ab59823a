// The kernel side of io_uring: the C runtime's rings (repro/runtime/pc_uring.h), which the
// reproducer uses too. Every request's buffer lives as long as the executor, since a request
// can outlive the mapping of its ring (a dup keeps the ring alive).
#include <cerrno>
#include <cstdlib>
#include <new>

#include "kernel/executor.h"
#include "repro/runtime/pc_uring.h"
#include "vocab/uring_flags.h"

namespace pc {

// A ring of the runtime's (repro/runtime/pc_uring.h), owned here: its requests' memory goes
// with it, which the executor keeps (retired_) until no request can write into it any more.
struct KernelExecutor::Ring {
  pc_ring r{};
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring() { pc_ring_release(&r); }
};

void KernelExecutor::RingDeleter::operator()(Ring* r) const { delete r; }

namespace {

Observation failure(int err) {
  Observation obs;
  obs.ret = -1;
  obs.err = err;
  return obs;
}

// io_uring_enter on a descriptor that is not one of our mapped rings (pc_uring_enter_raw).
Observation raw_enter(int fd, unsigned flags) {
  const long r = pc_uring_enter_raw(fd, flags);
  const int e = errno;
  Observation obs;
  obs.ret = r;
  if (r < 0) {
    obs.ret = -1;
    obs.err = e;
  }
  return obs;
}

int runtime_opcode(UringOpcode op) {
  switch (op) {
    case UringOpcode::Nop: return PC_UOP_NOP;
    case UringOpcode::PollAdd: return PC_UOP_POLL_ADD;
    case UringOpcode::PollRemove: return PC_UOP_POLL_REMOVE;
    case UringOpcode::PollUpdate: return PC_UOP_POLL_UPDATE;
    case UringOpcode::Read: return PC_UOP_READ;
    case UringOpcode::Write: return PC_UOP_WRITE;
    case UringOpcode::Recv: return PC_UOP_RECV;
    case UringOpcode::Send: return PC_UOP_SEND;
    case UringOpcode::Cancel: return PC_UOP_CANCEL;
    case UringOpcode::LinkTimeout: return PC_UOP_LINK_TIMEOUT;
  }
  return PC_UOP_NOP;
}

}  // namespace

KernelExecutor::Ring* KernelExecutor::ring_of(Handle h) {
  auto it = rings_.find(fd_of(h));
  return it == rings_.end() ? nullptr : it->second.get();
}

void KernelExecutor::forget_ring(int fd) {
  auto it = rings_.find(fd);
  if (it == rings_.end()) return;
  // Unmap only: the caller closes the descriptor with a real close(2) and sees its result.
  pc_ring_unmap(&it->second->r);
  retired_.push_back(std::move(it->second));
  rings_.erase(it);
}

Observation KernelExecutor::exec(const UringSetup& op, std::size_t) {
  RingPtr r(new Ring);
  unsigned sq = 0, cq = 0;
  if (const int err = pc_ring_setup(&r->r, op.entries, op.flags.bits, op.cq_entries, &sq, &cq); err != 0)
    return creation_failed({&op.out, 1}, err);
  const int fd = r->r.ring.ring_fd;
  UniqueFd owned(fd);
  Observation obs = adopt({&op.out, 1}, {&owned, 1});
  obs.sq_entries = sq;
  obs.cq_entries = cq;
  rings_[fd] = std::move(r);
  return obs;
}

Observation KernelExecutor::exec(const UringPrep& op, std::size_t step) {
  Ring* r = ring_of(op.ring);
  // No system call here: a slot without a mapped ring has no SQ to fill (EBADF), and a full SQ
  // has no free SQE (EBUSY). Both are the harness's own answers, stated in vocab/ops.h.
  if (!r) return failure(EBADF);
  const int err = pc_ring_prep(&r->r, runtime_opcode(op.opcode), fd_of(op.fd), op.len, op.mask.bits,
                               op.user_data, op.target, op.new_data, op.flags.bits,
                               uring_kernel_flags(op.op_flags, true), uring_kernel_flags(op.op_flags, false), step);
  if (err < 0) throw std::bad_alloc();
  if (err > 0) return failure(err);
  return Observation{};
}

Observation KernelExecutor::exec(const UringSubmit& op, std::size_t) {
  Ring* r = ring_of(op.ring);
  if (!r) return raw_enter(fd_of(op.ring), 0);
  const int ret = pc_ring_submit(&r->r);
  if (ret < 0) return failure(-ret);
  Observation obs;
  obs.ret = ret;
  return obs;
}

Observation KernelExecutor::exec(const UringReap& op, std::size_t) {
  Ring* r = ring_of(op.ring);
  if (!r) return raw_enter(fd_of(op.ring), IORING_ENTER_GETEVENTS);
  pc_cqe* cqes = nullptr;
  std::size_t n = 0;
  Observation obs;
  const int failed = pc_ring_reap(&r->r, op.wait, 0, kReapMaxCqes, &cqes, &n, &obs.err);
  for (std::size_t i = 0; i < n; ++i) obs.cqes.push_back(CqeObs{cqes[i].res, cqes[i].user_data, cqes[i].flags, cqes[i].digest});
  std::free(cqes);
  if (failed) throw std::bad_alloc();
  obs.ret = static_cast<std::int64_t>(obs.cqes.size());
  return obs;
}

}  // namespace pc
