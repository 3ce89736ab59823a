// The descriptor table as the differ's leak check sees it, before and after every sequence.
// Listing /proc/self/fd walks every slot of the table (fget_task_next), and the harness keeps
// descriptors near the top of RLIMIT_NOFILE (pc_open_high), so the table has tens of
// thousands of slots: the listing is done only when the last one can no longer be vouched for.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <charconv>
#include <memory>
#include <string_view>

#include "kernel/executor.h"

namespace pc {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

std::set<int> list_open_fds() {
  std::set<int> fds;
  std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc/self/fd"));
  if (!dir) return fds;
  const int own = ::dirfd(dir.get());
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string_view name = e->d_name;
    int fd = -1;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec == std::errc() && end == name.data() + name.size() && fd != own) fds.insert(fd);
  }
  return fds;
}

// Whether `known` is exactly the set of open descriptors: as many are open as it holds (the
// size of /proc/self/fd is the count of open descriptors since Linux 6.2, from the table's
// bitmap; 0 where it is not, which vouches for nothing) and each of them is open, so no other
// can be.
bool still_exactly(const std::set<int>& known) {
  struct stat st {};
  if (::stat("/proc/self/fd", &st) != 0 || st.st_size <= 0) return false;
  if (static_cast<std::size_t>(st.st_size) != known.size()) return false;
  for (int fd : known)
    if (::fcntl(fd, F_GETFD) < 0) return false;
  return true;
}

}  // namespace

std::set<int> KernelExecutor::open_fds() {
  // Per process: a campaign's worker starts from its parent's table, which still_exactly checks.
  static std::set<int> last;
  if (last.empty() || !still_exactly(last)) last = list_open_fds();
  return last;
}

}  // namespace pc
