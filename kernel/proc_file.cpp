#include "kernel/proc_file.h"

#include <unistd.h>

#include <cstdlib>

namespace pc {

ProcFile::~ProcFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ProcFile::read() {
  if (fd_ < 0) fd_ = pc_open_high(path_.c_str());
  std::size_t len = 0;
  char* text = pc_read_whole(fd_, &len);
  if (!text) return {};
  std::string out(text, len);
  std::free(text);
  return out;
}

}  // namespace pc
