// A finding's folder, DIR/<name>/, with what a kernel bug report needs: the first trace, the
// reduced trace, the C reproducer, what the reproducer did here, and a README.md to paste.
// The folder appears whole or not at all (made under a temporary name, then renamed), and one
// that is there already is kept as it is: a campaign run again into the same place adds to it.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "harness/campaign.h"
#include "oracle/params.h"

namespace pc {

struct FindingFolderOptions {
  std::chrono::milliseconds reduce_budget{30000};
  std::string cc = "cc";                  // compiles the reproducer
  std::chrono::seconds repro_timeout{120};
  std::string kernel;                     // the release the finding came from
};

struct FindingFolder {
  std::string name;  // the folder's name: the finding's key, as a file name
  std::string path;
  bool existed = false;  // an earlier campaign made it; left as it was
  std::size_t first_ops = 0, reduced_ops = 0;
  std::string reduce_note;  // why the reduced trace is the first one, or where reduction stopped
  // The reproducer's exit here (-1: it did not run) and what that means. For a bug-zoo
  // mutant's finding, the exit under the mutant's conditions, and the kernel's alone beside it.
  int repro_exit = -1;
  std::optional<int> repro_exit_kernel_alone;
  std::string repro_note;
  std::string error;  // set when the folder could not be written
};

// The folder's name for a key: "divergence-epoll_wait-EP-ET-ret+events".
std::string finding_folder_name(const FindingKey& key);

FindingFolder write_finding_folder(const std::string& dir, const FindingGroup& group,
                                   LearnedParams& params, const FindingFolderOptions& options);

}  // namespace pc
