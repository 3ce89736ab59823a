#include "kernel/waiter_pool.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include "kernel/proc_file.h"

namespace pc {
namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point deadline() { return Clock::now() + std::chrono::milliseconds(kWaiterSettleMs); }

void on_interrupt(int) {}

// What /proc says about one thread: its scheduler state, how often it was switched out (a
// thread that was woken and slept again has a new count), and the system call it is in.
struct TaskView {
  char state = '?';
  std::uint64_t switches = 0;
  long syscall = -1;  // -1: running, or unreadable
  friend bool operator==(const TaskView&, const TaskView&) = default;
};

std::size_t read_small(int fd, char* buf, std::size_t cap) {
  const ssize_t n = fd < 0 ? -1 : ::pread(fd, buf, cap - 1, 0);
  const std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
  buf[len] = '\0';
  return len;
}

std::uint64_t number_after(std::string_view text, std::string_view key) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return 0;
  std::size_t p = at + key.size();
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  std::uint64_t v = 0;
  std::from_chars(text.data() + p, text.data() + text.size(), v);
  return v;
}

TaskView view_task(int status_fd, int syscall_fd) {
  TaskView v;
  char buf[2048];
  const std::string_view status(buf, read_small(status_fd, buf, sizeof buf));
  if (const std::size_t at = status.find("State:\t"); at != std::string_view::npos &&
                                                      at + 7 < status.size())
    v.state = status[at + 7];
  v.switches = number_after(status, "\nvoluntary_ctxt_switches:") +
               number_after(status, "nonvoluntary_ctxt_switches:");
  const std::string_view sc(buf, read_small(syscall_fd, buf, sizeof buf));
  if (!sc.empty() && sc[0] >= '0' && sc[0] <= '9') {
    long nr = -1;
    std::from_chars(sc.data(), sc.data() + sc.size(), nr);
    v.syscall = nr;
  }
  return v;
}

}  // namespace

struct WaiterPool::Waiter {
  std::uint32_t number = 0;
  WaitApi api = WaitApi::Epoll;
  int fd = -1;
  std::int32_t maxevents = 1;
  std::size_t entries = 1;
  std::uint16_t events = 0;
  std::atomic<pid_t> tid{0};
  std::atomic<bool> go{false};  // set once its /proc files are open: only then its call
  std::atomic<bool> done{false};
  bool reported = false;
  WaiterObs result;
  std::thread thread;
  int status_fd = -1, syscall_fd = -1;  // its /proc files (open_high)

  ~Waiter() { close_views(); }
  void open_views(pid_t t) {
    const std::string dir = "/proc/self/task/" + std::to_string(t) + "/";
    status_fd = open_high(dir + "status");
    syscall_fd = open_high(dir + "syscall");
  }
  void close_views() {
    if (status_fd >= 0) ::close(status_fd);
    if (syscall_fd >= 0) ::close(syscall_fd);
    status_fd = syscall_fd = -1;
  }
  TaskView view() const { return view_task(status_fd, syscall_fd); }

  long wait_syscall() const {
    switch (api) {
      case WaitApi::Epoll: return SYS_epoll_wait;
      case WaitApi::Poll: return SYS_poll;
      case WaitApi::Uring: return SYS_io_uring_enter;
    }
    return -1;
  }

  // Raw system calls, so that /proc names the call this waiter sleeps in whatever libc does.
  void body() {
    tid.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
    // The harness opens this thread's /proc files first: an open takes the lowest free number,
    // for a moment, and the call must not meet a /proc file under a descriptor it names.
    while (!go.load(std::memory_order_acquire)) ::sched_yield();
    WaiterObs r;
    r.waiter = number;
    long n = -1;
    switch (api) {
      case WaitApi::Epoll: {
        std::vector<epoll_event> buf(entries);
        r.events.reserve(entries);
        n = ::syscall(SYS_epoll_wait, fd, buf.data(), maxevents, -1);
        r.err = n < 0 ? errno : 0;
        for (long i = 0; i < n; ++i)
          r.events.push_back({buf[static_cast<std::size_t>(i)].events, buf[static_cast<std::size_t>(i)].data.u64});
        break;
      }
      case WaitApi::Poll: {
        pollfd p{fd, static_cast<short>(events), 0};
        r.events.reserve(1);
        n = ::syscall(SYS_poll, &p, 1, -1);
        r.err = n < 0 ? errno : 0;
        if (n > 0) r.events.push_back({static_cast<std::uint16_t>(p.revents), 0});
        break;
      }
      case WaitApi::Uring:
        n = ::syscall(SYS_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS, nullptr, 0);
        r.err = n < 0 ? errno : 0;
        break;
    }
    r.ret = n < 0 ? -1 : n;
    result = std::move(r);
    done.store(true, std::memory_order_release);
  }
};

int WaiterPool::interrupt_signal() { return SIGRTMIN + 4; }

WaiterPool::WaiterPool() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the interrupted call returns EINTR
    ::sigaction(interrupt_signal(), &sa, nullptr);
  });
}

WaiterPool::~WaiterPool() { interrupt_all(); }

std::size_t WaiterPool::alive() const {
  return static_cast<std::size_t>(std::count_if(threads_.begin(), threads_.end(), [](const auto& w) {
    return !w->done.load(std::memory_order_acquire);
  }));
}

bool WaiterPool::wait_asleep_or_done(Waiter& w) {
  const auto end = deadline();
  while (Clock::now() < end) {
    if (w.done.load(std::memory_order_acquire)) return true;
    if (const pid_t tid = w.tid.load(std::memory_order_acquire); tid != 0) {
      if (!w.go.load(std::memory_order_relaxed)) {
        w.open_views(tid);
        w.go.store(true, std::memory_order_release);
      }
      const TaskView v = w.view();
      if (v.state == 'S' && v.syscall == w.wait_syscall()) return true;
    }
    ::sched_yield();
  }
  return false;
}

bool WaiterPool::start(WaitApi api, int fd, std::uint32_t n, std::int32_t maxevents,
                       std::size_t epoll_entries, std::uint16_t poll_events) {
  bool ok = true;
  for (std::uint32_t k = 0; k < n; ++k) {
    auto w = std::make_unique<Waiter>();
    w->number = static_cast<std::uint32_t>(threads_.size());
    w->api = api;
    w->fd = fd;
    w->maxevents = maxevents;
    w->entries = std::max<std::size_t>(epoll_entries, 1);
    w->events = poll_events;
    Waiter& ref = *w;
    threads_.push_back(std::move(w));
    ref.thread = std::thread([&ref] { ref.body(); });
    if (!wait_asleep_or_done(ref) || !settle()) ok = false;
  }
  return ok;
}

bool WaiterPool::settle() {
  const auto end = deadline();
  auto look = [&](std::vector<std::pair<bool, TaskView>>& out) {
    out.clear();
    bool asleep = true;
    for (const auto& w : threads_) {
      const bool done = w->done.load(std::memory_order_acquire);
      TaskView v;
      if (!done) {
        v = w->view();
        asleep = asleep && v.state == 'S' && v.syscall == w->wait_syscall();
      }
      out.emplace_back(done, v);
    }
    return asleep;
  };
  std::vector<std::pair<bool, TaskView>> first, second;
  while (Clock::now() < end) {
    if (look(first) && look(second) && first == second) return true;
    ::sched_yield();
  }
  return false;
}

std::vector<WaiterObs> WaiterPool::collect() {
  std::vector<WaiterObs> out;
  for (const auto& w : threads_)
    if (!w->reported && w->done.load(std::memory_order_acquire)) {
      w->reported = true;
      w->close_views();
      out.push_back(w->result);
    }
  return out;
}

bool WaiterPool::interrupt_all() {
  bool ok = true;
  for (const auto& w : threads_) {
    if (w->done.load(std::memory_order_acquire)) continue;
    w->go.store(true, std::memory_order_release);  // one that never got to its call goes now
    // Signalled again every few milliseconds: a thread the last op left running (unsettled)
    // may take the first signal outside its call and only then block.
    const auto end = deadline();
    auto next_signal = Clock::now();
    while (!w->done.load(std::memory_order_acquire) && Clock::now() < end) {
      if (const pid_t tid = w->tid.load(std::memory_order_acquire); tid != 0 && Clock::now() >= next_signal) {
        ::syscall(SYS_tgkill, ::getpid(), tid, interrupt_signal());
        next_signal = Clock::now() + std::chrono::milliseconds(5);
      }
      ::sched_yield();
    }
    if (!w->done.load(std::memory_order_acquire)) {
      ok = false;
      continue;
    }
    if (!settle()) ok = false;
  }
  for (auto& w : threads_) {
    if (!w->thread.joinable()) continue;
    if (w->done.load(std::memory_order_acquire)) {
      w->thread.join();
    } else {
      // Stuck in the kernel past every bound: let it go rather than hang, and keep what it
      // writes into alive.
      w->thread.detach();
      (void)w.release();
    }
  }
  std::erase(threads_, nullptr);
  return ok;
}

}  // namespace pc
