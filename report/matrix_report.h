// The implementation matrix: the same campaign on several targets (this kernel, other kernels
// under qemu, gVisor), read back from each target's campaign folder, and what differs between
// them. ci/kernel-matrix runs the targets; this reads what they left and writes matrix.json,
// matrix.md and matrix.html.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oracle/history.h"

namespace pc {

// One finding as a target's campaign report gives it, with what its folder says.
struct MatrixFinding {
  std::string key;     // "divergence epoll_wait EP-ET ret+events": the same text on every target
  std::string folder;  // its folder's name under campaign/findings/
  std::string rule;
  std::size_t count = 0;     // sequences that found it
  std::size_t reduced_ops = 0;
  std::string expected, observed;  // from the folder's README: the oracle's and the target's
};

struct MatrixRule {
  std::uint64_t checked = 0;
  std::size_t findings = 0;
  bool left_out = false;
};

struct MatrixTarget {
  std::string name;  // "host", "6.1", "gvisor", "kernel-1"
  std::string dir;
  std::string left_out;  // why it did not run ("" when it did)
  std::string release, how;  // uname -r there; how it ran ("qemu tcg", "runsc", "directly")
  double seconds = 0;
  std::uint64_t sequences = 0, ops = 0;
  std::vector<std::string> mechanisms_left_out;  // "io_uring: why"
  std::vector<std::string> uring_opcodes;        // the supported ones
  std::map<std::string, MatrixRule> rules;       // by rule id
  std::vector<MatrixFinding> findings;
  std::map<std::string, int> repro_exits;        // finding folder name -> exit code there
  std::map<std::string, int> regress_exits;      // regression trace name -> replay's exit there
  std::map<std::string, int> regress_programs;   // regression trace name -> its program's exit there
};

// A finding seen on some targets and not on others that ran.
struct MatrixDifference {
  MatrixFinding finding;              // as the first target that found it reports it
  std::string found_first_on;
  std::vector<std::string> found_on, not_found_on;
  // Its reproducer exits 1 on a target that found it and 0 on one that did not: the
  // difference is shown by a program, not only by a campaign's process.
  bool shown = false;
  std::string known;  // a recorded difference of the same key, and its cause ("" if none)
};

// A regression trace on the targets: its replay (the oracle's prediction for each target's
// release, and the trace's pins) and its program (what the oracle predicts for the kernel that
// emitted it) where each ran.
struct MatrixTrace {
  std::string name;
  std::map<std::string, int> replay, program;  // by target name
  bool differs = false;  // some target's replay does not agree (1, or another failure)
  bool shown = false;    // its program exits 1 on a target whose replay differs and 0 on another
};

// A row of oracle/history.h on the targets: which have the change by their release, and what
// its witness's program (emitted on a kernel with or without it) did on each.
struct MatrixChange {
  const HistoryChange* change = nullptr;
  std::vector<std::string> with, without;  // targets, by the release each reports
  std::map<std::string, int> witness_program;  // its witness program's exit, by target
  // Targets whose witness program says the other side from their release: a backport the row
  // does not list, or a release that does not name the code (gVisor's).
  std::vector<std::string> against;
  bool shown = false;  // the program exits 1 on a target of the other side from the emitter's, 0 on one of its own
};

struct Matrix {
  std::vector<MatrixTarget> targets;
  std::vector<std::string> rule_order;  // the catalog's ids, in its order
  std::vector<MatrixDifference> differences;
  std::vector<MatrixDifference> everywhere;  // findings on every target that ran
  std::string emitted_on;                    // the release of the kernel the programs were emitted on
  std::vector<MatrixTrace> regress;          // every regression trace that ran somewhere
  std::vector<MatrixChange> changes;         // every row of oracle/history.h
  // Something differs that the oracle does not predict: a campaign's difference, a regression
  // trace's, or a change against its row.
  bool differs() const;
};

// Reads each target's folder (NAME, DIR). A folder whose report cannot be read is a target left
// out with the reason, never an error: the matrix says what it could not run.
// known: a folder of traces whose header records a known difference ("# gVisor differs from
// Linux: OP RULE FIELDS (cause ...)", corpus/gvisor); "" for none.
// emitted_on: the release (kernel_release) of the kernel that emitted the reproducers.
Matrix read_matrix(const std::vector<std::pair<std::string, std::string>>& targets, const std::string& known,
                   const std::string& emitted_on);

std::string matrix_json(const Matrix& m);
std::string matrix_markdown(const Matrix& m);
std::string matrix_html(const Matrix& m);

}  // namespace pc
