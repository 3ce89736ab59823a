#include "gen/traffic_decoder.h"

#include <poll.h>
#include <sys/epoll.h>

#include <array>
#include <vector>

#include "gen/fuzz_decoder.h"

namespace pc {
namespace {

constexpr Handle kEnd[2] = {Handle{0}, Handle{1}};
constexpr Handle kLt{2}, kEt{3}, kRing{4};
constexpr std::uint16_t kPollAll = POLLIN | POLLOUT | POLLPRI | POLLRDHUP | POLLRDNORM | POLLWRNORM;
constexpr std::uint32_t kEpollAll = EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP;
// Far more than any pair can hold unread in these sizes: the final read takes all of it.
constexpr std::uint32_t kDrainLen = 1u << 17;

class TrafficBuilder {
 public:
  explicit TrafficBuilder(ByteChooser& c) : c_(c) {}

  Trace build() {
    type_ = static_cast<SockType>(c_.pick(0, static_cast<int>(SockType::Udp)));
    add(MakeSocketPair{type_, OutHandle{0}, OutHandle{1}});
    for (const Handle ep : {kLt, kEt}) {
      add(EpollCreate1{0, OutHandle{ep.slot}});
      const std::uint32_t mode = ep == kEt ? EPOLLET : 0u;
      for (int e = 0; e < 2; ++e)
        add(EpollCtl{ep, CtlOp::Add, kEnd[e], EpollMask{kEpollAll | mode}, static_cast<std::uint64_t>(e)});
    }
    add(UringSetup{8, {}, 0, OutHandle{kRing.slot}});
    check();
    for (std::size_t i = 0; i < kTrafficMaxSteps && !c_.exhausted(); ++i) {
      step();
      check();
    }
    for (int e = 0; e < 2; ++e)
      if (open_[e]) {
        add(Read{kEnd[e], kDrainLen});
        if (type_ == SockType::Dgram || type_ == SockType::Seqpacket || type_ == SockType::Udp)
          for (int k = 0; k < 8; ++k) add(Read{kEnd[e], kDrainLen});
      }
    check();
    return std::move(trace_);
  }

 private:
  void add(Op op) { trace_.steps.push_back(Step{{}, std::move(op), {}}); }

  int end() { return static_cast<int>(c_.pick(0, 1)); }

  // Mostly small chunks, sometimes a page or more, so that stream writes split into skbs.
  std::uint32_t chunk() {
    switch (c_.pick(0, 3)) {
      case 0: return static_cast<std::uint32_t>(c_.pick(0, 16));
      case 1: return static_cast<std::uint32_t>(c_.pick(1, 256));
      case 2: return static_cast<std::uint32_t>(c_.pick(1, 1500));
      default: return static_cast<std::uint32_t>(c_.pick(1, 4096));
    }
  }

  void step() {
    const int e = end();
    const Handle h = kEnd[e];
    switch (c_.pick(0, 7)) {
      case 0: case 1: case 2: {
        const std::uint32_t len = chunk();
        add(Write{h, len, c_.pick(0, UINT64_MAX)});
        return;
      }
      case 3: case 4:
        add(Read{h, chunk()});
        return;
      case 5:
        add(Recv{h, chunk(), true});
        return;
      case 6:
        add(Shutdown{h, static_cast<ShutHow>(c_.pick(0, 2))});
        return;
      default:
        if (!open_[e]) return;
        add(Close{h});
        open_[e] = false;
        return;
    }
  }

  void check() {
    std::vector<PollEntry> entries;
    HandleList ends;
    for (int e = 0; e < 2; ++e)
      if (open_[e]) {
        entries.push_back(PollEntry{PollTarget{static_cast<std::int8_t>(e)}, PollMask{kPollAll}});
        ends.push_back(kEnd[e]);
      }
    if (!entries.empty()) {
      add(Poll{entries, 0});
      add(Select{ends, ends, ends, Nfds{}});
    }
    add(EpollWait{kLt, 4});
    add(EpollWait{kEt, 4});
    if (ends.empty()) return;
    for (const Handle h : ends) {
      UringPrep p;
      p.ring = kRing;
      p.opcode = UringOpcode::PollAdd;
      p.fd = h;
      p.mask = PollMask{kPollAll};
      p.user_data = next_ud_ + h.slot;
      add(p);
    }
    add(UringSubmit{kRing});
    add(UringReap{kRing, 0});
    // The polls that did not fire leave with a remove, so the next check starts clean.
    for (const Handle h : ends) {
      UringPrep p;
      p.ring = kRing;
      p.opcode = UringOpcode::PollRemove;
      p.target = next_ud_ + h.slot;
      p.user_data = next_ud_ + 2 + h.slot;
      add(p);
    }
    add(UringSubmit{kRing});
    add(UringReap{kRing, 0});
    next_ud_ += 4;
  }

  ByteChooser& c_;
  SockType type_ = SockType::Stream;
  std::array<bool, 2> open_{true, true};
  std::uint64_t next_ud_ = 1;
  Trace trace_;
};

}  // namespace

Trace decode_traffic_input(std::span<const std::uint8_t> bytes) {
  // Version 1 is the only one so far: every first byte decodes with it.
  ByteChooser chooser(bytes.empty() ? bytes : bytes.subspan(1));
  return TrafficBuilder(chooser).build();
}

}  // namespace pc
