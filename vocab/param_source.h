// The named implementation-defined parameters, as a question the oracle may ask: the kernel side
// answers it by measuring (kernel/kernel_params.h), a unit test from a table (oracle/params.h
// FixedParams). Part of the vocabulary because both sides speak it and neither owns it.
#pragma once

#include <cstdint>
#include <string>

#include "vocab/ops.h"

namespace pc {

// Where learned values come from: a kernel probe on scratch objects (kernel/kernel_params.h) or a
// fixed table (unit tests). The oracle never sees a descriptor, only these numbers.
class ParamSource {
 public:
  virtual ~ParamSource() = default;
  virtual std::uint32_t page_size() = 0;      // sysconf(_SC_PAGESIZE)
  virtual std::uint32_t pipe_capacity() = 0;  // F_GETPIPE_SZ of a new pipe, in bytes
  virtual std::uint32_t unix_sndbuf() = 0;    // SO_SNDBUF of a new AF_UNIX socket
  // The truesize one AF_UNIX skb of `payload` bytes charges to its sender (SIOCOUTQ after one
  // send on a scratch pair). For stream sockets payload is at most one skb's worth.
  virtual std::uint32_t skb_truesize(SockType type, std::uint32_t payload) = 0;
  virtual std::uint32_t nofile_limit() = 0;   // RLIMIT_NOFILE (soft)
  // The payload of the first skb of a large stream send (unix_stream_sendmsg caps one skb at
  // min(sndbuf/2 - 64, SKB_MAX_HEAD(0) + 32 KiB), which depends on the kernel's build).
  virtual std::uint32_t unix_stream_skb_max() = 0;
  // io_uring_params.features of a scratch ring (io_uring_setup(1)), or -errno when the kernel
  // refuses io_uring (ENOSYS, or EPERM under kernel.io_uring_disabled or a seccomp filter).
  virtual std::int64_t uring_features() = 0;
  // Whether the opcode probe (IORING_REGISTER_PROBE) of a scratch ring lists the opcode as
  // supported; false when the probe itself fails.
  virtual bool uring_opcode_supported(std::uint8_t opcode) = 0;
  // "" when TCP and UDP can run over loopback in the harness's own network namespace, else
  // why not (a feature of the environment, like io_uring's).
  virtual std::string inet_unavailable() = 0;
  // "" when the harness can make FIFOs (a private folder under $TMPDIR or /tmp, and mkfifo in
  // it), else why not.
  virtual std::string fifo_unavailable() = 0;
  // "" when waiter threads can be settled soundly after every op (the settle signal probed at
  // start-up, repro/runtime/pc_waiters.h), else why not.
  virtual std::string waiters_unavailable() = 0;
  // The release the implementation reports (uname -r, with the Debian package's version where
  // uname -v names one: "6.1.0-57-amd64 (Debian 6.1.192-3)"; gVisor "4.4.0"): which of Linux's
  // documented changes of behaviour it is predicted to have (oracle/history.h).
  virtual std::string kernel_release() = 0;
};

}  // namespace pc
