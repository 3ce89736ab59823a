// /proc files the harness reads while threads of the trace may look descriptors up: each is
// kept open on a descriptor near the top of RLIMIT_NOFILE, because an open takes the lowest
// free number, which a poll waiter whose descriptor the trace closed would look up again and
// find a /proc file under.
#pragma once

#include <string>

#include "repro/runtime/pc_limits.h"
#include "vocab/ops.h"

namespace pc {

// How far below RLIMIT_NOFILE such descriptors go: every waiter's two files and a few tables.
inline constexpr int kHighFdReserve = PC_HIGH_FD_RESERVE;
static_assert(kMaxWaiters == PC_MAX_WAITERS, "vocab and runtime disagree on the waiter limit");

// open(path) moved up near RLIMIT_NOFILE (or left where it landed if there is no room); -1 if
// it cannot be opened.
int open_high(const std::string& path);

// The whole file, read with pread from offset 0 (procfs regenerates it on every read).
std::string read_whole(int fd);

class ProcFile {
 public:
  explicit ProcFile(std::string path) : path_(std::move(path)) {}
  ~ProcFile();
  ProcFile(const ProcFile&) = delete;
  ProcFile& operator=(const ProcFile&) = delete;
  std::string read();  // "" if it cannot be opened

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace pc
