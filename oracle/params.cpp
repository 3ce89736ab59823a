#include "oracle/params.h"

#include <algorithm>
#include <atomic>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "oracle/history.h"
#include "oracle/unmodeled.h"
#include "vocab/observation.h"
#include "vocab/uring_opcodes.h"

namespace pc {

// A stand-in for unit tests, close to what x86_64 6.x kernels charge: one sk_buff (256) plus a
// kmalloc'd head rounded to a power of two, plus whole pages for the fragment part.
std::uint32_t FixedParams::skb_truesize(SockType type, std::uint32_t payload) {
  if (counts_bytes) return payload;
  const std::uint32_t head_max = type == SockType::Stream ? 3776 : 16064;
  const std::uint32_t frag = payload > head_max ? payload - head_max : 0;
  const std::uint32_t frag_pages = (frag + 4095) / 4096 * 4096;
  const std::uint32_t head = payload - (frag_pages < payload ? frag_pages : payload);
  std::uint32_t alloc = 512;
  while (alloc < ((head + 63) / 64 * 64) + 320) alloc *= 2;
  return 256 + alloc + frag_pages;
}

std::uint32_t LearnedParams::check(const std::string& name, std::uint32_t v, std::uint64_t lo,
                                   std::uint64_t hi) {
  if (v >= lo && v <= hi) return v;
  const std::string msg =
      v == 0 ? fmt::format("{} could not be measured (expected a value in [{}, {}])", name, lo, hi)
             : fmt::format("{} = {} lies outside its documented bounds [{}, {}]", name, v, lo, hi);
  if (out_of_bounds_.emplace(name, msg).second) violations_.push_back(msg);
  throw Unmodeled(msg, /*missing=*/true);
}

void LearnedParams::throw_if_out_of_bounds(const std::string& name) const {
  if (const auto it = out_of_bounds_.find(name); it != out_of_bounds_.end())
    throw Unmodeled(it->second, /*missing=*/true);
}

std::uint32_t LearnedParams::page_size() {
  // getpagesize(2): a power of two; 4 KiB to 64 KiB on the architectures Linux runs on.
  throw_if_out_of_bounds("page_size");
  if (!page_) page_ = check("page_size", src_->page_size(), 4096, 65536);
  return *page_;
}

std::uint32_t LearnedParams::pipe_slots() {
  // pipe(7): capacity is a power-of-two number of pages, at least one page (default 16).
  throw_if_out_of_bounds("pipe_capacity");
  if (!pipe_) {
    const std::uint32_t bytes = check("pipe_capacity", src_->pipe_capacity(), page_size(), 1u << 20);
    pipe_ = bytes / page_size();
  }
  return *pipe_;
}

std::uint32_t LearnedParams::unix_sndbuf() {
  // socket(7): SO_SNDBUF minimum 2048 (doubled: 4608 with overhead), wmem_max bounds the top.
  throw_if_out_of_bounds("unix_sndbuf");
  if (!sndbuf_) sndbuf_ = check("unix_sndbuf", src_->unix_sndbuf(), 4608, 1u << 30);
  return *sndbuf_;
}

std::uint32_t LearnedParams::skb_truesize(SockType type, std::uint32_t payload) {
  auto key = std::make_pair(type, payload);
  auto it = truesize_.find(key);
  if (it != truesize_.end()) return it->second;
  const std::string name = fmt::format("skb_truesize({}, {})", enum_name(type), payload);
  throw_if_out_of_bounds(name);
  // An skb costs its payload plus struct sk_buff and skb_shared_info; a kmalloc'd head can
  // round up to twice its size.
  const std::uint32_t v = check(name, src_->skb_truesize(type, payload),
                                std::uint64_t{payload} + 256, 2ull * payload + 4 * 4096 + 1024);
  truesize_[key] = v;
  truesize_order_.push_back({type, payload, v});
  return v;
}

void LearnedParams::adopt(const LearnedTruesize& t) {
  if (truesize_.emplace(std::make_pair(t.type, t.payload), t.truesize).second) truesize_order_.push_back(t);
}

std::optional<KernelRelease> LearnedParams::release() {
  if (!release_text_) {
    release_text_ = src_->kernel_release();
    release_ = parse_kernel_release(*release_text_);
  }
  return release_;
}

std::uint32_t LearnedParams::nofile_limit() {
  throw_if_out_of_bounds("nofile_limit");
  if (!nofile_) nofile_ = check("nofile_limit", src_->nofile_limit(), 3, 1u << 30);
  return *nofile_;
}

std::uint32_t LearnedParams::unix_stream_max_skb() {
  throw_if_out_of_bounds("unix_stream_skb_max");
  if (!max_skb_) {
    const std::uint32_t cap = unix_sndbuf() / 2 - 64;
    max_skb_ = check("unix_stream_skb_max", src_->unix_stream_skb_max(), 1024,
                     cap < 65536 ? cap : 65536);
  }
  return *max_skb_;
}

bool LearnedParams::Calibration::leaves_out(std::string_view mechanism) const {
  return std::any_of(left_out.begin(), left_out.end(),
                     [&](const LeftOut& l) { return l.mechanism == mechanism; });
}

LearnedParams::Calibration LearnedParams::calibrate(Profile profile) {
  // "" when every parameter `learn` asks for lies within its bounds, else the first that did not.
  auto first_violation = [](auto&& learn) -> std::string {
    try {
      learn();
      return {};
    } catch (const Unmodeled& u) {
      return u.what();
    }
  };
  const bool accounting = judges_accounting(profile);
  Calibration c;
  const std::string core = first_violation([&] {
    page_size();
    nofile_limit();
    if (accounting) pipe_slots();
  });
  if (!core.empty()) c.fatal = core;
  const std::string unix_why = first_violation([&] {
    unix_sndbuf();
    if (!accounting) return;
    // A payload within one page and one of a page: the head-only and the page-fragment skb.
    for (SockType t : {SockType::Stream, SockType::Dgram, SockType::Seqpacket})
      for (std::uint32_t payload : {1u, 4096u}) skb_truesize(t, payload);
    unix_stream_max_skb();
  });
  if (!unix_why.empty())
    c.left_out.push_back(
        {"unix", accounting ? unix_why + "; that is Linux's own accounting, which only the linux "
                                         "profile judges (--profile compat judges Linux's "
                                         "semantics without it)"
                            : unix_why});
  if (const std::string& why = uring_unavailable(); !why.empty()) c.left_out.push_back({"io_uring", why});
  if (const std::string& why = inet_unavailable(); !why.empty()) c.left_out.push_back({"inet", why});
  if (const std::string& why = fifo_unavailable(); !why.empty()) c.left_out.push_back({"fifo", why});
  if (const std::string& why = waiters_unavailable(); !why.empty()) c.left_out.push_back({"waiters", why});
  return c;
}

namespace {
std::atomic<bool> g_uring_probed{false};
}  // namespace

bool LearnedParams::uring_probed() { return g_uring_probed.load(); }

const std::string& LearnedParams::uring_unavailable() {
  if (!uring_) {
    // io_uring_setup(2): features is a bit mask; bits beyond 31 cannot be reported.
    const std::int64_t v = src_->uring_features();
    uring_ = v;
    if (v >= 0) g_uring_probed = true;
    if (v < 0) {
      uring_why_ = fmt::format("io_uring_setup is refused: {}", errno_text(static_cast<int>(-v)));
    } else {
      for (const UringFeatureName& f : kNeededUringFeatures)
        if (!(v & f.bit)) {
          uring_why_ = fmt::format("the kernel lacks {}", f.name);
          break;
        }
      for (const UringOpcodeInfo& op : kUringOpcodes)
        if (uring_why_.empty() && !src_->uring_opcode_supported(op.kernel))
          uring_why_ = fmt::format("the opcode probe lacks {}", op.kernel_name);
    }
  }
  return uring_why_;
}

std::uint32_t LearnedParams::uring_features() {
  uring_unavailable();
  return *uring_ > 0 ? static_cast<std::uint32_t>(*uring_) : 0;
}

const std::string& LearnedParams::inet_unavailable() {
  if (!inet_why_) inet_why_ = src_->inet_unavailable();
  return *inet_why_;
}

const std::string& LearnedParams::fifo_unavailable() {
  if (!fifo_why_) fifo_why_ = src_->fifo_unavailable();
  return *fifo_why_;
}

const std::string& LearnedParams::waiters_unavailable() {
  if (!waiters_why_) waiters_why_ = src_->waiters_unavailable();
  return *waiters_why_;
}

std::vector<std::string> LearnedParams::report() const {
  std::vector<std::string> out;
  if (page_) out.push_back(fmt::format("page_size={}", *page_));
  if (pipe_) out.push_back(fmt::format("pipe_slots={}", *pipe_));
  if (sndbuf_) out.push_back(fmt::format("unix_sndbuf={}", *sndbuf_));
  if (max_skb_) out.push_back(fmt::format("unix_stream_skb_max={}", *max_skb_));
  if (nofile_) out.push_back(fmt::format("nofile_limit={}", *nofile_));
  if (uring_)
    out.push_back(*uring_ >= 0 ? fmt::format("uring_features={:#x}{}", *uring_,
                                              uring_why_.empty() ? "" : " (" + uring_why_ + ")")
                               : "uring_features: " + uring_why_);
  if (inet_why_) out.push_back(inet_why_->empty() ? "inet: TCP and UDP over loopback in a private network namespace"
                                                  : "inet: left out (" + *inet_why_ + ")");
  if (fifo_why_ && !fifo_why_->empty()) out.push_back("fifo: left out (" + *fifo_why_ + ")");
  if (waiters_why_ && !waiters_why_->empty()) out.push_back("waiters: left out (" + *waiters_why_ + ")");
  if (release_text_) {
    const std::vector<std::string> differing = changes_differing(release_);
    out.push_back(fmt::format("release={}{}", release_text_->empty() ? "(none)" : *release_text_,
                              !release_ ? " (not X.Y: predicted as this profile in every documented change)"
                              : differing.empty()
                                  ? ""
                                  : fmt::format(" (predicted unlike this profile: {})", fmt::join(differing, ", "))));
  }
  // Truesize as runs of payload sizes that cost the same: "stream 1..192 -> 768".
  for (auto it = truesize_.begin(); it != truesize_.end();) {
    auto end = it;
    while (end != truesize_.end() && end->first.first == it->first.first && end->second == it->second)
      ++end;
    const auto last = std::prev(end);
    out.push_back(fmt::format("skb_truesize {} {}..{} -> {} ({} sizes seen)",
                              enum_name(it->first.first), it->first.second,
                              last->first.second, it->second, std::distance(it, end)));
    it = end;
  }
  for (const std::string& v : violations_) out.push_back("out of bounds, not used: " + v);
  return out;
}

}  // namespace pc
