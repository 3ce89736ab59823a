// The oracle's state: a modeled fd table, open file descriptions, the objects behind them and
// their wait queues, and epoll interest lists. A value type; copying it is how the oracle
// predicts without committing.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "vocab/abi.h"
#include "vocab/observation.h"
#include "vocab/ops.h"
#include "oracle/mutants.h"
#include "oracle/accounting.h"
#include "oracle/params.h"
#include "oracle/reap_prediction.h"
#include "oracle/rules.h"

namespace pc {

// Bytes in flight as runs of a write's payload, never the bytes themselves: byte p of the run is
// byte (p % wlen) of the payload of the write made at `step` (a fill repeats one payload).
struct Segment {
  std::uint32_t step = 0;
  std::uint64_t value = 0;
  std::uint32_t wlen = 0;
  std::uint64_t begin = 0, end = 0;
  std::uint64_t size() const { return end - begin; }
  unsigned char byte_at(std::uint64_t p) const;
  // Folds n bytes from position `from` into a running FNV-1a digest.
  void digest(std::uint64_t from, std::uint64_t n, std::uint64_t& h) const;
  friend bool operator==(const Segment&, const Segment&) = default;
};

class ByteQueue {
 public:
  void push(const Segment& s);
  // Pops n bytes (n <= size()), folding them into the running digest.
  void pop(std::uint64_t n, std::uint64_t& digest);
  std::uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  friend bool operator==(const ByteQueue&, const ByteQueue&) = default;

 private:
  std::deque<Segment> segs_;
  std::uint64_t size_ = 0;
};

enum class Kind : std::uint8_t { Pipe, Socket, EventFd, RegularFile, Epoll, Ring, Listener };

// What f_op->poll reports; the queue an epoll item hooks is its file's one wait queue.
struct WaitQueueId {
  Kind kind;
  int object;
  int side;  // pipe: 0 rd_wait, 1 wr_wait; socket: the end; others 0
  friend auto operator<=>(const WaitQueueId&, const WaitQueueId&) = default;
};

struct PipeBuffer {
  std::uint32_t offset = 0, len = 0;
};

struct PipeObj {
  std::deque<PipeBuffer> bufs;  // occupied page slots, tail first
  ByteQueue data;
  int readers = 1, writers = 1;  // open file descriptions of each end
  // False for a FIFO opened for reading alone: its read end has not seen a writer, and
  // pipe_poll reports no POLLHUP for it until one has come and gone (fifo_open).
  bool writer_seen = true;
};

struct Skb {
  Segment seg;             // its payload; seg.begin advances as a stream reader consumes it
  std::uint32_t truesize;  // what it charges to its sender
};

// The settled TCP states the harness can observe: every segment sent has been processed, so
// FIN_WAIT1, CLOSING and LAST_ACK never last, and TIME_WAIT leaves the full socket TCP_CLOSE.
enum class TcpState : std::uint8_t { Established, FinWait2, CloseWait, Close };

struct SockEnd {
  std::deque<Skb> rq;        // what the peer sent and this end has not read
  std::uint64_t wmem = 0;    // truesize of this end's skbs still queued at the peer
  // Where accounting is the implementation's (compat, doc): it found no room for this end's
  // write, and none of this end's skbs was freed since, so it still has none, whatever the
  // nominal count says; a later write meets the room check before any error past it.
  bool found_full = false;
  std::uint8_t shutdown = 0; // 1 RCV_SHUTDOWN, 2 SEND_SHUTDOWN
  int err = 0;               // sk_err, consumed by the next read that looks at it
  bool alive = true;         // a file still refers to it
  bool peer_linked = true;   // unix_peer(sk) is set
  bool state_close = false;  // sk_state == TCP_CLOSE
  TcpState tcp = TcpState::Established;  // TCP only
  bool done = false;         // TCP: SOCK_DONE, a FIN arrived
  bool linger0 = false;      // SO_LINGER on with a zero timeout: close resets
  // TCP urgent data (tcp_urg): bytes that reached rq and bytes taken from it (read, or skipped
  // as the urgent byte), the stream position of the urgent byte while tp->urg_data is set, and
  // whether that byte is still to be read with MSG_OOB (TCP_URG_VALID).
  std::uint64_t rx_pushed = 0, rx_taken = 0;
  std::optional<std::uint64_t> urg_seq;
  bool urg_valid = false;
  unsigned char urg_byte = 0;
};

struct SockPair {
  SockType type = SockType::Stream;
  std::array<SockEnd, 2> end;
};

// The keys socket callbacks wake with: sock_def_readable, and the write-space callbacks
// (unix_write_space, sock_def_write_space).
inline constexpr std::uint32_t kReadableKey = EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND;
inline constexpr std::uint32_t kWriteSpaceKey = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;

// fs/select.c: the readiness bits that set a descriptor's bit in select's read, write and
// except sets.
inline constexpr std::uint32_t kPollInSet = EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR;
inline constexpr std::uint32_t kPollOutSet = EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR;
inline constexpr std::uint32_t kPollExSet = EPOLLPRI;

// sock_error: the pending error as -errno, cleared.
inline std::int64_t take_sock_err(SockEnd& e) {
  const int err = e.err;
  e.err = 0;
  return -static_cast<std::int64_t>(err);
}

// A call that failed with err.
inline Observation failure(int err) {
  Observation o;
  o.ret = -1;
  o.err = err;
  return o;
}

// A listening TCP socket: the connections that completed the handshake and wait to be accepted
// (socket pair ids; end 0 is the connecting socket, end 1 the one accept returns).
struct ListenerObj {
  std::deque<int> pending;
  // SO_LINGER on with a zero timeout: a connection's socket is cloned from the listener when
  // its handshake completes (inet_csk_clone_lock copies sk_flags and sk_lingertime), so it
  // resets on close as well.
  bool linger0 = false;
};

struct EventFdObj {
  std::uint64_t count = 0;
  bool semaphore = false;
};

struct RegularFileObj {
  std::uint64_t size = 0;
};

struct EpItem {
  int ofd = 0;  // the open file description watched
  int fd = 0;   // the descriptor number it was added under (half of the key)
  std::uint32_t events = 0;  // as stored by the kernel (ERR|HUP added; 0 when ONESHOT fired)
  std::uint64_t data = 0;
  // doc profile: the item became ready from not ready (an edge the man page promises to report)
  bool edge = false;
  std::uint64_t seq = 0;  // when it was hooked onto its file's wait queue (all epolls count)
};

struct EpollObj {
  std::vector<EpItem> items;  // interest list in insertion order
  std::deque<std::size_t> ready;  // indexes into items, ready-list order
  std::deque<std::uint32_t> sleepers;  // waiter threads blocked in epoll_wait, ep->wq order (LIFO)
  // Threads that ran in an order the model could not pin down left the queue in one of
  // several orders: which of several sleepers a wakeup takes is not known.
  bool sleeper_order_unknown = false;
  // Items, of any instance, that watch this one: kept by count_watch where items come and go,
  // so that is_watched, asked on every wakeup, need not scan every interest list.
  int watched_by = 0;
  // The keys of `items` and how many items each description has, kept by link and unlink, so
  // that epoll_ctl (which fanout calls thousands of times) finds a key without a scan.
  std::set<std::pair<int, int>> keys;  // (ofd, fd)
  std::map<int, std::uint32_t> items_of;  // ofd -> items
  void link(const EpItem& it) {
    keys.emplace(it.ofd, it.fd);
    ++items_of[it.ofd];
  }
  void unlink(const EpItem& it) {
    keys.erase({it.ofd, it.fd});
    if (--items_of[it.ofd] == 0) items_of.erase(it.ofd);
  }
  // Drops the items `doomed` picks, keeping the others and the ready list in their order.
  template <class Pred>
  void remove_if(Pred doomed);
};

template <class Pred>
void EpollObj::remove_if(Pred doomed) {
  std::vector<EpItem> kept;
  std::vector<std::ptrdiff_t> remap(items.size(), -1);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (doomed(items[i])) {
      unlink(items[i]);
      continue;
    }
    remap[i] = static_cast<std::ptrdiff_t>(kept.size());
    kept.push_back(items[i]);
  }
  std::deque<std::size_t> still_ready;
  for (std::size_t i : ready)
    if (remap[i] >= 0) still_ready.push_back(static_cast<std::size_t>(remap[i]));
  items = std::move(kept);
  ready = std::move(still_ready);
}

// A waiter thread (op `waiters`) as the model follows it (oracle/model_waiters.cpp).
struct ModelWaiter {
  enum class State : std::uint8_t { Asleep, Woken, Done };
  std::uint32_t number = 0;
  WaitApi api = WaitApi::Epoll;
  State state = State::Asleep;
  int ofd = -1;      // the file its call holds while it waits (-1: none)
  int fd = -1;       // the descriptor number it named; poll looks it up again on every pass
  int object = -1;   // epoll: the instance; io_uring: the ring
  std::int32_t maxevents = 1;
  std::uint16_t events = 0;           // poll
  std::optional<WaitQueueId> hooked;  // poll: the queue its first pass registered on
  std::uint64_t cq_target = 0;        // io_uring: the CQ tail that ends its wait
  bool signalled = false;
};

struct OpenFile {
  Kind kind;
  int object;
  int side = 0;  // pipe: 0 read end, 1 write end; socket: which end
  int refs = 1;  // descriptors referring to it
  std::uint64_t pos = 0;  // regular file offset
  int holds = 0;  // io_uring requests in flight that hold a reference (fget at submit)
  int dying_holds = 0;  // of those, requests of a closed ring: its exit work lets go, some time
  int waiter_holds = 0;  // waiter threads blocked on it (their call holds a reference)
  bool held() const { return holds > 0 || waiter_holds > 0; }
};

// ---- io_uring (oracle/model_uring.cpp) ----

// A filled SQE: the op as the trace gave it, and the step that filled it (write payloads).
struct QueuedSqe {
  UringPrep sqe;
  std::size_t step = 0;
  int fd = -1;  // the descriptor number the SQE holds: its slot's binding when it was filled
};

// A submitted request the kernel has not completed.
struct UringReq {
  std::uint64_t id = 0;           // submission order within the model
  UringPrep sqe;
  std::size_t step = 0;
  int fd = -1;                    // the descriptor number its SQE holds
  int ofd = -1;                   // the file it holds (-1: none)
  std::uint32_t events = 0;       // armed poll: the mask vfs_poll results are filtered by
  bool woken = false;             // its task work is queued
  bool cancelled = false;         // found by a remove or cancel: its task work ends it
  bool unhashed = false;          // taken out of the cancel table (poll remove): found no more
  // io_poll_wake stashes the first wakeup's key as the result; a second wakeup before the task
  // work ran discards it, and the task work polls the file instead.
  std::uint32_t stash = 0;
  int wakes = 0;
  bool unhooked = false;  // a one-shot taken off the wait queue by its first keyed wakeup
  bool fired = false;     // mutant uring-oneshot-twice: it completed once already
  std::optional<std::int32_t> deferred_res;  // completes with this from task work (io_complete_rw)
  std::uint64_t armed_at = 0;     // wait-queue position: the latest armed is woken first
  std::uint64_t hashed_at = 0;    // cancel-table position: issue, or a poll update's re-add
  std::uint64_t chain = 0;        // link chain (0: none); CQEs of one chain keep their order
  std::vector<QueuedSqe> rest;    // the requests linked after it, issued when it completes
  std::uint64_t link_timeout_ud = 0;  // a LINK_TIMEOUT armed on it
  bool has_link_timeout = false;
};

// Link work done from task work once a request completed: the next request of its chain
// (q, with rest linked behind it), or, when `posts` is not empty, CQEs to post instead (the
// members of a failed chain, a disarmed link timeout).
struct ChainNext {
  QueuedSqe q;
  std::uint64_t chain = 0;
  std::vector<QueuedSqe> rest;
  std::vector<std::pair<std::uint64_t, std::int32_t>> posts;  // user_data, res
};

// One entry of a ring's task-work list: a woken request's id, or link work. seq orders the
// entries of every ring the harness thread submitted to, whose task work is one list of that
// thread's (tctx->task_list), run in the order it was queued whichever ring an entry is for
// (newest first, batch by batch, on a release before that: UR-TW-ORDER).
struct TaskWork {
  std::uint64_t seq = 0;
  std::variant<std::uint64_t, ChainNext> work;
};

struct RingObj {
  std::uint32_t sq_entries = 0, cq_entries = 0, flags = 0;
  bool mapped = true;              // the harness still maps it (its setup descriptor is open)
  int setup_fd = -1;
  std::vector<QueuedSqe> sq;       // filled and not yet submitted
  std::vector<ModelCqe> cq;        // posted and visible in the CQ ring
  std::vector<ModelCqe> overflow;  // held back while the CQ ring was full (FEAT_NODROP)
  std::vector<ModelCqe> async;     // completing in io-wq: they may show up at any reap
  std::vector<ModelCqe> drain_blocked;  // drained requests waiting for everything before them
  std::vector<UringReq> pending;   // armed polls and requests waiting for readiness
  // The ring's one task-work list, run in the order it was queued (the kernel's llist,
  // reversed when run; not before 6.5 on a DEFER_TASKRUN ring: UR-TW-LOCAL-ORDER): a woken
  // request's id, or link work.
  std::vector<TaskWork> task_work;
  // Link work of completions not yet flushed: io_submit_flush_completions queues it at the end
  // of a submit or a task-work batch (or before a multishot posts), after the wakeups before.
  std::vector<ChainNext> unflushed_links;
  std::uint64_t epoch = 0;         // bumped by every drained request
  std::uint64_t cq_tail = 0;       // CQEs ever made visible in the CQ ring (its tail)
  bool drain_active = false;       // after a drain every request is forced async (io-wq)
  // The user_data every read or recv, and every other request, was filled with on this ring
  // (a poll update's new user_data included): the harness gives a read's buffer to the CQE
  // carrying its user_data, which is only sound while no other request shares it.
  std::set<std::uint64_t> read_user_data, other_user_data;
  bool defer_taskrun() const { return flags & kSetupDefer; }
};

// Whose rules fired while predicting one op.
struct RuleLog {
  std::vector<RuleId> rules;  // in the order of first use (signatures name the first)
  std::bitset<kRuleCount> used;
  void use(RuleId r) {
    if (!used.test(static_cast<std::size_t>(r))) {
      used.set(static_cast<std::size_t>(r));
      rules.push_back(r);
    }
  }
};

class Model {
 public:
  // mutant: a bug-zoo behaviour to show instead of Linux's (Mutant::None for the real oracle).
  // exact_accounting: predict when buffers fill from the measured parameters (the linux
  // profile), else with nominal ones, following what the implementation took (oracle/accounting.h).
  // profile: linux predicts when buffers fill from the measured parameters, compat and doc with
  // nominal ones, following what the implementation took (oracle/accounting.h); doc alone
  // marks the edges the man page promises to report (EpItem::edge).
  Model(LearnedParams& params, std::set<int> occupied, Mutant mutant = Mutant::None,
        Profile profile = Profile::Linux);

  // Applies op with Linux's outcome and returns that outcome. When `observed` is given (the doc
  // profile, where the kernel may choose), the model follows the kernel's choice instead where
  // Linux would have chosen otherwise (bytes written, which events were delivered).
  // before: this model as it was before the op, when the caller keeps it (the oracle predicts
  // on a copy): the eager run below starts from it, so no copy is made for an op that wakes
  // no thread.
  Observation apply(const Op& op, std::size_t step, RuleLog& log,
                    const Observation* observed = nullptr, const Model* before = nullptr);

  // Readiness of an open file description right now, as its f_op->poll would report it.
  std::uint32_t readiness(int ofd) const;
  // Names the readiness rules a report about this file relies on.
  void log_readiness(int ofd, RuleLog& log) const;
  // Bits whose value depends on buffer accounting for this file right now (writability of a
  // pipe or socket with something queued): the profiles that do not judge accounting admit both.
  std::uint32_t capacity_slack(int ofd) const;
  // Bits whose value the man pages leave to the implementation for this file right now
  // (capacity_slack, and Linux's own choices), for the doc profile.
  std::uint32_t doc_slack(int ofd) const;
  // The bits in which an implementation's report may differ from the model's while the model
  // follows it: capacity_slack where accounting is the implementation's, else none.
  std::uint32_t followed_slack(int ofd) const { return accounting_.exact() ? 0 : capacity_slack(ofd); }
  // Throws Unmodeled when an outcome that is not judged as a set (whether a thread blocks, when
  // an io_uring request completes) would hang on whether a buffer with data in it has room:
  // interest asks for bits of the file's followed_slack. For an epoll instance, its
  // registrations and those of the instances below it.
  void require_settled_capacity(int ofd, std::uint32_t interest) const;
  void require_settled_capacity_below(int epoll_id) const;
  // Whether op writes into a file whose room the implementation's accounting decides
  // (followed_slack): the model then follows the count the implementation took.
  bool write_count_followed(const Op& op) const;
  // Whether op is a write to an AF_UNIX stream socket that took more than one skb to send
  // `written` bytes.
  bool stream_write_spans_skbs(const Op& op, std::int64_t written) const;


  int fd_of(Handle h) const { return slots_[h.slot]; }
  std::optional<int> ofd_of_fd(int fd) const;
  const OpenFile& file(int ofd) const { return files_.at(ofd); }
  const std::map<int, EpollObj>& epolls() const { return epolls_; }
  SockType sock_type(int sock_id) const { return socks_.at(sock_id).type; }
  // The error an AF_UNIX write from this end meets once its buffer has room (the checks
  // unix_stream_sendmsg and unix_dgram_sendmsg make after allocating the skb), 0 for none and
  // for a TCP or UDP socket.
  int unix_error_past_room(int sock_id, int side) const;
  // Where accounting is the implementation's: it found this end's buffer full since the last
  // room was freed (SockEnd::found_full).
  bool found_full(int sock_id, int side) const { return socks_.at(sock_id).end[side].found_full; }
  const std::map<int, OpenFile>& files() const { return files_; }
  const std::map<int, int>& fd_table() const { return fds_; }
  LearnedParams& params() const { return *params_; }

  // Observation visitors (one per op); public so the dispatcher can reach them.
  Observation op(const MakePipe&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeSocketPair&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeEventFd&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeFifo&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeRegularFile&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCreate1&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCreate&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Dup&, std::size_t, RuleLog&, const Observation*);
  Observation op(const DupFd&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Close&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Write&, std::size_t, RuleLog&, const Observation*);
  Observation op(const FillWrite&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Read&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Recv&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Shutdown&, std::size_t, RuleLog&, const Observation*);
  Observation op(const SendOob&, std::size_t, RuleLog&, const Observation*);  // model_inet.cpp
  Observation op(const RecvOob&, std::size_t, RuleLog&, const Observation*);
  Observation op(const TcpListen&, std::size_t, RuleLog&, const Observation*);  // model_inet.cpp
  Observation op(const TcpConnect&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Accept&, std::size_t, RuleLog&, const Observation*);
  Observation op(const LingerZero&, std::size_t, RuleLog&, const Observation*);
  Observation op(const SoError&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCtl&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollWait&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Poll&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Select&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Waiters&, std::size_t, RuleLog&, const Observation*);  // model_waiters.cpp
  Observation op(const JoinWaiters&, std::size_t, RuleLog&, const Observation*);
  Observation op(const TimedWait&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Fanout&, std::size_t, RuleLog&, const Observation*);  // model_fanout.cpp
  Observation op(const UringSetup&, std::size_t, RuleLog&, const Observation*);
  Observation op(const UringPrep&, std::size_t, RuleLog&, const Observation*);
  Observation op(const UringSubmit&, std::size_t, RuleLog&, const Observation*);
  Observation op(const UringReap&, std::size_t, RuleLog&, const Observation*);

  const std::map<int, RingObj>& rings() const { return rings_; }
  const std::vector<ModelWaiter>& waiters() const { return waiters_; }
  // The other lists of returned waiters the last op could have shown, had the threads it woke
  // run in another order (its observation shows the first order tried).
  const std::vector<std::vector<WaiterObs>>& other_wakeups() const { return other_wakeups_; }
  // Other whole outcomes the last op could have given besides the one it returned (a timed
  // wait that io_uring task work interrupted).
  const std::vector<Observation>& other_outcomes() const { return other_outcomes_; }
  // Set by the last uring_reap this model applied.
  const std::optional<ReapPrediction>& reap_prediction() const { return reap_prediction_; }
  // After every op, on the way back to user space: task work of the rings that do not defer it.
  void run_task_work(RuleLog& log);

 private:
  // fd table
  int lowest_free_fd(int from = 0) const;
  int install(int ofd);
  int new_file(Kind kind, int object, int side);
  // A new description on the lowest free descriptor, bound to `slot`; returns the descriptor.
  int open_new(Kind kind, int object, int side, OutHandle slot);
  void bind(OutHandle h, int fd) { slots_[h.slot] = fd; }
  void close_fd(int fd, RuleLog& log);
  void release_file(int ofd, RuleLog& log);

  // data paths; each returns the syscall result (>= 0) or -errno, and performs the wakeups
  std::int64_t write_file(int ofd, std::uint32_t len, std::uint64_t value, std::size_t step,
                          std::int64_t limit, RuleLog& log);
  std::int64_t read_file(int ofd, std::uint32_t len, std::uint64_t& digest, RuleLog& log,
                         bool peek = false);
  std::int64_t pipe_write(PipeObj& p, int pipe_id, const Segment& payload, std::int64_t limit,
                          RuleLog& log);
  std::int64_t pipe_read(PipeObj& p, int pipe_id, std::uint32_t len, std::uint64_t& digest,
                         RuleLog& log);
  // `limit` in the write paths: -1 predicts; >= 0 is the byte count the implementation took,
  // which a profile that leaves accounting open follows, room or not; kFailedPastRoom says it
  // failed where Linux fails only once there is room (unix_error_past_room).
  static constexpr std::int64_t kFailedPastRoom = -2;
  std::int64_t sock_write(SockPair& s, int sock_id, int side, const Segment& payload,
                          std::int64_t limit, RuleLog& log);
  std::int64_t sock_read(SockPair& s, int sock_id, int side, std::uint32_t len,
                         std::uint64_t& digest, bool peek, RuleLog& log);

  // TCP and UDP over loopback (oracle/model_inet.cpp), always in settled form.
  std::int64_t tcp_write(SockPair& s, int sock_id, int side, const Segment& payload, RuleLog& log);
  std::int64_t udp_write(SockPair& s, int sock_id, int side, const Segment& payload, RuleLog& log);
  std::int64_t inet_read(SockPair& s, int side, std::uint32_t len, std::uint64_t& digest,
                         bool peek, RuleLog& log);
  std::int64_t inet_shutdown(SockPair& s, int sock_id, int side, std::uint8_t mode, RuleLog& log);
  void inet_release(int sock_id, int side, RuleLog& log);
  // The socket a socket option op names: 0 with `file` set, or EBADF / ENOTSOCK.
  int socket_of(Handle h, RuleLog& log, const OpenFile*& file) const;
  // A listener's last file went: every connection waiting in its queue is reset.
  void release_listener(int listener_id, RuleLog& log);
  std::uint32_t inet_readiness(const SockPair& s, int side) const;
  int oob_file(Handle h, int listener_err, RuleLog& log, const OpenFile*& file) const;
  static std::uint64_t queued_bytes(const SockEnd& e);
  static void take_front(SockEnd& e, std::uint64_t n);  // consumes n queued bytes unread
  static void clear_passed_urg(SockEnd& e);
  static void check_urg(SockEnd& e, std::uint64_t queued_before, std::uint64_t seq, unsigned char byte);
  // An RST reaching a live end: sk_err by its state, TCP_CLOSE, shut down both ways.
  void tcp_reset(SockPair& s, int sock_id, int side, RuleLog& log);
  // A FIN reaching a live end (tcp_fin).
  void tcp_fin(SockPair& s, int sock_id, int side, RuleLog& log);
  void free_skb(int sock_id, int sender, const Skb& skb, RuleLog& log);
  void release_socket(int sock_id, int side, RuleLog& log);
  bool unix_writable(const SockEnd& e) const;

  // epoll
  // Wakes whoever waits on q: waiter threads in poll, io_uring poll requests, epoll entries (and
  // through them the threads blocked in epoll_wait). key 0 is a wake-all (state changes and
  // releases); any other key wakes at most one exclusive waiter (EPOLLEXCLUSIVE).
  void wake(const WaitQueueId& q, std::uint32_t key, RuleLog& log);
  // ep_send_events on an instance: up to max ready items; then a ready list left non-empty
  // wakes the next thread blocked on it (ep_done_scan).
  Observation send_events(int epoll_id, std::size_t max, RuleLog& log, const Observation* observed);
  WaitQueueId queue_of(const OpenFile& f) const;
  std::uint32_t item_poll(const EpItem& it) const;
  // ep_item_poll as epoll_wait, ep_insert and ep_modify call it: for a nested epoll, the inner
  // instance's poll, which drops the not-ready entries it meets from the inner ready list.
  std::uint32_t poll_item(const EpItem& it, RuleLog& log);
  // ep_poll_safewake: an epoll instance's ready list took an entry; whoever watches the
  // instance (an outer epoll) is woken with EPOLLIN.
  void wake_watchers(int epoll_id, RuleLog& log);
  // ep_loop_check: adding epoll `inner` to epoll `outer` would close a cycle or chain more than
  // EP_MAX_NESTS (4) epoll-in-epoll links.
  bool nest_too_deep(int outer, int inner) const;
  int nest_depth_down(int epoll_id) const;  // longest epoll-in-epoll chain below it
  bool is_watched(int epoll_id) const { return epolls_.at(epoll_id).watched_by > 0; }
  // An item that watches an epoll instance was linked (+1) or unlinked (-1).
  void count_watch(const EpItem& it, int delta);
  std::set<int> epolls_below(int epoll_id) const;  // it and every instance nested in it
  bool too_many_wakeup_paths(int target_ofd) const;  // reverse_path_check fails
  int nest_depth_up(int epoll_id) const;    // longest chain of epolls watching it
  std::uint32_t epoll_file_poll(int epoll_id, RuleLog& log);  // drops stale ready entries
  // Drops the registrations of a description (all of them, or only the one under `fd`).
  void remove_items_of(int ofd, std::optional<int> fd = std::nullopt);
  using ItemReadiness = std::map<int, std::vector<std::uint32_t>>;  // epoll id -> per item
  ItemReadiness item_readiness() const;
  void mark_edges(const ItemReadiness& before);

  // poll-family entry point: f_op->poll with its side effects (epoll's stale-entry drop)
  std::uint32_t vfs_poll(int ofd, RuleLog& log);

  // waiter threads (oracle/model_waiters.cpp)
  // wake_up(&ep->wq): the first thread blocked in epoll_wait on the instance, if any.
  void wake_epoll_sleeper(int epoll_id, RuleLog& log);
  bool has_poll_sleeper(const WaitQueueId& q) const;
  void wake_poll_sleepers(const WaitQueueId& q, std::uint32_t key, RuleLog& log);
  // A waiter's first look, as its call enters the kernel: it returns at once or sleeps.
  void start_waiter(ModelWaiter w, Handle h, RuleLog& log);
  // One more look by a woken (or signalled) waiter; it returns or sleeps again.
  void waiter_pass(std::uint32_t number, RuleLog& log);
  void finish_waiter(ModelWaiter& w, WaiterObs result, RuleLog& log);
  // Runs woken waiters until none is left, choosing the order they run in where it matters:
  // the one whose returns a followed kernel showed, else the first order tried, or inside an
  // op (op_over false) the one forced_choices_ names.
  void run_waiters(RuleLog& log, bool op_over = false);
  // The woken waiters whose order of running matters (they touch related epoll instances).
  std::vector<std::uint32_t> order_sensitive() const;
  bool epolls_related(int a, int b) const;
  // Runs woken waiters in wakeup order while no choice of order matters.
  void run_unordered(RuleLog& log);
  void explore_orders(RuleLog& log, std::vector<Model>& outcomes) const;

  // io_uring (oracle/model_uring.cpp)
  RingObj* mapped_ring(Handle h);
  // Runs a ring's task work: until none is left, or (max_rounds) that many batches of what was
  // queued when each batch began, as io_run_local_work does for DEFER_TASKRUN rings.
  void ring_task_work(int ring_id, RuleLog& log, int max_rounds = 1000);
  void run_woken(int ring_id, std::uint64_t req_id, RuleLog& log);
  void run_link_work(int ring_id, const ChainNext& c, RuleLog& log);
  // io_uring_enter(GETEVENTS) on a ring: its task work (one batch for DEFER_TASKRUN), then the
  // held CQEs that fit.
  void getevents(int ring_id, RuleLog& log);
  void issue(int ring_id, QueuedSqe q, std::uint64_t chain, std::vector<QueuedSqe> rest,
             RuleLog& log);
  // A request finished with res: its CQE, its file reference, and the rest of its chain.
  void complete(int ring_id, UringReq req, std::int32_t res, std::uint32_t cqe_flags,
                std::uint64_t digest, RuleLog& log);
  void post(RingObj& r, const UringReq& req, std::int32_t res, std::uint32_t flags,
            std::uint64_t digest, RuleLog& log);
  void cancel_chain(int ring_id, const UringReq& after, RuleLog& log);
  // A request's attempt at issue, or again from the task work of its wakeup (woken): true if
  // it completed (or left for io-wq).
  bool retry(int ring_id, UringReq& req, bool woken, RuleLog& log);
  std::uint64_t cancel_matching(int ring_id, const UringPrep& c, int fd, RuleLog& log);
  // Marks a found request for its ending task work (-ECANCELED).
  void mark_cancelled(RingObj& r, UringReq& target);
  std::optional<int> ring_id_of(Handle h) const;
  void flush_overflow(RingObj& r);
  void flush_completions(RingObj& r);
  void queue_task_work(RingObj& r, std::variant<std::uint64_t, ChainNext> work);
  void run_task_work_entry(int ring_id, const TaskWork& w, RuleLog& log);
  void drop_hold(int ofd, RuleLog& log);
  void wake_ring_requests(const WaitQueueId& q, std::uint32_t key);
  void release_ring(int ring_id, RuleLog& log);

  LearnedParams* params_;
  Accounting accounting_;
  Mutant mutant_;
  std::uint64_t lt_waits_ = 0;  // epoll_waits that delivered a level-triggered entry (LtLost)
  std::set<int> occupied_;
  std::array<int, kMaxHandles> slots_;
  std::map<int, int> fds_;        // fd number -> open file description
  std::map<int, OpenFile> files_; // open file descriptions
  int next_file_ = 0, next_object_ = 0;
  std::uint64_t next_item_seq_ = 0;
  std::map<int, PipeObj> pipes_;
  std::map<int, SockPair> socks_;
  std::map<int, ListenerObj> listeners_;
  std::map<int, EventFdObj> eventfds_;
  std::map<int, RegularFileObj> regulars_;
  std::map<int, EpollObj> epolls_;
  std::map<int, RingObj> rings_;
  std::uint64_t next_req_ = 1, next_chain_ = 1, next_arm_ = 1, next_hash_ = 1, next_task_work_ = 1;
  std::optional<ReapPrediction> reap_prediction_;
  std::vector<ModelWaiter> waiters_;      // by number
  std::deque<std::uint32_t> woken_;       // woken waiters, in wakeup order
  std::vector<WaiterObs> returned_;       // waiters that returned during the current op, by number
  std::vector<std::vector<WaiterObs>> other_wakeups_;
  // While apply follows a kernel: the threads it showed returning.
  const std::vector<WaiterObs>* following_ = nullptr;
  // Choices of order inside an op (run_waiters before the op is over): how many distinct
  // outcomes each had, in the order met, and the ones a re-run of the op is told to take.
  std::vector<std::size_t> mid_op_choices_, forced_choices_;
  // Runs the op again from `before` for every choice inside it that the first run did not take,
  // and admits what each returns.
  void explore_mid_op_choices(const Op& op, std::size_t step, const Observation& first,
                              const Model& before);
  std::vector<Observation> other_outcomes_;
  // Woken threads run at once, where they were woken, rather than once the op is over: the
  // other extreme of when a woken thread may run (see apply).
  bool eager_waiters_ = false;
  bool marks_edges_ = false;
  bool running_eager_ = false;
  std::vector<int> deferred_releases_;  // files eagerly run threads let go of, mid-op
  int eager_releases_ = 0;  // of those, how many the current op's eager run deferred
  int sleeper_wakes_ = 0;  // threads this op woke
  // Whether the instance watches a TCP or UDP socket or a listener, itself or through nested
  // instances: their softirq state changes wake it more often than the model counts.
  bool watches_inet(int epoll_id) const;
  void run_eager_waiters(RuleLog& log);
  // The files eagerly run waiters let go of, released now: at the op's end, or between two
  // calls of an op made of several (fill), where a woken thread may run as well.
  void release_deferred(RuleLog& log);
  // Whether the two models agree on what a later op could see of the threads' race: the epoll
  // ready lists and armed masks, the waiters' states, the files still open.
  bool same_wait_state(const Model& other) const;
  // Marks the instances whose sleepers the other model queued in another order.
  void note_sleeper_orders(const Model& other);
  bool any_waiter_asleep() const;
};

}  // namespace pc
