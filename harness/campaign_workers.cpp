#include "harness/campaign_workers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "vocab/unique_fd.h"

namespace pc {
namespace {

using Clock = std::chrono::steady_clock;

// What the campaign hands a worker: run sequences [begin, end).
struct Chunk {
  std::uint64_t begin = 0, end = 0;
};

// All n bytes through io (read or write), across short transfers and signals; false at an
// error or the pipe's end.
template <class Buf, class Io>
bool transfer_all(int fd, Buf* p, std::size_t n, Io io) {
  while (n > 0) {
    const ssize_t done = io(fd, p, n);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    p += done;
    n -= static_cast<std::size_t>(done);
  }
  return true;
}

bool write_all(int fd, const char* p, std::size_t n) { return transfer_all(fd, p, n, ::write); }
bool read_all(int fd, char* p, std::size_t n) { return transfer_all(fd, p, n, ::read); }

SequenceOutcome lost_outcome(std::size_t index, std::string why) {
  SequenceOutcome o;
  o.index = index;
  o.lost = std::move(why);
  return o;
}

// The worker's side: chunks in, one outcome line per sequence out, until the campaign closes
// its end of the chunk pipe. Never returns.
[[noreturn]] void worker_main(pid_t campaign, int chunks_fd, int outcomes_fd,
                              const std::function<void()>& enter_worker, const RunOne& run_one) {
  // The campaign decides when to stop: a Ctrl-C reaches the whole process group, and the
  // campaign, not each worker, must see it. If the campaign itself dies, so do its workers.
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_IGN);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The campaign may have died before that took hold. (It may itself be pid 1, in a
  // container: compare with its pid, not with 1.)
  if (::getppid() != campaign) ::_exit(0);
  std::string entered;
  try {
    if (enter_worker) enter_worker();
  } catch (const std::exception& e) {
    entered = e.what();
  }
  Chunk c;
  while (read_all(chunks_fd, reinterpret_cast<char*>(&c), sizeof c)) {
    for (std::uint64_t i = c.begin; i < c.end; ++i) {
      SequenceOutcome o;
      try {
        o = entered.empty() ? run_one(i) : lost_outcome(i, "the worker could not start: " + entered);
      } catch (const std::exception& e) {
        o = lost_outcome(i, std::string("the worker failed: ") + e.what());
      }
      std::string line = encode_outcome(o);
      line += '\n';
      if (!write_all(outcomes_fd, line.data(), line.size())) ::_exit(1);
    }
  }
  // Static destructors belong to the campaign's process, not to its copies.
  ::_exit(0);
}

struct Worker {
  pid_t pid = -1;
  UniqueFd chunks, outcomes;
  std::string buffer;  // outcome text not yet ended by a newline
  std::optional<Chunk> chunk;  // what it runs; begin advances as outcomes come
  Clock::time_point last_heard;
};

class Pool {
 public:
  Pool(std::size_t n, const WorkerOptions& o, const std::function<void()>& enter, const RunOne& run,
       const Deliver& deliver)
      : n_(n), options_(o), enter_(enter), run_(run), deliver_(deliver) {}
  ~Pool() { kill_all(); }  // also when the campaign throws: no worker outlives it
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  WorkersResult run() {
    // A chunk written to a worker that has just died must fail with EPIPE, which hand_out
    // ignores (the death shows on its outcome pipe), not kill the campaign.
    ::signal(SIGPIPE, SIG_IGN);
    const std::size_t jobs = std::max<std::size_t>(1, std::min(options_.jobs, n_));
    for (std::size_t k = 0; k < jobs && next_ < n_; ++k) {
      Worker& w = spawn();
      hand_out(w);
    }
    while (delivered_ < n_ && !stopped_) {
      if (options_.stop && *options_.stop) {
        result_.stopped_by_signal = true;
        break;
      }
      wait_for_outcomes();
      deliver_ready();
    }
    kill_all();
    // Stopped by a signal: what came back is delivered, in order, past any sequence that did
    // not (its finding, if any, is saved; nothing received is lost).
    if (result_.stopped_by_signal && !stopped_)
      for (auto& [index, o] : pending_)
        if (!deliver_(std::move(o))) break;
    return result_;
  }

 private:
  Worker& spawn() {
    int chunk_pipe[2], outcome_pipe[2];
    if (::pipe2(chunk_pipe, O_CLOEXEC) != 0 || ::pipe2(outcome_pipe, O_CLOEXEC) != 0)
      throw std::runtime_error(fmt::format("pipe2: {}", std::strerror(errno)));
    const pid_t campaign = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
    if (pid == 0) {
      // The other workers' pipes stay with the campaign: a worker holding them would keep a
      // dead sibling's pipe open.
      for (Worker& w : workers_) {
        w.chunks.reset();
        w.outcomes.reset();
      }
      ::close(chunk_pipe[1]);
      ::close(outcome_pipe[0]);
      worker_main(campaign, chunk_pipe[0], outcome_pipe[1], enter_, run_);
    }
    ::close(chunk_pipe[0]);
    ::close(outcome_pipe[1]);
    Worker w;
    w.pid = pid;
    w.chunks = UniqueFd(chunk_pipe[1]);
    w.outcomes = UniqueFd(outcome_pipe[0]);
    w.last_heard = Clock::now();
    ++result_.workers_started;
    workers_.push_back(std::move(w));
    return workers_.back();
  }

  // The next chunk to w, or, with none left, its end of the chunk pipe closed (it exits).
  void hand_out(Worker& w, std::optional<Chunk> rest = std::nullopt) {
    Chunk c;
    if (rest) {
      c = *rest;
    } else if (next_ < n_ && !stopped_) {
      c = {next_, std::min<std::uint64_t>(next_ + options_.chunk, n_)};
      next_ = c.end;
    } else {
      w.chunks.reset();
      w.chunk.reset();
      return;
    }
    w.chunk = c;
    w.last_heard = Clock::now();
    if (!write_all(w.chunks.get(), reinterpret_cast<const char*>(&c), sizeof c)) {
      // It died before taking it; the death is noticed on its outcome pipe.
    }
  }

  void wait_for_outcomes() {
    std::vector<pollfd> fds;
    for (const Worker& w : workers_) fds.push_back({w.outcomes.get(), POLLIN, 0});
    // A second at most: the stop flag and the stall bound are looked at between polls.
    const int n = ::poll(fds.data(), fds.size(), 1000);
    if (n < 0 && errno != EINTR) throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    const auto now = Clock::now();
    std::vector<std::size_t> gone;
    for (std::size_t k = 0; k < workers_.size(); ++k) {
      Worker& w = workers_[k];
      if (n > 0 && (fds[k].revents & (POLLIN | POLLHUP | POLLERR))) {
        if (!read_from(w)) {
          gone.push_back(k);
          continue;
        }
      }
      if (w.chunk && now - w.last_heard > options_.stall) {
        ::kill(w.pid, SIGKILL);
        retire(w, fmt::format("its worker sent nothing for {} s and was killed",
                              options_.stall.count()));
        gone.push_back(k);
      }
    }
    for (auto it = gone.rbegin(); it != gone.rend(); ++it) workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(*it));
    // A chunk left unfinished by a lost worker goes on in a new one.
    for (Chunk rest : orphaned_) {
      Worker& w = spawn();
      hand_out(w, rest);
    }
    orphaned_.clear();
  }

  // Reads what the worker sent; false when its pipe reached its end (it exited or died).
  bool read_from(Worker& w) {
    char buf[1 << 16];
    const ssize_t r = ::read(w.outcomes.get(), buf, sizeof buf);
    if (r < 0 && errno == EINTR) return true;
    if (r <= 0) {
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      w.pid = -1;
      if (w.chunk) retire(w, WIFSIGNALED(status) ? fmt::format("its worker died of signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)))
                                                 : fmt::format("its worker exited with status {}", WEXITSTATUS(status)));
      return false;
    }
    w.buffer.append(buf, static_cast<std::size_t>(r));
    w.last_heard = Clock::now();
    std::size_t at = 0;
    for (std::size_t nl; (nl = w.buffer.find('\n', at)) != std::string::npos; at = nl + 1) {
      SequenceOutcome o = parse_outcome(w.buffer.substr(at, nl - at));
      if (!w.chunk || o.index != w.chunk->begin)
        throw std::runtime_error(fmt::format("a worker sent sequence {} out of turn", o.index));
      ++w.chunk->begin;
      pending_.emplace(o.index, std::move(o));
      if (w.chunk->begin == w.chunk->end) hand_out(w);
    }
    w.buffer.erase(0, at);
    return true;
  }

  // A worker that will send nothing more: the sequence it was running is lost, the rest of its
  // chunk goes to a new worker.
  void retire(Worker& w, const std::string& why) {
    if (w.pid > 0) {
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      w.pid = -1;
    }
    const Chunk c = *w.chunk;
    w.chunk.reset();
    pending_.emplace(c.begin, lost_outcome(c.begin, fmt::format("sequence {}: {}", c.begin, why)));
    if (c.begin + 1 < c.end && !stopped_) orphaned_.push_back({c.begin + 1, c.end});
  }

  void deliver_ready() {
    for (auto it = pending_.find(delivered_); it != pending_.end() && !stopped_; it = pending_.find(delivered_)) {
      SequenceOutcome o = std::move(it->second);
      pending_.erase(it);
      ++delivered_;
      if (!deliver_(std::move(o))) stopped_ = true;
    }
  }

  void kill_all() {
    for (Worker& w : workers_) {
      w.chunks.reset();
      if (w.pid > 0) {
        // A worker with no chunk is on its way out already; one with a chunk is stopped.
        if (w.chunk) ::kill(w.pid, SIGKILL);
        int status = 0;
        ::waitpid(w.pid, &status, 0);
      }
    }
    workers_.clear();
  }

  std::size_t n_;
  WorkerOptions options_;
  const std::function<void()>& enter_;
  const RunOne& run_;
  const Deliver& deliver_;
  std::vector<Worker> workers_;
  std::vector<Chunk> orphaned_;
  std::map<std::size_t, SequenceOutcome> pending_;  // received, waiting for an earlier one
  std::uint64_t next_ = 0;     // the first sequence not handed out
  std::size_t delivered_ = 0;  // sequences delivered, in order
  bool stopped_ = false;       // deliver asked to stop
  WorkersResult result_;
};

}  // namespace

WorkersResult run_in_workers(std::size_t n, const WorkerOptions& options,
                             const std::function<void()>& enter_worker, const RunOne& run_one,
                             const Deliver& deliver) {
  return Pool(n, options, enter_worker, run_one, deliver).run();
}

}  // namespace pc
