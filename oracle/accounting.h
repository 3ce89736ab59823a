// Buffer accounting: how much a pipe or an AF_UNIX socket holds before it is full. The linux
// profile judges it exactly, from the parameters this kernel was measured to have; compat and
// doc do not (no man page fixes it, and re-implementations of Linux count bytes, not skbs or
// pages), so the model counts with nominal stand-ins that are never measured and follows the
// byte counts the implementation chose (Model::apply with an observation).
#pragma once

#include <cstdint>

#include "oracle/params.h"
#include "vocab/ops.h"

namespace pc {

class Accounting {
 public:
  Accounting(LearnedParams& params, bool exact) : params_(&params), exact_(exact) {}
  // Whether capacity outcomes are predicted exactly (linux) or admitted as sets (compat, doc).
  bool exact() const { return exact_; }
  std::uint32_t pipe_slots() const;
  std::uint32_t skb_truesize(SockType type, std::uint32_t payload) const;
  std::uint32_t unix_stream_max_skb() const;

 private:
  LearnedParams* params_;
  bool exact_;
};

}  // namespace pc
