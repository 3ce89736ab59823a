// Runs ops against the real kernel. Knows nothing of the oracle. Every descriptor it makes is
// non-blocking and owned (closed at teardown unless the trace closed it). Its own calls never
// block: waits use timeout 0, except timed_wait's bounded timeout and the waiter threads, whose
// blocking calls the waiter pool bounds and ends (kernel/waiter_pool.h).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include <map>
#include <memory>

#include "vocab/observation.h"
#include "vocab/ops.h"
#include "vocab/unique_fd.h"
#include "kernel/proc_file.h"
#include "repro/runtime/pc_inet.h"
#include "kernel/waiter_pool.h"

namespace pc {

// Where observations come from: the kernel, or a decorator around it (harness/mutant_executor.h).
class Executor {
 public:
  virtual ~Executor() = default;
  // step is the 1-based index of the op in its trace (it seeds write payloads).
  virtual Observation run(const Op& op, std::size_t step) = 0;
};

class KernelExecutor final : public Executor {
 public:
  KernelExecutor();   // ignores SIGPIPE for the process
  ~KernelExecutor();  // closes every descriptor still owned
  KernelExecutor(const KernelExecutor&) = delete;
  KernelExecutor& operator=(const KernelExecutor&) = delete;

  Observation run(const Op& op, std::size_t step) override;

  // The descriptor number a slot refers to (-1 if never bound or its creation failed).
  int fd_of(Handle h) const;
  // Descriptors of this process that are open right now (from /proc/self/fd).
  static std::set<int> open_fds();

 private:
  // One overload per op; run() dispatches to them.
  Observation exec(const MakePipe& op, std::size_t step);
  Observation exec(const MakeSocketPair& op, std::size_t step);
  Observation exec(const MakeEventFd& op, std::size_t step);
  Observation exec(const MakeFifo& op, std::size_t step);
  Observation exec(const MakeRegularFile& op, std::size_t step);
  Observation exec(const EpollCreate1& op, std::size_t step);
  Observation exec(const EpollCreate& op, std::size_t step);
  Observation exec(const Dup& op, std::size_t step);
  Observation exec(const DupFd& op, std::size_t step);
  Observation exec(const Close& op, std::size_t step);
  Observation exec(const Write& op, std::size_t step);
  Observation exec(const FillWrite& op, std::size_t step);
  Observation exec(const Read& op, std::size_t step);
  Observation exec(const Recv& op, std::size_t step);
  Observation exec(const SendOob& op, std::size_t step);
  Observation exec(const RecvOob& op, std::size_t step);
  Observation exec(const Shutdown& op, std::size_t step);
  Observation exec(const TcpListen& op, std::size_t step);  // kernel/executor_inet.cpp
  Observation exec(const TcpConnect& op, std::size_t step);
  Observation exec(const Accept& op, std::size_t step);
  Observation exec(const LingerZero& op, std::size_t step);
  Observation exec(const SoError& op, std::size_t step);
  Observation exec(const EpollCtl& op, std::size_t step);
  Observation exec(const EpollWait& op, std::size_t step);
  Observation exec(const Poll& op, std::size_t step);
  Observation exec(const Select& op, std::size_t step);
  Observation exec(const Waiters& op, std::size_t step);  // kernel/executor_waiters.cpp
  Observation exec(const JoinWaiters& op, std::size_t step);
  Observation exec(const TimedWait& op, std::size_t step);
  Observation exec(const Fanout& op, std::size_t step);  // kernel/executor_fanout.cpp
  Observation exec(const UringSetup& op, std::size_t step);  // kernel/executor_uring.cpp
  Observation exec(const UringPrep& op, std::size_t step);
  Observation exec(const UringSubmit& op, std::size_t step);
  Observation exec(const UringReap& op, std::size_t step);

  // A creator succeeded: owned_ takes fds[i] and slot outs[i] names it.
  Observation adopt(std::span<const OutHandle> outs, std::span<UniqueFd> fds);
  // A creator failed with `err`: every slot it names goes to -1.
  Observation creation_failed(std::span<const OutHandle> outs, int err);
  // The common case of a creator returning one descriptor or -1 (errno still intact).
  Observation adopt_one(OutHandle out, int fd);
  void bind(OutHandle h, int fd);

  // The rings this executor set up, by the descriptor io_uring_setup returned (a dup of it is
  // a plain descriptor: the mapping belongs to the original). kernel/executor_uring.cpp.
  struct Ring;
  struct RingDeleter {
    void operator()(Ring* r) const;
  };
  using RingPtr = std::unique_ptr<Ring, RingDeleter>;
  Ring* ring_of(Handle h);
  // Unmaps the ring behind fd, if fd is one; close() then closes the descriptor itself.
  void forget_ring(int fd);

  // TCP and UDP over loopback (kernel/executor_inet.cpp).
  struct InetPair {
    UniqueFd a, b;
    int err = 0;
    static InetPair failed(int e) {
      InetPair p;
      p.err = e ? e : EIO;
      return p;
    }
  };
  struct InetSock {
    SockType type = SockType::Tcp;
    std::uint64_t peer = 0;  // the inode of the other end (0: not accepted yet)
    std::uint16_t port = 0;  // a connecting socket's local port, to pair it at accept
  };
  Observation make_inet_pair(const MakeSocketPair& op);
  static InetPair make_inet_sockets(SockType type);
  std::vector<pc_inet_sock> inet_socks();
  std::uint64_t cached_inode(int fd);
  // Waits, bounded, until loopback traffic has settled; false if it did not.
  bool settle_inet();

  // epoll_wait's buffer for a maxevents: cut to what any epoll in the process could report.
  static std::size_t epoll_entries(std::int32_t maxevents);

  int slots_[kMaxHandles];
  WaiterPool waiters_;
  std::map<int, RingPtr> rings_;
  std::vector<RingPtr> retired_;  // unmapped, kept for the buffers of requests still in flight
  std::set<int> owned_;  // descriptors this executor opened and nobody closed yet
  std::map<std::uint64_t, InetSock> inet_;  // TCP and UDP sockets made, by inode
  std::map<int, std::uint64_t> inode_cache_;  // owned descriptor -> its inode (settling)
  // /proc/net/tcp and snmp, read while settling.
  struct InetProcFiles {
    pc_inet_proc files;
    InetProcFiles() { pc_inet_proc_init(&files); }
    ~InetProcFiles() { pc_inet_proc_close(&files); }
    InetProcFiles(const InetProcFiles&) = delete;
    InetProcFiles& operator=(const InetProcFiles&) = delete;
  };
  InetProcFiles inet_proc_;
};

}  // namespace pc
