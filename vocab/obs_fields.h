// Which fields of an Observation each op fills: the one table that pin_of, the pin round-trip
// test and the check that the executor fills nothing else read. ret is every op's, and err
// every failed op's; the table names the rest.
#pragma once

#include <cstdint>

#include "vocab/ops.h"

namespace pc {

enum ObsField : std::uint16_t {
  kObsFds = 1u << 0,        // the descriptors made (process-dependent numbers)
  kObsDigest = 1u << 1,     // FNV-1a of what was read or reported
  kObsWrites = 1u << 2,     // a count: fill's writes, fanout's rounds
  kObsEvents = 1u << 3,     // epoll events, in order
  kObsRevents = 1u << 4,    // poll revents, per entry
  kObsSets = 1u << 5,       // select's three sets
  kObsTimeout = 1u << 6,    // select's written-back timeval
  kObsClobbered = 1u << 7,  // poll entries whose events field came back changed
  kObsRing = 1u << 8,       // io_uring_setup's sq_entries and cq_entries
  kObsCqes = 1u << 9,       // the CQEs a reap took
  kObsEarly = 1u << 10,     // a timed wait that returned before its timeout
  // Not a field: the op's fields (and its errno, 0 included) mean something whether it failed or
  // not (fill stops rather than fails; a fanout that could not dup says how many it made).
  kObsAlways = 1u << 15,
};

struct ObsFields {
  std::uint16_t bits = 0;
  constexpr bool has(ObsField f) const { return (bits & f) != 0; }
};

// The fields op's observation fills besides ret and err. An op type missing from the table in
// vocab/obs_fields.cpp does not compile.
ObsFields observed_fields(const Op& op);

}  // namespace pc
