// A ParamSource that answers every question from another one: a test derives from it and
// overrides only the answer it wants to change (a missing opcode, no waiter settle signal).
#pragma once

#include <cstdint>
#include <string>

#include "vocab/param_source.h"

namespace pc {

class ForwardingParams : public ParamSource {
 public:
  explicit ForwardingParams(ParamSource& inner) : inner_(&inner) {}
  std::uint32_t page_size() override { return inner_->page_size(); }
  std::uint32_t pipe_capacity() override { return inner_->pipe_capacity(); }
  std::uint32_t unix_sndbuf() override { return inner_->unix_sndbuf(); }
  std::uint32_t skb_truesize(SockType t, std::uint32_t n) override { return inner_->skb_truesize(t, n); }
  std::uint32_t nofile_limit() override { return inner_->nofile_limit(); }
  std::uint32_t unix_stream_skb_max() override { return inner_->unix_stream_skb_max(); }
  std::int64_t uring_features() override { return inner_->uring_features(); }
  bool uring_opcode_supported(std::uint8_t op) override { return inner_->uring_opcode_supported(op); }
  std::string inet_unavailable() override { return inner_->inet_unavailable(); }
  std::string fifo_unavailable() override { return inner_->fifo_unavailable(); }
  std::string waiters_unavailable() override { return inner_->waiters_unavailable(); }
  std::string kernel_release() override { return inner_->kernel_release(); }

 private:
  ParamSource* inner_;
};

}  // namespace pc
