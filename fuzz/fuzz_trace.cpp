// fuzz_trace: the trace text parser, the pin parser and the fuzz byte decoder on arbitrary
// input. They must never crash, hang or leak: every error comes back as a value. A trace that
// parses must print back to text that parses to the same trace.
#include <cstdlib>
#include <string_view>
#include <variant>

#include "gen/fuzz_decoder.h"
#include "format/trace_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = pc::parse_trace(text, "fuzz.trace");
  if (const auto* t = std::get_if<pc::Trace>(&parsed)) {
    auto again = pc::parse_trace(pc::print_trace(*t), "printed.trace");
    const auto* t2 = std::get_if<pc::Trace>(&again);
    if (!t2 || pc::print_trace(*t2) != pc::print_trace(*t)) std::abort();
  }
  (void)pc::parse_pin(text, "fuzz.trace");
  const pc::Trace decoded = pc::decode_fuzz_input({data, size});
  auto reparsed = pc::parse_trace(pc::print_trace(decoded), "decoded.trace");
  if (!std::holds_alternative<pc::Trace>(reparsed)) std::abort();  // decoded traces are valid
  return 0;
}
