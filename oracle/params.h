// The implementation-defined parameters the oracle may learn, and nothing else. Each is learned
// once, checked against its documented bounds, and reported; everything else is predicted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oracle/history.h"
#include "vocab/abi.h"
#include "vocab/ops.h"
#include "vocab/param_source.h"
#include "vocab/trace.h"

namespace pc {

// Values a unit test can pin: what this kernel reports on x86_64 with default sysctls.
class FixedParams final : public ParamSource {
 public:
  std::uint32_t page = 4096, pipe = 65536, sndbuf = 212992, nofile = 1024;
  // An implementation that counts queued bytes, not skbs (gVisor's SIOCOUTQ): truesize = payload.
  bool counts_bytes = false;
  std::uint32_t page_size() override { return page; }
  std::uint32_t pipe_capacity() override { return pipe; }
  std::uint32_t unix_sndbuf() override { return sndbuf; }
  std::uint32_t skb_truesize(SockType type, std::uint32_t payload) override;
  std::uint32_t nofile_limit() override { return nofile; }
  std::uint32_t unix_stream_skb_max() override { return 36544; }
  std::int64_t uring = 0x3ffff;  // what 6.18 reports
  std::int64_t uring_features() override { return uring; }
  bool uring_opcode_supported(std::uint8_t) override { return true; }
  std::string inet_why;
  std::string inet_unavailable() override { return inet_why; }
  std::string fifo_why;
  std::string fifo_unavailable() override { return fifo_why; }
  std::string waiters_why;
  std::string waiters_unavailable() override { return waiters_why; }
  std::string release;  // "": unknown, every documented change predicted as made
  std::string kernel_release() override { return release; }
};

// The io_uring features the oracle relies on; a kernel without one of them gets its io_uring
// ops skipped, with the missing feature named (and a reproducer with io_uring steps checks them
// first). (vocab/abi.h kUringFeat*)
struct UringFeatureName {
  std::uint32_t bit;
  const char* name;
};
inline constexpr UringFeatureName kNeededUringFeatures[] = {
    {kUringFeatNodrop, "IORING_FEAT_NODROP"},       {kUringFeatRwCurPos, "IORING_FEAT_RW_CUR_POS"},
    {kUringFeatFastPoll, "IORING_FEAT_FAST_POLL"},  {kUringFeatPoll32, "IORING_FEAT_POLL_32BITS"},
    {kUringFeatExtArg, "IORING_FEAT_EXT_ARG"},
};

// One skb truesize learned: what a write of `payload` bytes charged on a socket of `type`.
struct LearnedTruesize {
  SockType type;
  std::uint32_t payload = 0, truesize = 0;
  friend bool operator==(const LearnedTruesize&, const LearnedTruesize&) = default;
};

// A mechanism the harness leaves out of a run because a parameter it needs under the chosen
// profile could not be learned within its documented bounds, or a feature it needs is missing.
struct LeftOut {
  std::string mechanism;  // one of kMechanisms' names
  std::string reason;     // what was measured and what was expected
  friend bool operator==(const LeftOut&, const LeftOut&) = default;
};

// The mechanisms a run can leave out (and `run --require` can insist on), by name.
inline constexpr std::string_view kMechanisms[] = {"select", "poll",  "epoll",  "io_uring",
                                                   "inet",   "fifo",  "unix",   "waiters"};
// Those that watch descriptors for readiness: a campaign keeps at least one.
inline constexpr std::string_view kWatchingMechanisms[] = {"select", "poll", "epoll", "io_uring"};
// Other names the command line takes for them.
struct MechanismAlias {
  std::string_view alias, mechanism;
};
inline constexpr MechanismAlias kMechanismAliases[] = {{"uring", "io_uring"}, {"threads", "waiters"}};

// The cache in front of a ParamSource: learns each value once, bound-checks it, and reports.
// A value outside its bounds is never used: asking for it again throws the same Unmodeled (a
// missing feature), so the op that needs it is skipped on both sides, never judged.
class LearnedParams {
 public:
  explicit LearnedParams(ParamSource& src) : src_(&src) {}
  std::uint32_t page_size();
  std::uint32_t pipe_slots();  // capacity / page size
  std::uint32_t unix_sndbuf();
  std::uint32_t skb_truesize(SockType type, std::uint32_t payload);
  std::uint32_t nofile_limit();
  std::uint32_t unix_stream_max_skb();
  // "" when io_uring is usable as the oracle models it, else why not ("io_uring_setup is
  // refused: EPERM", "the kernel lacks IORING_FEAT_EXT_ARG").
  const std::string& uring_unavailable();
  std::uint32_t uring_features();
  // Whether io_uring was probed in this process (by any LearnedParams): a scratch ring was
  // made and closed, and rings may follow, so io_uring task work (a closed ring's exit work)
  // may reach the harness's thread at any time (X-EINTR-NOTIFY).
  static bool uring_probed();
  // "" when TCP and UDP pairs can be made (ParamSource::inet_unavailable), else why not.
  const std::string& inet_unavailable();
  // "" when FIFOs can be made (ParamSource::fifo_unavailable), else why not.
  const std::string& fifo_unavailable();
  // "" when waiter threads settle soundly (ParamSource::waiters_unavailable), else why not.
  const std::string& waiters_unavailable();
  // The release the implementation reports (parse_kernel_release); nullopt when it does not
  // start with MAJOR.MINOR, and then it is predicted to behave as the profile in every
  // documented change of behaviour (oracle/history.h).
  std::optional<KernelRelease> release();

  // Learns every parameter the profile relies on, on scratch objects, before any sequence runs:
  // the mechanisms whose parameters fell outside their bounds (or are missing) are left out,
  // each with its reason. Parameters that no mechanism can do without (the page size, the pipe
  // capacity the linux profile counts in, RLIMIT_NOFILE) are `fatal`: nothing can be judged.
  struct Calibration {
    std::vector<LeftOut> left_out;
    std::optional<std::string> fatal;
    bool leaves_out(std::string_view mechanism) const;
  };
  Calibration calibrate(Profile profile);

  // The truesizes learned so far, in the order learned: learned_truesizes().size() is a mark,
  // and the entries after it are what was learned since.
  const std::vector<LearnedTruesize>& learned_truesizes() const { return truesize_order_; }
  // A truesize another LearnedParams over the same implementation learned (a campaign's worker
  // process): reported as if learned here. A value learned here already is kept.
  void adopt(const LearnedTruesize& t);

  // Every value that fell outside its documented bounds, once each, in the order seen.
  const std::vector<std::string>& violations() const { return violations_; }
  std::vector<std::string> report() const;

 private:
  // v, or throws Unmodeled(missing feature) naming the bounds when it lies outside them.
  std::uint32_t check(const std::string& name, std::uint32_t v, std::uint64_t lo, std::uint64_t hi);
  void throw_if_out_of_bounds(const std::string& name) const;
  ParamSource* src_;
  std::optional<std::uint32_t> page_, pipe_, sndbuf_, nofile_, max_skb_;
  std::optional<std::int64_t> uring_;
  std::string uring_why_;
  std::optional<std::string> inet_why_, fifo_why_, waiters_why_;
  std::optional<std::string> release_text_;
  std::optional<KernelRelease> release_;
  std::map<std::pair<SockType, std::uint32_t>, std::uint32_t> truesize_;
  std::vector<LearnedTruesize> truesize_order_;
  std::map<std::string, std::string> out_of_bounds_;  // by parameter name: the message thrown
  std::vector<std::string> violations_;
};

}  // namespace pc
