// The subcommands of the pollcheck command line. Each returns the process exit code.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "harness/campaign.h"

namespace pc::cli {

inline constexpr int kExitAgree = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;      // bad flags, unreadable or malformed input
inline constexpr int kExitUnmodeled = 3;  // the trace needs behaviour the oracle lacks
inline constexpr int kExitUnsettled = 4;  // a step did not settle within its bound: no verdict
inline constexpr int kExitSkip = 77;      // the kernel lacks what the trace needs (ctest: skipped)

// Ctrl-C and SIGTERM stop the campaign, which prints what ran (exit 128 + the signal, or 1
// with findings).
int run_command(CampaignConfig config);
struct CampaignOptions {
  CampaignConfig config;  // sequences: at most this many
  std::optional<std::chrono::seconds> time;  // the time budget, if any
  std::string out = "pollcheck-campaign";
  std::chrono::milliseconds reduce_budget{30000};  // per distinct finding
  // The bug zoo after the campaign, at most this long per mutant (0: not run). A campaign
  // against a mutant, or one stopped by a signal, does not run it.
  std::chrono::seconds mutants_time_each{10};
};
// The main job: a campaign with a progress line, finding folders and reports under out.
// Exit 0 when clean, 1 with findings, 2 on bad usage; stopped by a signal, 128 + the signal.
int campaign_command(CampaignOptions options);
// "90", "90s", "5m", "1h": seconds; nullopt when it is none of those.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// The cores this process may run on: --jobs' default.
std::size_t usable_cores();
// mutant: a --mutant value, "" to take the trace's own `mutant` header line (if any).
int replay_command(const std::string& path, bool verbose, const std::string& mutant);
int pin_command(const std::string& in_path, const std::string& out_path, bool with_fds);
int reduce_command(const std::string& in, const std::string& out, const std::string& mutant, std::size_t max_runs);
int repro_command(const std::string& trace_path, const std::string& out_path);
int rules_command(bool json);
// target: the fuzz target whose encoding the input is in (fuzz_ops or fuzz_traffic).
int import_fuzz_command(const std::string& in, const std::string& out, const std::string& target);
// Seed inputs for fuzz_ops, each adding a rule of the oracle that the ones before it left unchecked.
int fuzz_seeds_command(const std::string& dir, std::uint64_t first, std::uint64_t count, std::size_t ops);
// TARGETS: NAME=DIR, each a folder ci/kernel-matrix left; KNOWN: a folder of traces of recorded
// differences (corpus/gvisor), or "". Writes OUT/matrix.{json,md,html}; exit 0 when no target
// differs from another, 1 when some do.
int matrix_command(const std::string& out, const std::vector<std::string>& targets, const std::string& known);
struct MutantsOptions {
  bool list = false;  // only name them
  std::chrono::seconds time_each{20};
  std::size_t jobs = 1;
  std::string out;  // also write mutants.md and mutants.json here
};
// Exit 0 when every mutant was detected, 1 when one was not.
int mutants_command(const MutantsOptions& options);
// Turns a --mutant value ("" for none) into `out`; an unknown name is reported on stderr, as
// "pollcheck COMMAND: ORIGINunknown mutant ...", and gives false (exit kExitUsage).
bool mutant_option(std::string_view command, const std::string& name, Mutant& out,
                   std::string_view origin = "");
// The mutant a command runs a trace against: --mutant when given, else the trace's `mutant`
// header line; false (reported) when either names no mutant.
bool trace_mutant(std::string_view command, const std::string& option, const Trace& trace,
                  const std::string& path, Mutant& out);

}  // namespace pc::cli
