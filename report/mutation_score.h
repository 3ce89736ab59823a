// The bug zoo as a score: a bounded campaign against each mutant (oracle/mutants.h), and for the
// first finding, how long it took, how small it reduces, and whether its C reproducer fails
// under the mutant's conditions.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "harness/campaign.h"
#include "oracle/mutants.h"
#include "report/table.h"

namespace pc {

struct MutantBudget {
  std::chrono::seconds time{20};     // per mutant
  std::size_t sequences = 100000;    // per mutant, at most
  std::size_t ops = 100;
  std::uint64_t seed = 1;
  std::size_t jobs = 1;
  std::chrono::milliseconds reduce_budget{15000};
  std::string cc = "cc";  // compiles the reproducers
  std::chrono::seconds repro_timeout{60};
  const volatile std::sig_atomic_t* stop = nullptr;
};

struct MutantResult {
  const MutantInfo* mutant = nullptr;
  bool detected = false;
  double seconds = 0;          // to the first finding, or the whole budget
  std::uint64_t ops = 0;       // ops run by the first finding
  std::size_t sequence = 0;    // the sequence it was found in
  std::string finding;         // its key
  std::size_t first_ops = 0, reduced_ops = 0;
  bool reduced_still_diverges = false;  // the reducer's last run of the reduced trace, under the mutant
  // The C reproducer of the reduced trace, run here under the mutant's conditions (it must exit
  // 1) and on the kernel alone (-1: not run; repro_note says why).
  int repro_exit_under_mutant = -1, repro_exit_kernel_alone = -1;
  std::string repro_note;
  std::string note;
};

// Detected, and its reproducer exits 1 under the mutant's conditions.
inline bool reproduced(const MutantResult& r) { return r.detected && r.repro_exit_under_mutant == 1; }

std::size_t detected_count(const std::vector<MutantResult>& results);
std::size_t reproduced_count(const std::vector<MutantResult>& results);
// "20 of 20 mutants detected, and 20 reproducers fail under their mutant's conditions".
std::string score_line(const std::vector<MutantResult>& results);
// What its reproducer did: "exits 1 under the mutant, 0 on the kernel alone", or why it did not
// run ("" for a mutant not detected).
std::string repro_outcome(const MutantResult& r);
// One row per mutant: the table of `pollcheck mutants` and of a campaign's report.
ReportTable mutants_table(const std::vector<MutantResult>& results);

// Every mutant in catalog order; on_result is called as each one is done.
std::vector<MutantResult> score_mutants(const MutantBudget& budget,
                                        const std::function<void(const MutantResult&)>& on_result = {});

std::string mutants_markdown(const std::vector<MutantResult>& results, const MutantBudget& budget);
std::string mutants_json(const std::vector<MutantResult>& results, const MutantBudget& budget);

}  // namespace pc
