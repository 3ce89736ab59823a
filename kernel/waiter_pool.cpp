#include "kernel/waiter_pool.h"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include "kernel/proc_file.h"
#include "kernel/waiter_threads.h"

namespace pc {

struct WaiterPool::Waiter final : WaiterJob {
  std::uint32_t number = 0;
  WaitApi api = WaitApi::Epoll;
  int fd = -1;
  std::int32_t maxevents = 1;
  std::size_t entries = 1;
  std::uint16_t events = 0;
  pc_waiter_watch watch{};  // written through the runtime's functions only
  bool reported = false;
  WaiterObs result;  // complete once pc_watch_done says so
  WaiterThread* thread = nullptr;  // the kept thread its call runs on, until given back

  ~Waiter() { pc_watch_close(&watch); }

  // On the kept thread, which the watcher attached (pc_watch_attach) before giving it this job.
  void run() override {
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
    w->thread = acquire_waiter_thread();
    if (!w->thread) {  // none could be started: nothing settles, no verdict
      ok = false;
      break;
    }
    // Its /proc files open before the call: an open takes the lowest free number for a moment,
    // and the call must not meet a /proc file under a descriptor it names.
    pc_watch_attach(&w->watch, waiter_thread_tid(w->thread));
    Waiter& ref = *w;
    threads_.push_back(std::move(w));
    watches_.push_back(&ref.watch);
    give_job(ref.thread, &ref);
    if (!pc_watch_started(&ref.watch) || !settle()) ok = false;
  }
  return ok;
}

bool WaiterPool::settle() {
  scratch_.resize(watches_.size());
  return pc_waiters_settle(watches_.data(), watches_.size(), scratch_.data()) == 1;
}

std::vector<WaiterObs> WaiterPool::collect() {
  std::vector<WaiterObs> out;
  for (const auto& w : threads_)
    if (!w->reported && pc_watch_done(&w->watch)) {
      w->reported = true;
      pc_watch_close(&w->watch);
      if (w->thread) release_waiter_thread(w->thread);
      w->thread = nullptr;
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
    if (!w->thread) continue;
    if (pc_watch_done(&w->watch)) {
      // Its result stays for collect; the thread is free for the next waiter.
      release_waiter_thread(w->thread);
      w->thread = nullptr;
    } else {
      // Stuck in the kernel past every bound: let it go rather than hang, and keep what it
      // writes into alive (its /proc files are closed: they are no part of it).
      pc_watch_close(&w->watch);
      abandon_waiter_thread(w->thread);
      (void)w.release();
    }
  }
  std::erase(threads_, nullptr);
  watches_.clear();
  for (const auto& w : threads_) watches_.push_back(&w->watch);
  return ok;
}

}  // namespace pc
