// The operation vocabulary: every consumer (text format, generator, executor, oracle, C emitter)
// speaks these structs. Each op names its fields once in fields(); generic code walks them.
//
// Ops name descriptors by Handle (a slot), never by fd number, so that a shrunk sequence stays
// well-formed: a slot nobody created yet refers to no descriptor (-1, hence EBADF).
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

namespace pc {

inline constexpr int kMaxHandles = 16;

struct Handle {
  std::uint8_t slot = 0;
  friend bool operator==(Handle, Handle) = default;
};

// A slot the op (re)binds to the descriptor it creates.
struct OutHandle {
  std::uint8_t slot = 0;
  friend bool operator==(OutHandle, OutHandle) = default;
};

// epoll_event.events bits as the caller passes them (valid and invalid combinations alike).
struct EpollMask {
  std::uint32_t bits = 0;
  friend bool operator==(EpollMask, EpollMask) = default;
};

// pollfd.events / revents bits.
struct PollMask {
  std::uint16_t bits = 0;
  friend bool operator==(PollMask, PollMask) = default;
};

enum class SockType : std::uint8_t { Stream, Dgram, Seqpacket };
enum class CtlOp : std::uint8_t { Add, Mod, Del, Invalid };
enum class ShutHow : std::uint8_t { Rd, Wr, RdWr, Invalid };

// A poll entry names a handle, or a literal negative fd (which poll must ignore).
struct PollTarget {
  std::int8_t value = 0;  // >= 0: handle slot; < 0: that literal fd number
  bool is_handle() const { return value >= 0; }
  Handle handle() const { return Handle{static_cast<std::uint8_t>(value)}; }
  friend bool operator==(PollTarget, PollTarget) = default;
};

struct PollEntry {
  PollTarget target;
  PollMask events;
  friend bool operator==(const PollEntry&, const PollEntry&) = default;
};

// select's nfds: relative to the highest descriptor in the sets ("exact" = highest + 1), or an
// absolute number (to reach nfds < 0).
struct Nfds {
  bool relative = true;
  std::int32_t value = 0;
  friend bool operator==(Nfds, Nfds) = default;
};

// One entry of an op's field table: its name in the text format and where it lives.
template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
};
template <class T, class M>
constexpr Field<T, M> field(std::string_view name, M T::*member) {
  return {name, member};
}

// Calls f(name, value) for every field of an op, in declaration order (const or not).
template <class OpT, class F>
void for_each_field(OpT& op, F&& f) {
  std::apply([&](auto... fs) { (f(fs.name, op.*(fs.member)), ...); },
             std::remove_const_t<OpT>::fields());
}

using HandleList = std::vector<Handle>;
using PollEntries = std::vector<PollEntry>;

// ---- creation ----
struct MakePipe {
  static constexpr std::string_view kName = "pipe";
  using Self = MakePipe;
  friend bool operator==(const MakePipe&, const MakePipe&) = default;
  OutHandle rd, wr;
  static constexpr auto fields() {
    return std::tuple{field("rd", &Self::rd), field("wr", &Self::wr)};
  }
};

struct MakeSocketPair {
  static constexpr std::string_view kName = "socketpair";
  using Self = MakeSocketPair;
  friend bool operator==(const MakeSocketPair&, const MakeSocketPair&) = default;
  SockType type = SockType::Stream;
  OutHandle a, b;
  static constexpr auto fields() {
    return std::tuple{field("type", &Self::type), field("a", &Self::a), field("b", &Self::b)};
  }
};

struct MakeEventFd {
  static constexpr std::string_view kName = "eventfd";
  using Self = MakeEventFd;
  friend bool operator==(const MakeEventFd&, const MakeEventFd&) = default;
  bool semaphore = false;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("semaphore", &Self::semaphore), field("out", &Self::out)};
  }
};

// A regular file (memfd): readable and writable, but without a poll method.
struct MakeRegularFile {
  static constexpr std::string_view kName = "memfd";
  using Self = MakeRegularFile;
  friend bool operator==(const MakeRegularFile&, const MakeRegularFile&) = default;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("out", &Self::out)};
  }
};

struct EpollCreate1 {
  static constexpr std::string_view kName = "epoll_create1";
  using Self = EpollCreate1;
  friend bool operator==(const EpollCreate1&, const EpollCreate1&) = default;
  std::uint32_t flags = 0;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("flags", &Self::flags), field("out", &Self::out)};
  }
};

struct EpollCreate {
  static constexpr std::string_view kName = "epoll_create";
  using Self = EpollCreate;
  friend bool operator==(const EpollCreate&, const EpollCreate&) = default;
  std::int32_t size = 1;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("size", &Self::size), field("out", &Self::out)};
  }
};

// ---- descriptors ----
struct Dup {
  static constexpr std::string_view kName = "dup";
  using Self = Dup;
  friend bool operator==(const Dup&, const Dup&) = default;
  Handle fd;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("out", &Self::out)};
  }
};

struct Close {
  static constexpr std::string_view kName = "close";
  using Self = Close;
  friend bool operator==(const Close&, const Close&) = default;
  Handle fd;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd)};
  }
};

// ---- data ----
// The payload is `value` (little-endian, the first eight bytes: what an eventfd adds) followed by
// a pattern both sides derive from the step index.
struct Write {
  static constexpr std::string_view kName = "write";
  using Self = Write;
  friend bool operator==(const Write&, const Write&) = default;
  Handle fd;
  std::uint32_t len = 0;
  std::uint64_t value = 0;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("len", &Self::len), field("value", &Self::value)};
  }
};

// write(len) repeated until it fails, or until kFillMaxWrites writes or kFillMaxBytes bytes.
struct FillWrite {
  static constexpr std::string_view kName = "fill";
  using Self = FillWrite;
  friend bool operator==(const FillWrite&, const FillWrite&) = default;
  Handle fd;
  std::uint32_t len = 1;
  std::uint64_t value = 0;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("len", &Self::len), field("value", &Self::value)};
  }
};
inline constexpr std::uint32_t kFillMaxWrites = 70000;
inline constexpr std::uint64_t kFillMaxBytes = 1u << 20;

struct Read {
  static constexpr std::string_view kName = "read";
  using Self = Read;
  friend bool operator==(const Read&, const Read&) = default;
  Handle fd;
  std::uint32_t len = 0;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("len", &Self::len)};
  }
};

struct Shutdown {
  static constexpr std::string_view kName = "shutdown";
  using Self = Shutdown;
  friend bool operator==(const Shutdown&, const Shutdown&) = default;
  Handle fd;
  ShutHow how = ShutHow::Wr;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("how", &Self::how)};
  }
};

// ---- readiness ----
struct EpollCtl {
  static constexpr std::string_view kName = "epoll_ctl";
  using Self = EpollCtl;
  friend bool operator==(const EpollCtl&, const EpollCtl&) = default;
  Handle epfd;
  CtlOp op = CtlOp::Add;
  Handle fd;
  EpollMask events;
  std::uint64_t data = 0;
  static constexpr auto fields() {
    return std::tuple{field("epfd", &Self::epfd), field("op", &Self::op), field("fd", &Self::fd), field("events", &Self::events), field("data", &Self::data)};
  }
};

struct EpollWait {
  static constexpr std::string_view kName = "epoll_wait";
  using Self = EpollWait;
  friend bool operator==(const EpollWait&, const EpollWait&) = default;
  Handle epfd;
  std::int32_t maxevents = 1;
  static constexpr auto fields() {
    return std::tuple{field("epfd", &Self::epfd), field("maxevents", &Self::maxevents)};
  }
};

// over_limit != 0 pads the array with fd -1 entries up to RLIMIT_NOFILE + over_limit entries.
struct Poll {
  static constexpr std::string_view kName = "poll";
  using Self = Poll;
  friend bool operator==(const Poll&, const Poll&) = default;
  PollEntries entries;
  std::int32_t over_limit = 0;
  static constexpr auto fields() {
    return std::tuple{field("entries", &Self::entries), field("over_limit", &Self::over_limit)};
  }
};

struct Select {
  static constexpr std::string_view kName = "select";
  using Self = Select;
  friend bool operator==(const Select&, const Select&) = default;
  HandleList rd, wr, ex;
  Nfds nfds;
  static constexpr auto fields() {
    return std::tuple{field("rd", &Self::rd), field("wr", &Self::wr), field("ex", &Self::ex), field("nfds", &Self::nfds)};
  }
};

using Op = std::variant<MakePipe, MakeSocketPair, MakeEventFd, MakeRegularFile, EpollCreate1,
                        EpollCreate, Dup, Close, Write, FillWrite, Read, Shutdown, EpollCtl,
                        EpollWait, Poll, Select>;

std::string_view op_name(const Op& op);

// The slots an op binds, in field order.
std::vector<OutHandle> op_outputs(const Op& op);

}  // namespace pc
