// An uncaught exception is a bug in pollcheck, never the implementation's: say so, with what
// was thrown and where (addresses to resolve with addr2line against this binary, whose load
// address is printed), so that a crash on a target where no debugger runs (a kernel under qemu)
// still tells where it came from.
#include "tools/internal_error.h"

#include <execinfo.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <typeinfo>

#include <cxxabi.h>

namespace pc::cli {
namespace {

[[noreturn]] void on_terminate() {
  std::fprintf(stderr, "pollcheck: internal error, a bug in pollcheck: ");
  if (const std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      int status = 0;
      char* type = abi::__cxa_demangle(typeid(x).name(), nullptr, nullptr, &status);
      std::fprintf(stderr, "uncaught %s: %s\n", status == 0 && type ? type : typeid(x).name(), x.what());
      std::free(type);
    } catch (...) {
      std::fprintf(stderr, "an uncaught exception of no standard type\n");
    }
  } else {
    std::fprintf(stderr, "std::terminate called\n");
  }
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);)
    if (line.find("r-xp") != std::string::npos && line.find("pollcheck") != std::string::npos) {
      std::fprintf(stderr, "loaded at: %s\n", line.c_str());
      break;
    }
  void* frames[64];
  const int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  std::fflush(stderr);
  std::abort();
}

}  // namespace

void report_internal_errors() { std::set_terminate(on_terminate); }

}  // namespace pc::cli
