// fuzz_traffic: bytes decode to socket traffic on one connected pair (gen/traffic_decoder.h):
// AF_UNIX stream, dgram and seqpacket, and TCP and UDP over loopback in a network namespace
// made at start-up. After every step select, poll, LT and ET epoll and a one-shot io_uring
// POLL_ADD must report what the oracle predicts, and every read must return the bytes the
// oracle says, so data arrives intact, in order, and as whole messages where boundaries hold.
// Aborts on any divergence, like fuzz_ops; `pollcheck import-fuzz --traffic` replays an input.
#include "gen/traffic_decoder.h"
#include "fuzz/fuzz_run.h"

namespace {
pc::Mutant g_mutant = pc::Mutant::None;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pc::fuzz::enter_netns("fuzz_traffic");
  g_mutant = pc::fuzz::mutant_from_env("fuzz_traffic");
  pc::fuzz::uring_usable("fuzz_traffic");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pc::fuzz::run_or_abort("fuzz_traffic", pc::decode_traffic_input({data, size}), g_mutant);
  return 0;
}
