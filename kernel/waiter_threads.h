// The threads that waiter ops run their blocking calls on, kept from one call to the next and
// from one sequence to the next: starting a thread per waiter (and waiting for it to be created
// and scheduled) cost more than the rest of a campaign. One set per process, shared by every
// executor in it; a forked child starts a set of its own (its parent's threads are not in it).
//
// A kept thread keeps the interrupting signal (pc_interrupt_signal) blocked between calls, and
// discards what is pending before its next one: a signal sent for one call just as that call
// returned must not interrupt the next. It holds no descriptor between calls: the watcher opens
// its /proc files for one call and closes them once that call's result is taken, so the
// descriptor table is the same before and after a sequence.
#pragma once

namespace pc {

// One call for a kept thread to make: run() makes it, stores its result and, last, marks it
// returned (pc_waiter_end); after that the thread touches the job no more.
class WaiterJob {
 public:
  virtual void run() = 0;

 protected:
  ~WaiterJob() = default;
};

class WaiterThread;

// An idle kept thread, started if none is idle; nullptr if one could not be started within
// kWaiterSettleMs. Its thread id is known (for its /proc files) before it is given a job.
WaiterThread* acquire_waiter_thread();
int waiter_thread_tid(const WaiterThread* t);
// Hands job to t, which must be idle: the thread makes the call at once.
void give_job(WaiterThread* t, WaiterJob* job);
// t's job has returned (pc_watch_done): it is idle again, for the next acquire.
void release_waiter_thread(WaiterThread* t);
// t's job never returned: t stays busy for good and is forgotten (never joined).
void abandon_waiter_thread(WaiterThread* t);

}  // namespace pc
