// A campaign's sequences run in worker processes, forked from the calibrated campaign: each
// worker takes chunks of sequence numbers, runs them, and sends each outcome back as one line;
// the campaign receives the outcomes in sequence order, whatever the number of workers. A worker
// that dies or stalls loses only the sequence it was running (an outcome with `lost` set), and a
// new worker goes on with the rest of its chunk.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <functional>

#include "harness/sequence_outcome.h"

namespace pc {

struct WorkerOptions {
  std::size_t jobs = 1;
  // Sequence numbers handed to a worker at a time: small, so that the workers stay busy to the
  // end, and the outcomes waiting for an earlier one stay few.
  std::size_t chunk = 8;
  // A worker that sends nothing for this long while it has work is killed: every call the
  // executor makes is bounded far below it, so it is stuck (a harness problem).
  std::chrono::seconds stall{300};
  // Set (by a signal handler) to stop: no more chunks are handed out, the workers are killed,
  // and the outcomes received so far are delivered.
  const volatile std::sig_atomic_t* stop = nullptr;
};

// In the worker: sequence i's outcome. Called in a fresh process per worker, after
// `enter_worker` (which may be empty).
using RunOne = std::function<SequenceOutcome(std::size_t index)>;
// In the campaign: the next outcome, in sequence order; false to stop.
using Deliver = std::function<bool(SequenceOutcome&&)>;

struct WorkersResult {
  bool stopped_by_signal = false;
  std::size_t workers_started = 0;  // respawned ones included
};

// Runs sequences 0..n-1. enter_worker runs first in each new worker process (a private network
// namespace of its own, say); an exception from it or from run_one makes that sequence lost.
WorkersResult run_in_workers(std::size_t n, const WorkerOptions& options,
                             const std::function<void()>& enter_worker, const RunOne& run_one,
                             const Deliver& deliver);

}  // namespace pc
