// Loading and atomically saving trace files.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "format/trace_format.h"
#include "vocab/observation.h"
#include "vocab/unique_fd.h"

namespace pc {

namespace {

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {  // no progress and no errno: would loop forever
      errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::optional<std::string> load_text_file(const std::string& path, std::string* error) {
  const auto fail = [&](std::string_view what, int err) {
    if (error) *error = fmt::format("cannot {}: {}", what, errno_text(err));
    return std::nullopt;
  };
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail("open", errno);
  std::string text;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("read", errno);  // e.g. EISDIR
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

std::variant<Trace, ParseError> load_trace_file(const std::string& path) {
  std::string why;
  const std::optional<std::string> text = load_text_file(path, &why);
  if (!text) return ParseError{path, 0, 0, why};
  return parse_trace(*text, path);
}

bool save_text_file_atomic(const std::string& path, std::string_view text, std::string* error) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  const auto fail = [&](std::string_view what, int err) {
    if (error) *error = fmt::format("cannot {} {}: {}", what, tmp, errno_text(err));
    ::unlink(tmp.c_str());
    return false;
  };
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    if (error) *error = fmt::format("cannot create {}: {}", tmp, errno_text(errno));
    return false;  // nothing to clean up: it may be someone else's file
  }
  if (!write_all(fd.get(), text)) return fail("write", errno);
  if (::fsync(fd.get()) != 0) return fail("fsync", errno);
  // close can report a deferred write error (NFS); the data would then not be on disk.
  if (::close(fd.release()) != 0) return fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    if (error) *error = fmt::format("cannot rename {} to {}: {}", tmp, path, errno_text(err));
    ::unlink(tmp.c_str());
    return false;
  }
  // Makes the rename itself durable. Best effort: the new file is already in place.
  UniqueFd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
  return true;
}

bool save_trace_file_atomic(const std::string& path, const Trace& trace, std::string* error) {
  return save_text_file_atomic(path, print_trace(trace), error);
}

}  // namespace pc
