// pollcheck repro IN.trace -o OUT.c: the trace as a standalone C reproducer (repro/c_emitter.h).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include "oracle/unmodeled.h"
#include "repro/c_emitter.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "format/trace_format.h"
#include "vocab/observation.h"
#include "vocab/unique_fd.h"
#include "tools/commands.h"

namespace pc::cli {
namespace {

// Writes path.tmp.<pid> next to path, fsyncs it and renames it over path, so that nobody ever
// compiles a half-written reproducer. "" on success, else why not.
std::string write_atomically(const std::string& path, std::string_view text) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return fmt::format("cannot create {}: {}", tmp, errno_text(errno));
  const auto fail = [&](std::string_view what) {
    const int err = errno;
    fd.reset();
    ::unlink(tmp.c_str());
    return fmt::format("cannot {} {}: {}", what, tmp, errno_text(err));
  };
  while (!text.empty()) {
    const ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return fail("write");
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (::close(fd.release()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fmt::format("cannot close {}: {}", tmp, errno_text(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fmt::format("cannot rename {} to {}: {}", tmp, path, errno_text(err));
  }
  return {};
}

}  // namespace

int repro_command(const std::string& trace_path, const std::string& out_path) {
  auto loaded = load_trace_file(trace_path);
  if (auto* err = std::get_if<ParseError>(&loaded)) {
    fmt::print(stderr, "pollcheck repro: {}\n", err->to_string());
    return kExitUsage;
  }
  const Trace& trace = std::get<Trace>(loaded);
  KernelParams source;
  LearnedParams params(source);
  CEmitStats stats;
  std::string program;
  try {
    program = emit_c_reproducer(trace, params, kernel_release(), &stats);
  } catch (const Unmodeled& u) {
    if (!u.missing_feature) throw;  // the emitter writes those as comments
    fmt::print(stderr, "pollcheck repro: {}: skipped: this implementation lacks what the trace needs: {}\n",
               trace_path, u.what());
    return kExitSkip;
  } catch (const std::exception& e) {
    fmt::print(stderr, "pollcheck repro: {}: cannot emit a reproducer: {}\n", trace_path, e.what());
    return kExitUsage;
  }
  if (const std::string why = write_atomically(out_path, program); !why.empty()) {
    fmt::print(stderr, "pollcheck repro: {}\n", why);
    return kExitUsage;
  }
  fmt::print("pollcheck repro: wrote {}: {} steps checked", out_path, stats.checked);
  if (stats.skipped) fmt::print(", {} not modeled (left as comments)", stats.skipped);
  fmt::print("\n");
  return kExitAgree;
}

}  // namespace pc::cli
