#include "oracle/accounting.h"

namespace pc {
namespace {
// The nominal stand-ins: pipe(7)'s default capacity of 16 pages; an skb charged its payload plus
// a fixed overhead, so that anything queued keeps its sender's count above zero (what makes
// writability a capacity question at all, Model::capacity_slack); one stream skb at most 32 KiB.
constexpr std::uint32_t kNominalPipeSlots = 16;
constexpr std::uint32_t kNominalSkbOverhead = 256;
constexpr std::uint32_t kNominalStreamSkbMax = 32 * 1024;
}  // namespace

std::uint32_t Accounting::pipe_slots() const {
  return exact_ ? params_->pipe_slots() : kNominalPipeSlots;
}

std::uint32_t Accounting::skb_truesize(SockType type, std::uint32_t payload) const {
  return exact_ ? params_->skb_truesize(type, payload) : payload + kNominalSkbOverhead;
}

std::uint32_t Accounting::unix_stream_max_skb() const {
  return exact_ ? params_->unix_stream_max_skb() : kNominalStreamSkbMax;
}

}  // namespace pc
