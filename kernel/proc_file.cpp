#include "kernel/proc_file.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>


namespace pc {

int open_high(const std::string& path) {
  const int low = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (low < 0) return -1;
  rlimit rl{};
  const rlim_t limit = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
  const long floor = static_cast<long>(std::min<rlim_t>(limit, 1u << 20)) - kHighFdReserve;
  const int high = floor > low ? ::fcntl(low, F_DUPFD_CLOEXEC, floor) : -1;
  if (high < 0) return low;
  ::close(low);
  return high;
}

std::string read_whole(int fd) {
  std::string out;
  if (fd < 0) return out;
  char buf[16384];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  return out;
}

ProcFile::~ProcFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ProcFile::read() {
  if (fd_ < 0) fd_ = open_high(path_);
  return read_whole(fd_);
}

}  // namespace pc
