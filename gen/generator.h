// Random op sequences over the whole vocabulary, weighted towards the states where the
// interesting rules live: full buffers, shutdowns, dup-then-close of registered descriptors,
// ONESHOT re-arms, ET re-fires, more ready entries than maxevents.
#pragma once

#include <cstddef>
#include <functional>

#include "gen/chooser.h"
#include "vocab/trace.h"

namespace pc {

struct GenOptions {
  bool select = true, poll = true, epoll = true;  // the readiness calls (a campaign may leave any out)
  bool uring = true;  // io_uring ops (left out where the kernel refuses io_uring)
  bool inet = true;   // TCP and UDP pairs (left out without a private loopback namespace)
  bool unix_sockets = true;  // AF_UNIX pairs (left out where their parameters are out of bounds)
  bool fifo = true;   // FIFOs (left out where the harness cannot make one)
  bool waiters = true;  // waiter threads (left out without a sound signal to settle them by)
  // No fill that takes tens of thousands of writes (1-byte fills of a pipe): the fuzz decoder,
  // where every exec counts, leaves those to the campaign.
  bool cheap_fills = false;
};

Trace generate_trace(Chooser& chooser, std::size_t ops, Profile profile = Profile::Linux,
                     const GenOptions& options = {});
// Ops while more() holds before each one, at most max_ops (the fuzz decoder: while bytes last;
// cheap fills).
Trace generate_trace_while(Chooser& chooser, std::size_t max_ops, const std::function<bool()>& more);

}  // namespace pc
