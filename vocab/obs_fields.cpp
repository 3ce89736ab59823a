#include "vocab/obs_fields.h"

#include <variant>

namespace pc {
namespace {

// No definition for the primary template: a new op must get its row here.
template <class T>
constexpr std::uint16_t kFills = T::kObservedFieldsNotInTheTable;

template <> constexpr std::uint16_t kFills<MakePipe> = kObsFds;
template <> constexpr std::uint16_t kFills<MakeSocketPair> = kObsFds;
template <> constexpr std::uint16_t kFills<MakeEventFd> = kObsFds;
template <> constexpr std::uint16_t kFills<MakeRegularFile> = kObsFds;
template <> constexpr std::uint16_t kFills<EpollCreate1> = kObsFds;
template <> constexpr std::uint16_t kFills<EpollCreate> = kObsFds;
template <> constexpr std::uint16_t kFills<Dup> = kObsFds;
template <> constexpr std::uint16_t kFills<DupFd> = kObsFds;
template <> constexpr std::uint16_t kFills<Close> = 0;
template <> constexpr std::uint16_t kFills<Write> = 0;
template <> constexpr std::uint16_t kFills<FillWrite> = kObsWrites | kObsAlways;
template <> constexpr std::uint16_t kFills<Read> = kObsDigest;
template <> constexpr std::uint16_t kFills<Recv> = kObsDigest;
template <> constexpr std::uint16_t kFills<SendOob> = 0;
template <> constexpr std::uint16_t kFills<RecvOob> = kObsDigest;
template <> constexpr std::uint16_t kFills<Shutdown> = 0;
template <> constexpr std::uint16_t kFills<TcpListen> = kObsFds;
template <> constexpr std::uint16_t kFills<TcpConnect> = kObsFds;
template <> constexpr std::uint16_t kFills<Accept> = kObsFds;
template <> constexpr std::uint16_t kFills<LingerZero> = 0;
template <> constexpr std::uint16_t kFills<SoError> = 0;
template <> constexpr std::uint16_t kFills<EpollCtl> = 0;
template <> constexpr std::uint16_t kFills<EpollWait> = kObsEvents;
template <> constexpr std::uint16_t kFills<Poll> = kObsRevents | kObsClobbered;
template <> constexpr std::uint16_t kFills<Select> = kObsSets | kObsTimeout;
template <> constexpr std::uint16_t kFills<Waiters> = 0;
template <> constexpr std::uint16_t kFills<JoinWaiters> = 0;
template <> constexpr std::uint16_t kFills<TimedWait> = kObsEarly;  // and its api's result, below
template <> constexpr std::uint16_t kFills<Fanout> = kObsFds | kObsDigest | kObsWrites | kObsAlways;
template <> constexpr std::uint16_t kFills<UringSetup> = kObsFds | kObsRing;
template <> constexpr std::uint16_t kFills<UringPrep> = 0;
template <> constexpr std::uint16_t kFills<UringSubmit> = 0;
template <> constexpr std::uint16_t kFills<UringReap> = kObsCqes;
template <> constexpr std::uint16_t kFills<MakeFifo> = kObsFds;

}  // namespace

ObsFields observed_fields(const Op& op) {
  return std::visit(
      [](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        std::uint16_t bits = kFills<T>;
        if constexpr (std::is_same_v<T, TimedWait>) {
          if (o.api == WaitApi::Epoll) bits |= kObsEvents;
          if (o.api == WaitApi::Poll) bits |= kObsRevents;
        }
        return ObsFields{bits};
      },
      op);
}

}  // namespace pc
