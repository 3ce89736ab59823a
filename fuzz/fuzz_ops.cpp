// fuzz_ops: bytes decode to an op sequence over the whole vocabulary (gen/fuzz_decoder.h),
// which runs through the differ at the linux profile against this kernel (TCP and UDP in a
// network namespace made at start-up). A divergence, a
// descriptor leak or a learned parameter out of bounds prints the trace and aborts, so that
// libFuzzer keeps the input; `pollcheck import-fuzz INPUT -o X.trace` turns it into a trace.
// POLLCHECK_MUTANT=NAME runs against the kernel decorated with that bug of the zoo.
#include "gen/fuzz_decoder.h"
#include "fuzz/fuzz_run.h"

namespace {
pc::Mutant g_mutant = pc::Mutant::None;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pc::fuzz::enter_netns("fuzz_ops");
  g_mutant = pc::fuzz::mutant_from_env("fuzz_ops");
  pc::fuzz::uring_usable("fuzz_ops");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pc::fuzz::run_or_abort("fuzz_ops", pc::decode_fuzz_input({data, size}), g_mutant);
  return 0;
}
