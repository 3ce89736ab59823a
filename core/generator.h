// Random op sequences over the whole vocabulary, weighted towards the states where the
// interesting rules live: full buffers, shutdowns, dup-then-close of registered descriptors,
// ONESHOT re-arms, ET re-fires, more ready entries than maxevents.
#pragma once

#include <cstddef>
#include <functional>

#include "core/chooser.h"
#include "core/trace.h"

namespace pc {

struct GenOptions {
  bool uring = true;  // io_uring ops (left out where the kernel refuses io_uring)
  bool inet = true;   // TCP and UDP pairs (left out without a private loopback namespace)
};

Trace generate_trace(Chooser& chooser, std::size_t ops, Profile profile = Profile::Linux,
                     const GenOptions& options = {});
// Ops while more() holds before each one, at most max_ops (the fuzz decoder: while bytes last).
Trace generate_trace_while(Chooser& chooser, std::size_t max_ops, const std::function<bool()>& more);

}  // namespace pc
