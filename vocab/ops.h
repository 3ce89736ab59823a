// The operation vocabulary: every consumer (text format, generator, executor, oracle, C emitter)
// speaks these structs. Each op names its fields once in fields(); generic code walks them.
//
// Ops name descriptors by Handle (a slot), never by fd number, so that a shrunk sequence stays
// well-formed: a slot nobody created yet refers to no descriptor (-1, hence EBADF).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "vocab/c/pc_limits.h"

namespace pc {

inline constexpr int kMaxHandles = 16;

// The name an enum value has in the text format. Each enum of the vocabulary declares its table
// beside it, as enum_names(E), which the format finds by argument-dependent lookup: a new enum
// needs no change to the format.
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

// The name a value has in its enum's table; "?" for a value outside it (a cast gone wrong).
template <class E>
constexpr std::string_view enum_name(E v) {
  for (const auto& e : enum_names(v))
    if (e.value == v) return e.name;
  return "?";
}

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

// AF_UNIX stream, dgram and seqpacket pairs, and connected TCP and UDP pairs over 127.0.0.1
// (inside the harness's own network namespace).
enum class SockType : std::uint8_t { Stream, Dgram, Seqpacket, Tcp, Udp };
inline constexpr EnumName<SockType> kSockTypeNames[] = {{SockType::Stream, "stream"}, {SockType::Dgram, "dgram"}, {SockType::Seqpacket, "seqpacket"},
    {SockType::Tcp, "tcp"}, {SockType::Udp, "udp"}};
constexpr std::span<const EnumName<SockType>> enum_names(SockType) { return kSockTypeNames; }

// io_uring_params.flags as the caller passes them (kernel bit values; unnamed bits allowed).
struct UringSetupMask {
  std::uint32_t bits = 0;
  friend bool operator==(UringSetupMask, UringSetupMask) = default;
};

// io_uring_sqe.flags (IOSQE_*, kernel bit values).
struct SqeFlagMask {
  std::uint8_t bits = 0;
  friend bool operator==(SqeFlagMask, SqeFlagMask) = default;
};

// The opcode-specific flags of an SQE, one bit per meaning; the executor turns them into the
// kernel's bits of the field the opcode reads (poll: sqe->len, cancel: sqe->cancel_flags), so
// that one trace spelling cannot mean two things.
struct UringOpFlags {
  std::uint8_t bits = 0;
  static constexpr std::uint8_t kMulti = 1 << 0;         // IORING_POLL_ADD_MULTI
  static constexpr std::uint8_t kUpdateEvents = 1 << 1;  // IORING_POLL_UPDATE_EVENTS
  static constexpr std::uint8_t kUpdateData = 1 << 2;    // IORING_POLL_UPDATE_USER_DATA
  static constexpr std::uint8_t kCancelAll = 1 << 3;     // IORING_ASYNC_CANCEL_ALL
  static constexpr std::uint8_t kCancelFd = 1 << 4;      // IORING_ASYNC_CANCEL_FD
  static constexpr std::uint8_t kCancelAny = 1 << 5;     // IORING_ASYNC_CANCEL_ANY
  friend bool operator==(UringOpFlags, UringOpFlags) = default;
};

enum class UringOpcode : std::uint8_t {
  Nop, PollAdd, PollRemove, PollUpdate, Read, Write, Recv, Send, Cancel, LinkTimeout
};
enum class CtlOp : std::uint8_t { Add, Mod, Del, Invalid };
inline constexpr EnumName<CtlOp> kCtlOpNames[] = {{CtlOp::Add, "add"}, {CtlOp::Mod, "mod"}, {CtlOp::Del, "del"}, {CtlOp::Invalid, "invalid"}};
constexpr std::span<const EnumName<CtlOp>> enum_names(CtlOp) { return kCtlOpNames; }
// The blocking call a waiter thread makes: epoll_wait, poll on one descriptor, or
// io_uring_enter(GETEVENTS, min_complete 1). As a timed_wait: epoll_pwait2, ppoll, and
// io_uring_enter with IORING_ENTER_EXT_ARG, each with a timespec.
enum class WaitApi : std::uint8_t { Epoll, Poll, Uring };
inline constexpr EnumName<WaitApi> kWaitApiNames[] = {{WaitApi::Epoll, "epoll"}, {WaitApi::Poll, "poll"}, {WaitApi::Uring, "uring"}};
constexpr std::span<const EnumName<WaitApi>> enum_names(WaitApi) { return kWaitApiNames; }
enum class ShutHow : std::uint8_t { Rd, Wr, RdWr, Invalid };
inline constexpr EnumName<ShutHow> kShutHowNames[] = {{ShutHow::Rd, "rd"}, {ShutHow::Wr, "wr"}, {ShutHow::RdWr, "rdwr"}, {ShutHow::Invalid, "invalid"}};
constexpr std::span<const EnumName<ShutHow>> enum_names(ShutHow) { return kShutHowNames; }

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

// One entry of an op's field table: its name in the text format and where it lives. A field
// added to an op after traces were saved with it is optional: a trace may leave it out (it then
// keeps the value a default-made op has), and the printer leaves it out at that value, so older
// traces read and print as they did.
template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
  bool optional = false;
};
template <class T, class M>
constexpr Field<T, M> field(std::string_view name, M T::*member) {
  return {name, member, false};
}
template <class T, class M>
constexpr Field<T, M> optional_field(std::string_view name, M T::*member) {
  return {name, member, true};
}

// Calls f(name, value) for every field of an op, in declaration order (const or not).
template <class OpT, class F>
void for_each_field(OpT& op, F&& f) {
  std::apply([&](auto... fs) { (f(fs.name, op.*(fs.member)), ...); },
             std::remove_const_t<OpT>::fields());
}

// Whether field number i (in fields() order) of OpT is optional.
template <class OpT>
constexpr bool field_is_optional(std::size_t i) {
  bool out = false;
  std::size_t k = 0;
  std::apply([&](auto... fs) { ((out = k++ == i ? fs.optional : out), ...); }, OpT::fields());
  return out;
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

// eventfd(initval, EFD_NONBLOCK | (semaphore ? EFD_SEMAPHORE : 0)).
struct MakeEventFd {
  static constexpr std::string_view kName = "eventfd";
  using Self = MakeEventFd;
  friend bool operator==(const MakeEventFd&, const MakeEventFd&) = default;
  bool semaphore = false;
  OutHandle out;
  std::uint32_t initval = 0;
  static constexpr auto fields() {
    return std::tuple{field("semaphore", &Self::semaphore), field("out", &Self::out),
                      optional_field("initval", &Self::initval)};
  }
};

// A FIFO: mkfifo(2) in the harness's private folder, opened as `open` says, then unlinked (it
// lives on in its descriptors; every descriptor is made non-blocking):
//   both    open(O_RDONLY | O_NONBLOCK) into rd, then open(O_WRONLY) into wr, which a reader lets
//           succeed at once: a pipe in all but its name;
//   reader  the read end alone: it has never seen a writer, so it reports no POLLHUP although
//           no writer is open, and reads return 0 (fifo_open, pipe_poll); wr is left unbound;
//   writer  open(O_WRONLY | O_NONBLOCK) first: with no reader that fails with ENXIO, and
//           nothing is bound.
enum class FifoOpen : std::uint8_t { Both, Reader, Writer };
inline constexpr EnumName<FifoOpen> kFifoOpenNames[] = {{FifoOpen::Both, "both"}, {FifoOpen::Reader, "reader"}, {FifoOpen::Writer, "writer"}};
constexpr std::span<const EnumName<FifoOpen>> enum_names(FifoOpen) { return kFifoOpenNames; }
struct MakeFifo {
  static constexpr std::string_view kName = "fifo";
  using Self = MakeFifo;
  friend bool operator==(const MakeFifo&, const MakeFifo&) = default;
  OutHandle rd, wr;
  FifoOpen open = FifoOpen::Both;
  static constexpr auto fields() {
    return std::tuple{field("rd", &Self::rd), field("wr", &Self::wr), field("open", &Self::open)};
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

// fcntl(fd, F_DUPFD, min): the lowest free descriptor at or above `min`, to reach the numbers
// at 1024 and beyond that glibc's fd_set cannot hold (select's kernel-sized bitmaps).
struct DupFd {
  static constexpr std::string_view kName = "dupfd";
  using Self = DupFd;
  friend bool operator==(const DupFd&, const DupFd&) = default;
  Handle fd;
  std::int32_t min = 0;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("min", &Self::min), field("out", &Self::out)};
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
inline constexpr std::uint32_t kFillMaxWrites = PC_FILL_MAX_WRITES;  // vocab/c/pc_limits.h
inline constexpr std::uint64_t kFillMaxBytes = PC_FILL_MAX_BYTES;

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

// recv(fd, buf, len, peek ? MSG_PEEK : 0): read() that can leave the data where it is.
struct Recv {
  static constexpr std::string_view kName = "recv";
  using Self = Recv;
  friend bool operator==(const Recv&, const Recv&) = default;
  Handle fd;
  std::uint32_t len = 0;
  bool peek = false;
  static constexpr auto fields() {
    return std::tuple{field("fd", &Self::fd), field("len", &Self::len), field("peek", &Self::peek)};
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

// send(fd, payload, len, MSG_OOB): on TCP the last byte goes out urgent (tcp(7) "Out-of-band
// data"); the payload is the step's pattern, as for write.
struct SendOob {
  static constexpr std::string_view kName = "send_oob";
  using Self = SendOob;
  friend bool operator==(const SendOob&, const SendOob&) = default;
  Handle fd;
  std::uint32_t len = 1;
  static constexpr auto fields() { return std::tuple{field("fd", &Self::fd), field("len", &Self::len)}; }
};

// recv(fd, buf, 1, MSG_OOB): the urgent byte, out of the stream.
struct RecvOob {
  static constexpr std::string_view kName = "recv_oob";
  using Self = RecvOob;
  friend bool operator==(const RecvOob&, const RecvOob&) = default;
  Handle fd;
  static constexpr auto fields() { return std::tuple{field("fd", &Self::fd)}; }
};

// ---- TCP connections (over loopback, in the harness's network namespace) ----
// socket + bind(127.0.0.1:0) + listen(backlog kTcpBacklog), non-blocking.
struct TcpListen {
  static constexpr std::string_view kName = "tcp_listen";
  using Self = TcpListen;
  friend bool operator==(const TcpListen&, const TcpListen&) = default;
  OutHandle out;
  static constexpr auto fields() { return std::tuple{field("out", &Self::out)}; }
};
inline constexpr int kTcpBacklog = PC_TCP_BACKLOG;  // vocab/c/pc_limits.h

// A non-blocking socket connect()ed to the address of the listener in slot `listener` (read
// with getsockname before the socket is made); its number is reported with connect's result,
// which is EINPROGRESS.
struct TcpConnect {
  static constexpr std::string_view kName = "tcp_connect";
  using Self = TcpConnect;
  friend bool operator==(const TcpConnect&, const TcpConnect&) = default;
  Handle listener;
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("listener", &Self::listener), field("out", &Self::out)};
  }
};

// accept4(fd, NULL, NULL, SOCK_NONBLOCK).
struct Accept {
  static constexpr std::string_view kName = "accept";
  using Self = Accept;
  friend bool operator==(const Accept&, const Accept&) = default;
  Handle fd;
  OutHandle out;
  static constexpr auto fields() { return std::tuple{field("fd", &Self::fd), field("out", &Self::out)}; }
};

// setsockopt(SO_LINGER, {l_onoff 1, l_linger 0}): a later close resets the connection.
struct LingerZero {
  static constexpr std::string_view kName = "linger0";
  using Self = LingerZero;
  friend bool operator==(const LingerZero&, const LingerZero&) = default;
  Handle fd;
  static constexpr auto fields() { return std::tuple{field("fd", &Self::fd)}; }
};

// getsockopt(SO_ERROR): ret is the pending error it read (and cleared), 0 if none.
struct SoError {
  static constexpr std::string_view kName = "so_error";
  using Self = SoError;
  friend bool operator==(const SoError&, const SoError&) = default;
  Handle fd;
  static constexpr auto fields() { return std::tuple{field("fd", &Self::fd)}; }
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

// ---- blocking waits in threads ----
// Starts n threads, one after the other, each blocking with no timeout (epoll_wait(fd,
// maxevents, -1), poll({fd, events}, 1, -1), or io_uring_enter(fd, 0, 1, GETEVENTS)); the next
// starts once the last one sleeps in its call (or has returned). Waiters are numbered from 0 in
// the order the trace starts them. Every op's observation then lists the waiters that returned
// during it, once the harness saw every other waiter asleep again.
struct Waiters {
  static constexpr std::string_view kName = "waiters";
  using Self = Waiters;
  friend bool operator==(const Waiters&, const Waiters&) = default;
  WaitApi api = WaitApi::Epoll;
  Handle fd;
  std::uint32_t n = 1;
  std::int32_t maxevents = 1;  // epoll
  PollMask events;             // poll
  static constexpr auto fields() {
    return std::tuple{field("api", &Self::api), field("fd", &Self::fd), field("n", &Self::n),
                      field("maxevents", &Self::maxevents), field("events", &Self::events)};
  }
};
inline constexpr std::uint32_t kMaxWaiters = 8;  // alive at once, per sequence

// Interrupts every waiter still blocked, in waiter order, with a signal whose handler returns
// (no SA_RESTART), and joins every waiter thread. Reports how each interrupted one returned.
struct JoinWaiters {
  static constexpr std::string_view kName = "join";
  using Self = JoinWaiters;
  friend bool operator==(const JoinWaiters&, const JoinWaiters&) = default;
  static constexpr auto fields() { return std::tuple{}; }
};

// One wait with a timespec timeout of `us` microseconds, in the harness's own thread:
// epoll_pwait2(fd, maxevents 8, ts), ppoll({fd, events}, 1, ts), or io_uring_enter(GETEVENTS,
// min_complete 1, EXT_ARG ts). The observation says whether it returned before `us` elapsed.
struct TimedWait {
  static constexpr std::string_view kName = "timed_wait";
  using Self = TimedWait;
  friend bool operator==(const TimedWait&, const TimedWait&) = default;
  WaitApi api = WaitApi::Epoll;
  Handle fd;
  std::uint32_t us = 100;
  PollMask events;
  static constexpr auto fields() {
    return std::tuple{field("api", &Self::api), field("fd", &Self::fd), field("us", &Self::us),
                      field("events", &Self::events)};
  }
};
inline constexpr std::uint32_t kTimedWaitMaxUs = PC_TIMED_WAIT_MAX_US;  // vocab/c/pc_limits.h
inline constexpr int kTimedWaitMaxEvents = PC_TIMED_WAIT_MAX_EVENTS;

// ---- scale: one file under many descriptors ----
enum class FanoutMode : std::uint8_t { Epoll, Poll, Select };
inline constexpr EnumName<FanoutMode> kFanoutModeNames[] = {{FanoutMode::Epoll, "epoll"}, {FanoutMode::Poll, "poll"}, {FanoutMode::Select, "select"}};
constexpr std::span<const EnumName<FanoutMode>> enum_names(FanoutMode) { return kFanoutModeNames; }

// n dups of fd (the lowest free numbers), then by mode:
//   epoll   EPOLL_CTL_ADD of each to epfd with `events` and data = its index; epoll_wait(epfd,
//           maxevents, 0) until every dup was reported once, a call returns none, or
//           kFanoutMaxRounds(n, maxevents) calls; then EPOLL_CTL_DEL of each;
//   poll    one poll over all of them with `events`;
//   select  one select with all of them in the read set, through a bitmap sized for nfds;
// and every dup is closed again. The observation: ret the events gathered (poll, select: the
// call's result), fds the first and last dup, writes the epoll_waits made (or, when a dup
// failed, the dups made), digest an FNV-1a of what was reported in order (epoll: data and
// events of each event; poll: each revents; select: each descriptor left set).
struct Fanout {
  static constexpr std::string_view kName = "fanout";
  using Self = Fanout;
  friend bool operator==(const Fanout&, const Fanout&) = default;
  FanoutMode mode = FanoutMode::Epoll;
  Handle fd;
  Handle epfd;
  std::uint32_t n = 1;
  EpollMask events;
  std::int32_t maxevents = 1;
  static constexpr auto fields() {
    return std::tuple{field("mode", &Self::mode), field("fd", &Self::fd), field("epfd", &Self::epfd),
                      field("n", &Self::n), field("events", &Self::events),
                      field("maxevents", &Self::maxevents)};
  }
};
inline constexpr std::uint32_t kFanoutMax = 5000;  // n beyond this is cut to it
inline std::uint32_t fanout_max_rounds(std::uint32_t n, std::int32_t maxevents) {
  return pc_fanout_max_rounds(n, maxevents);  // vocab/c/pc_limits.h
}

// ---- io_uring ----
// io_uring_setup(entries, params): a ring on the lowest free descriptor, mapped by the harness.
struct UringSetup {
  static constexpr std::string_view kName = "uring_setup";
  using Self = UringSetup;
  friend bool operator==(const UringSetup&, const UringSetup&) = default;
  std::uint32_t entries = 4;
  UringSetupMask flags;
  std::uint32_t cq_entries = 0;  // params.cq_entries, read with IORING_SETUP_CQSIZE
  OutHandle out;
  static constexpr auto fields() {
    return std::tuple{field("entries", &Self::entries), field("flags", &Self::flags),
                      field("cq_entries", &Self::cq_entries), field("out", &Self::out)};
  }
};

// Fills the next SQE of the ring set up in slot `ring` (no system call: the SQ ring is memory
// the harness shares with the kernel); the kernel sees it at the next uring_submit. Fields an
// opcode does not read stay zero in the SQE:
//   nop                       user_data, flags
//   poll_add                  fd, mask (poll32_events), op_flags multi
//   poll_remove               target (the user_data of the poll)
//   poll_update               target, new_data, mask, op_flags update_events|update_data|multi
//   read, write, recv, send   fd, len (offset -1: the file position)
//   cancel                    target, or fd with op_flags fd; op_flags all, any
//   link_timeout              len: the timeout in milliseconds
struct UringPrep {
  static constexpr std::string_view kName = "uring_prep";
  using Self = UringPrep;
  friend bool operator==(const UringPrep&, const UringPrep&) = default;
  Handle ring;
  UringOpcode opcode = UringOpcode::Nop;
  Handle fd;
  std::uint32_t len = 0;
  PollMask mask;
  std::uint64_t user_data = 0;
  std::uint64_t target = 0;
  std::uint64_t new_data = 0;
  SqeFlagMask flags;
  UringOpFlags op_flags;
  static constexpr auto fields() {
    return std::tuple{field("ring", &Self::ring),           field("opcode", &Self::opcode),
                      field("fd", &Self::fd),               field("len", &Self::len),
                      field("mask", &Self::mask),           field("user_data", &Self::user_data),
                      field("target", &Self::target),       field("new_data", &Self::new_data),
                      field("flags", &Self::flags),         field("op_flags", &Self::op_flags)};
  }
};

// io_uring_enter(to_submit = every SQE filled since the last submit, min_complete 0, flags 0).
struct UringSubmit {
  static constexpr std::string_view kName = "uring_submit";
  using Self = UringSubmit;
  friend bool operator==(const UringSubmit&, const UringSubmit&) = default;
  Handle ring;
  static constexpr auto fields() { return std::tuple{field("ring", &Self::ring)}; }
};

// Waits until `wait` CQEs are ready (bounded: kReapWaitMs; 0 waits not at all, but still enters
// the kernel with GETEVENTS so deferred task work runs), then takes every CQE ready now,
// flushing overflowed ones, in the order the CQ ring holds them.
struct UringReap {
  static constexpr std::string_view kName = "uring_reap";
  using Self = UringReap;
  friend bool operator==(const UringReap&, const UringReap&) = default;
  Handle ring;
  std::uint32_t wait = 0;
  static constexpr auto fields() {
    return std::tuple{field("ring", &Self::ring), field("wait", &Self::wait)};
  }
};
inline constexpr int kReapWaitMs = PC_REAP_WAIT_MS;  // vocab/c/pc_limits.h
// A reap takes at most this many CQEs (a CQ ring is at most 65536 entries; the harness's rings
// are far smaller), so that a kernel that keeps posting cannot keep a reap going forever.
inline constexpr std::size_t kReapMaxCqes = PC_REAP_MAX_CQES;

using Op = std::variant<MakePipe, MakeSocketPair, MakeEventFd, MakeRegularFile, EpollCreate1,
                        EpollCreate, Dup, DupFd, Close, Write, FillWrite, Read, Recv, SendOob,
                        RecvOob, Shutdown,
                        TcpListen, TcpConnect, Accept, LingerZero, SoError, EpollCtl, EpollWait,
                        Poll, Select, Waiters, JoinWaiters, TimedWait, Fanout, UringSetup, UringPrep,
                        UringSubmit, UringReap, MakeFifo>;

std::string_view op_name(const Op& op);

// The slots an op binds, in field order.
std::vector<OutHandle> op_outputs(const Op& op);

}  // namespace pc
