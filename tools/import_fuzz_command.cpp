#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "gen/fuzz_decoder.h"
#include "kernel/kernel_release.h"
#include "gen/traffic_decoder.h"
#include "format/trace_format.h"
#include "tools/commands.h"

namespace pc::cli {

int import_fuzz_command(const std::string& in, const std::string& out, const std::string& target) {
  if (target != "fuzz_ops" && target != "fuzz_traffic") {
    fmt::print(stderr, "pollcheck import-fuzz: --target {}: expected fuzz_ops or fuzz_traffic\n", target);
    return kExitUsage;
  }
  std::ifstream file(in, std::ios::binary);
  if (!file) {
    fmt::print(stderr, "pollcheck import-fuzz: {}: cannot open\n", in);
    return kExitUsage;
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) {
    fmt::print(stderr, "pollcheck import-fuzz: {}: read error\n", in);
    return kExitUsage;
  }
  const bool traffic = target == "fuzz_traffic";
  Trace trace = traffic ? decode_traffic_input(bytes) : decode_fuzz_input(bytes);
  trace.kernel = kernel_release();
  trace.comments.push_back(fmt::format("imported from {} input {} ({} bytes, encoding version {})", target, in,
                                       bytes.size(), traffic ? kTrafficEncodingVersion : kFuzzEncodingVersion));
  std::string error;
  if (!save_trace_file_atomic(out, trace, &error)) {
    fmt::print(stderr, "pollcheck import-fuzz: cannot write {}: {}\n", out, error);
    return kExitUsage;
  }
  fmt::print("pollcheck import-fuzz: {} -> {}: {} ops\n", in, out, trace.steps.size());
  return kExitAgree;
}

}  // namespace pc::cli
