#include "kernel/waiter_pool.h"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include "kernel/proc_file.h"

namespace pc {

struct WaiterPool::Waiter {
  std::uint32_t number = 0;
  WaitApi api = WaitApi::Epoll;
  int fd = -1;
  std::int32_t maxevents = 1;
  std::size_t entries = 1;
  std::uint16_t events = 0;
  pc_waiter_watch watch{};  // written through the runtime's functions only
  bool reported = false;
  WaiterObs result;  // complete once pc_watch_done says so
  std::thread thread;

  ~Waiter() { pc_watch_close(&watch); }

  void body() {
    pc_waiter_begin(&watch);
    WaiterObs r;
    r.waiter = number;
    std::vector<epoll_event> buf(api == WaitApi::Epoll ? entries : 0);
    r.events.reserve(api == WaitApi::Epoll ? entries : 1);
    short revents = 0;
    const long n = pc_waiter_call(&watch, fd, maxevents, static_cast<short>(events), buf.data(), &revents);
    r.err = n < 0 ? errno : 0;
    if (api == WaitApi::Epoll)
      for (long i = 0; i < n; ++i)
        r.events.push_back({buf[static_cast<std::size_t>(i)].events, buf[static_cast<std::size_t>(i)].data.u64});
    if (api == WaitApi::Poll && n > 0) r.events.push_back({static_cast<std::uint16_t>(revents), 0});
    r.ret = n < 0 ? -1 : n;
    result = std::move(r);
    pc_waiter_end(&watch);
  }
};

const std::string& waiter_settle_unavailable() {
  static const std::string why = [] {
    char text[512];
    return pc_waiters_probe(text, sizeof text, nullptr) == PC_SETTLE_PROC ? std::string() : std::string(text);
  }();
  return why;
}

WaiterPool::WaiterPool() {
  static std::once_flag installed;
  std::call_once(installed, [] { pc_install_interrupt(); });
}

WaiterPool::~WaiterPool() { interrupt_all(); }

std::size_t WaiterPool::alive() const {
  return static_cast<std::size_t>(std::count_if(threads_.begin(), threads_.end(), [](const auto& w) {
    return !pc_watch_done(&w->watch);
  }));
}

bool WaiterPool::start(WaitApi api, int fd, std::uint32_t n, std::int32_t maxevents,
                       std::size_t epoll_entries, std::uint16_t poll_events) {
  bool ok = true;
  for (std::uint32_t k = 0; k < n; ++k) {
    auto w = std::make_unique<Waiter>();
    w->number = static_cast<std::uint32_t>(threads_.size());
    w->api = api;
    pc_watch_init(&w->watch, runtime_wait_api(api));
    w->fd = fd;
    w->maxevents = maxevents;
    w->entries = std::max<std::size_t>(epoll_entries, 1);
    w->events = poll_events;
    Waiter& ref = *w;
    threads_.push_back(std::move(w));
    ref.thread = std::thread([&ref] { ref.body(); });
    if (!pc_watch_started(&ref.watch) || !settle()) ok = false;
  }
  return ok;
}

bool WaiterPool::settle() {
  std::vector<pc_waiter_watch*> watches;
  for (const auto& w : threads_) watches.push_back(&w->watch);
  std::vector<pc_task_look> scratch(2 * watches.size());
  return pc_waiters_settle(watches.data(), watches.size(), scratch.data()) == 1;
}

std::vector<WaiterObs> WaiterPool::collect() {
  std::vector<WaiterObs> out;
  for (const auto& w : threads_)
    if (!w->reported && pc_watch_done(&w->watch)) {
      w->reported = true;
      pc_watch_close(&w->watch);
      out.push_back(w->result);
    }
  return out;
}

bool WaiterPool::interrupt_all() {
  bool ok = true;
  for (const auto& w : threads_) {
    if (pc_watch_done(&w->watch)) continue;
    if (!pc_watch_interrupt(&w->watch)) {
      ok = false;
      continue;
    }
    if (!settle()) ok = false;
  }
  for (auto& w : threads_) {
    if (!w->thread.joinable()) continue;
    if (pc_watch_done(&w->watch)) {
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
