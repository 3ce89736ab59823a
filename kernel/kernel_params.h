// The ParamSource the real runs use: measures each parameter on scratch objects of its own
// (never on the executor's descriptors), closes them at once, and remembers the answer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "vocab/ops.h"
#include "vocab/param_source.h"

namespace pc {

// A failed measurement returns 0 and is not remembered; LearnedParams reports it as out of bounds.
class KernelParams final : public ParamSource {
 public:
  std::uint32_t page_size() override;
  std::uint32_t pipe_capacity() override;
  std::uint32_t unix_sndbuf() override;
  std::uint32_t skb_truesize(SockType type, std::uint32_t payload) override;
  std::uint32_t nofile_limit() override;
  std::uint32_t unix_stream_skb_max() override;
  std::int64_t uring_features() override;
  std::string kernel_release() override;
  bool uring_opcode_supported(std::uint8_t opcode) override;
  std::string inet_unavailable() override;
  std::string fifo_unavailable() override;
  std::string waiters_unavailable() override;

 private:
  std::optional<std::uint32_t> page_, pipe_, sndbuf_, nofile_, skb_max_;
  std::optional<std::int64_t> uring_;
  std::optional<std::vector<bool>> opcodes_;  // by opcode, from the probe
  std::map<std::pair<SockType, std::uint32_t>, std::uint32_t> truesize_;
};

}  // namespace pc
