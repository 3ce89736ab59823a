// Which files of the C runtime (repro/runtime/) one reproducer carries, and their text as one
// piece of that single .c file. A runtime source is guarded by one switch (`#if PC_NEED_X`);
// the files a selected one includes come along, each once, before it, with its local
// `#include "pc_x.h"` lines dropped, and including a header brings the source of the same name
// (pc_waiters.h brings pc_waiters.c).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pc {

class RuntimeSelection {
 public:
  // The sources guarded by PC_NEED_<name> (and what they include).
  void need(std::string_view name) { needs_.insert(std::string(name)); }
  bool needs(std::string_view name) const { return needs_.count(std::string(name)) != 0; }
  // A header whose declarations the emitted code uses directly (and its source, if any).
  void header(std::string_view file) { headers_.insert(std::string(file)); }

  // "#define PC_NEED_X 0|1" for every switch, then the selected files in include order.
  std::string text() const;

 private:
  std::set<std::string> needs_;
  std::set<std::string> headers_;
};

}  // namespace pc
