// The C runtime (repro/runtime/), as text: the emitter puts it into every reproducer, so the
// program runs the same C the executor is linked with. The build generates the definition
// (cmake/embed_runtime.cmake).
#pragma once

#include <span>
#include <string_view>

namespace pc {

struct RuntimeFile {
  std::string_view name;  // "pc_waiters.c"
  std::string_view text;  // the whole file
};

// Every file of repro/runtime/, headers and sources, sorted by name.
std::span<const RuntimeFile> runtime_files();

}  // namespace pc
