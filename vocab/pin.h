// A pinned expectation: the fields of one step's outcome that a trace fixes by hand, checked
// on top of the oracle (by replay and by the C reproducer), as kernel selftests pin results.
// Only the fields present are checked.
//
// Text form, on the line after its op:   => ret=1 events=[IN|OUT:7]
//   ret=N  err=EAGAIN  fds=[3,4]  digest=0x1234  writes=16  events=[MASK:DATA,...]
//   revents=[MASK,...]  sq=4 cq=8  cqes=[RES:USER_DATA:FLAGS:DIGEST,...]  early=false  rd=[3] wr=[] ex=[]  (the three
//   select sets go together)  woke=[0:1@IN:0,1:-1:EINTR] (waiter:ret[:errno][@events as in
//   events=, joined by '+'])
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vocab/observation.h"

namespace pc {

struct Pin {
  std::optional<std::int64_t> ret;
  std::optional<int> err;
  std::optional<std::vector<int>> fds;
  std::optional<std::uint64_t> digest;
  std::optional<std::uint32_t> writes;
  std::optional<std::vector<EpollEventObs>> events;
  std::optional<std::vector<std::uint16_t>> revents;
  std::optional<std::uint32_t> sq, cq;  // io_uring_setup: the ring sizes
  std::optional<std::vector<CqeObs>> cqes;  // exact, in reap order
  std::optional<bool> early;  // timed_wait: returned before its timeout
  std::optional<std::array<std::vector<int>, 3>> sets;
  std::optional<std::vector<WaiterObs>> woke;  // the waiters that returned during the step
  friend bool operator==(const Pin&, const Pin&) = default;
};

}  // namespace pc
