// Runs a program with its output to a file and a bound on its time: the reproducer a findings
// folder compiles, and the compiler itself.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pc {

struct BoundedRun {
  bool started = false;
  bool timed_out = false;  // killed at the bound
  int exit_code = -1;      // when it exited
  int signal = 0;          // when a signal ended it
  std::string error;       // why it did not start
};

// argv[0] is looked up in PATH. stdout and stderr both go to output_path. env: "NAME=value"
// settings added to this process's environment (replacing a NAME it has).
BoundedRun run_bounded(const std::vector<std::string>& argv, const std::string& output_path,
                       std::chrono::milliseconds bound, const std::vector<std::string>& env = {});

}  // namespace pc
