// A /proc file the harness reads while threads of the trace may look descriptors up: opened
// high (pc_open_high, repro/runtime/pc_proc.h, which says why) and read whole on each read.
#pragma once

#include <string>

#include "vocab/c/pc_limits.h"
#include "repro/runtime/pc_proc.h"
#include "vocab/ops.h"

namespace pc {

static_assert(kMaxWaiters == PC_MAX_WAITERS, "vocab and runtime disagree on the waiter limit");

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
