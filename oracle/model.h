// The oracle's state: a modeled fd table, open file descriptions, the objects behind them and
// their wait queues, and epoll interest lists. A value type; copying it is how the oracle
// predicts without committing.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/observation.h"
#include "core/ops.h"
#include "oracle/mutants.h"
#include "oracle/params.h"
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

enum class Kind : std::uint8_t { Pipe, Socket, EventFd, RegularFile, Epoll };

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
};

struct Skb {
  Segment seg;             // its payload; seg.begin advances as a stream reader consumes it
  std::uint32_t truesize;  // what it charges to its sender
};

struct SockEnd {
  std::deque<Skb> rq;        // what the peer sent and this end has not read
  std::uint64_t wmem = 0;    // truesize of this end's skbs still queued at the peer
  std::uint8_t shutdown = 0; // 1 RCV_SHUTDOWN, 2 SEND_SHUTDOWN
  int err = 0;               // sk_err, consumed by the next read that looks at it
  bool alive = true;         // a file still refers to it
  bool peer_linked = true;   // unix_peer(sk) is set
  bool state_close = false;  // sk_state == TCP_CLOSE
};

struct SockPair {
  SockType type = SockType::Stream;
  std::array<SockEnd, 2> end;
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
};

struct EpollObj {
  std::vector<EpItem> items;  // interest list in insertion order
  std::deque<std::size_t> ready;  // indexes into items, ready-list order
};

struct OpenFile {
  Kind kind;
  int object;
  int side = 0;  // pipe: 0 read end, 1 write end; socket: which end
  int refs = 1;  // descriptors referring to it
  std::uint64_t pos = 0;  // regular file offset
};

// Whose rules fired while predicting one op.
struct RuleLog {
  std::vector<RuleId> rules;
  void use(RuleId r);
};

class Model {
 public:
  // mutant: a bug-zoo behaviour to show instead of Linux's (Mutant::None for the real oracle).
  Model(LearnedParams& params, std::set<int> occupied, Mutant mutant = Mutant::None);

  // Applies op with Linux's outcome and returns that outcome. When `observed` is given (the doc
  // profile, where the kernel may choose), the model follows the kernel's choice instead where
  // Linux would have chosen otherwise (bytes written, which events were delivered).
  Observation apply(const Op& op, std::size_t step, RuleLog& log,
                    const Observation* observed = nullptr);

  // Readiness of an open file description right now, as its f_op->poll would report it.
  std::uint32_t readiness(int ofd) const;
  // Names the readiness rules a report about this file relies on.
  void log_readiness(int ofd, RuleLog& log) const;
  // Bits whose value the man pages leave to the implementation for this file right now
  // (writability thresholds), for the doc profile.
  std::uint32_t doc_slack(int ofd) const;

  int fd_of(Handle h) const { return slots_[h.slot]; }
  std::optional<int> ofd_of_fd(int fd) const;
  const OpenFile& file(int ofd) const { return files_.at(ofd); }
  const std::map<int, EpollObj>& epolls() const { return epolls_; }
  const std::map<int, OpenFile>& files() const { return files_; }
  const std::map<int, int>& fd_table() const { return fds_; }
  LearnedParams& params() const { return *params_; }

  // Observation visitors (one per op); public so the dispatcher can reach them.
  Observation op(const MakePipe&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeSocketPair&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeEventFd&, std::size_t, RuleLog&, const Observation*);
  Observation op(const MakeRegularFile&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCreate1&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCreate&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Dup&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Close&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Write&, std::size_t, RuleLog&, const Observation*);
  Observation op(const FillWrite&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Read&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Shutdown&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollCtl&, std::size_t, RuleLog&, const Observation*);
  Observation op(const EpollWait&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Poll&, std::size_t, RuleLog&, const Observation*);
  Observation op(const Select&, std::size_t, RuleLog&, const Observation*);

 private:
  // fd table
  int lowest_free_fd() const;
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
  std::int64_t read_file(int ofd, std::uint32_t len, std::uint64_t& digest, RuleLog& log);
  std::int64_t pipe_write(PipeObj& p, int pipe_id, const Segment& payload, std::int64_t limit,
                          RuleLog& log);
  std::int64_t pipe_read(PipeObj& p, int pipe_id, std::uint32_t len, std::uint64_t& digest,
                         RuleLog& log);
  std::int64_t sock_write(SockPair& s, int sock_id, int side, const Segment& payload,
                          std::int64_t limit, RuleLog& log);
  std::int64_t sock_read(SockPair& s, int sock_id, int side, std::uint32_t len,
                         std::uint64_t& digest, RuleLog& log);
  void free_skb(int sock_id, int sender, const Skb& skb, RuleLog& log);
  void release_socket(int sock_id, int side, RuleLog& log);
  bool unix_writable(const SockEnd& e) const;

  // epoll
  void wake(const WaitQueueId& q, std::uint32_t key, RuleLog& log);
  WaitQueueId queue_of(const OpenFile& f) const;
  std::uint32_t item_poll(const EpItem& it) const;
  std::uint32_t epoll_file_poll(int epoll_id, RuleLog& log);  // drops stale ready entries
  // Drops the registrations of a description (all of them, or only the one under `fd`).
  void remove_items_of(int ofd, std::optional<int> fd = std::nullopt);
  using ItemReadiness = std::map<int, std::vector<std::uint32_t>>;  // epoll id -> per item
  ItemReadiness item_readiness() const;
  void mark_edges(const ItemReadiness& before);

  // poll-family entry point: f_op->poll with its side effects (epoll's stale-entry drop)
  std::uint32_t vfs_poll(int ofd, RuleLog& log);

  LearnedParams* params_;
  Mutant mutant_;
  std::uint64_t lt_waits_ = 0;  // epoll_waits that delivered a level-triggered entry (LtLost)
  std::set<int> occupied_;
  std::array<int, kMaxHandles> slots_;
  std::map<int, int> fds_;        // fd number -> open file description
  std::map<int, OpenFile> files_; // open file descriptions
  int next_file_ = 0, next_object_ = 0;
  std::map<int, PipeObj> pipes_;
  std::map<int, SockPair> socks_;
  std::map<int, EventFdObj> eventfds_;
  std::map<int, RegularFileObj> regulars_;
  std::map<int, EpollObj> epolls_;
};

}  // namespace pc
