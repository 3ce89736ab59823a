#include "kernel/waiter_threads.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "repro/runtime/pc_clock.h"
#include "repro/runtime/pc_waiters.h"
#include "vocab/c/pc_limits.h"

namespace pc {

class WaiterThread {
 public:
  WaiterThread() : thread_([this] { loop(); }) {}
  // Only an idle thread is destroyed: it is told to quit and joined.
  ~WaiterThread() {
    quit_.store(true);
    seq_.fetch_add(1);
    seq_.notify_one();
    thread_.join();
  }
  WaiterThread(const WaiterThread&) = delete;
  WaiterThread& operator=(const WaiterThread&) = delete;

  // Bounded: the thread publishes its id as soon as it runs.
  int wait_tid() const {
    const long long end = pc_now_ms() + PC_WAITER_SETTLE_MS;
    pc_backoff b;
    pc_backoff_init(&b);
    while (tid_.load() == 0 && pc_now_ms() < end) pc_backoff_sleep(&b);
    return tid_.load();
  }
  int tid() const { return tid_.load(); }
  void give(WaiterJob* job) {
    job_ = job;
    seq_.fetch_add(1);  // publishes job_
    seq_.notify_one();
  }
  void detach() { thread_.detach(); }

 private:
  void loop() {
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, pc_interrupt_signal());
    pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
    tid_.store(static_cast<int>(::syscall(SYS_gettid)));
    std::uint32_t handled = 0;
    for (;;) {
      seq_.wait(handled);
      handled = seq_.load();
      if (quit_.load()) return;
      pc_drain_interrupt();
      pthread_sigmask(SIG_UNBLOCK, &interrupt, nullptr);
      job_->run();  // the job is the watcher's again once it returned
      pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
    }
  }

  std::atomic<int> tid_{0};
  std::atomic<std::uint32_t> seq_{0};
  std::atomic<bool> quit_{false};
  WaiterJob* job_ = nullptr;
  std::thread thread_;  // last: it starts once the rest is set
};

namespace {

// Every kept thread of this process: the idle ones, and how many are busy.
class KeptThreads {
 public:
  ~KeptThreads() {
    // Busy ones are still in a call the executor gave up on: they are never joined. The idle
    // ones are told to quit and joined as idle_ goes.
    for (WaiterThread* t : busy_) t->detach();
    busy_.clear();
  }

  WaiterThread* acquire() {
    std::lock_guard lock(mu_);
    forget_if_forked();
    WaiterThread* t = nullptr;
    if (!idle_.empty()) {
      if (idle_.back()->wait_tid() == 0) return nullptr;  // one that never ran yet
      t = idle_.back().release();
      idle_.pop_back();
    } else {
      auto fresh = std::make_unique<WaiterThread>();
      if (fresh->wait_tid() == 0) {
        // Never ran within the bound: keep it among the idle, which are joined at exit.
        idle_.push_back(std::move(fresh));
        return nullptr;
      }
      t = fresh.release();
    }
    busy_.push_back(t);
    return t;
  }

  void release(WaiterThread* t) {
    std::lock_guard lock(mu_);
    if (!take_busy(t)) return;
    idle_.emplace_back(t);
  }

  void abandon(WaiterThread* t) {
    std::lock_guard lock(mu_);
    if (take_busy(t)) t->detach();  // its object stays, for the call that still runs on it
  }

 private:
  bool take_busy(WaiterThread* t) {
    const auto it = std::find(busy_.begin(), busy_.end(), t);
    if (it == busy_.end()) return false;
    busy_.erase(it);
    return true;
  }
  // A forked child has none of its parent's threads: what the records say of them is forgotten
  // (not destroyed: there is nothing to join).
  void forget_if_forked() {
    if (pid_ == ::getpid()) return;
    for (auto& t : idle_) (void)t.release();
    idle_.clear();
    busy_.clear();
    pid_ = ::getpid();
  }

  std::mutex mu_;
  pid_t pid_ = ::getpid();
  std::vector<std::unique_ptr<WaiterThread>> idle_;
  std::vector<WaiterThread*> busy_;
};

KeptThreads& kept() {
  static KeptThreads threads;
  return threads;
}

}  // namespace

WaiterThread* acquire_waiter_thread() { return kept().acquire(); }
int waiter_thread_tid(const WaiterThread* t) { return t->tid(); }
void give_job(WaiterThread* t, WaiterJob* job) { t->give(job); }
void release_waiter_thread(WaiterThread* t) { kept().release(t); }
void abandon_waiter_thread(WaiterThread* t) { kept().abandon(t); }

}  // namespace pc
