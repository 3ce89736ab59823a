#include <algorithm>
#include <map>

#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include "kernel/loopback_net.h"
#include "kernel/waiter_pool.h"
#include "reduce/reducer.h"
#include "tools/commands.h"
#include "tools/internal_error.h"

int main(int argc, char** argv) {
  pc::cli::report_internal_errors();
  // Before any thread starts, so that every thread runs in it: TCP and UDP pairs live in a
  // network namespace of pollcheck's own, over loopback only. Without one they are left out.
  pc::enter_loopback_netns();
  // Then, still before the trace's threads, which settle signal waiter threads have here
  // (kernel/waiter_pool.h): without a sound one they are left out.
  pc::waiter_settle_unavailable();
  CLI::App app{"pollcheck: a differential conformance and fuzz suite for select, poll, epoll and io_uring"};
  app.require_subcommand(1);

  pc::CampaignConfig run;
  std::string profile = "linux";
  auto* run_cmd = app.add_subcommand("run", "run generated sequences against the oracle and the kernel");
  // Every count has a finite range: CLI11's PositiveNumber would print a double's maximum.
  constexpr std::size_t kMaxCount = 1'000'000'000;
  run_cmd->add_option("--seed", run.seed, "campaign seed")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--sequences", run.sequences, "how many sequences")->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, kMaxCount));
  run_cmd->add_option("--ops", run.ops, "ops per sequence")->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  std::vector<std::string> profile_names;
  for (const auto& p : pc::kProfileNames) profile_names.emplace_back(p.name);
  run_cmd->add_option("--profile", profile,
                      "linux (Linux exactly), compat (Linux's semantics, any buffer accounting) "
                      "or doc (what the man pages promise); 'pollcheck rules' says which rules "
                      "each judges exactly")
      ->check(CLI::IsMember(profile_names))->capture_default_str();
  run_cmd->add_option("--save-failures", run.save_failures,
                      "write the first trace of each distinct finding here");
  run_cmd->add_option("--max-findings", run.max_findings,
                      "stop at this many distinct findings (signatures); a signature found again "
                      "only adds to its count")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, kMaxCount));
  run.jobs = pc::cli::usable_cores();
  run_cmd->add_option("--jobs,-j", run.jobs,
                      "worker processes (default: the cores this process may run on); the "
                      "findings and the summary are the same for any number")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));

  std::vector<std::string> mechanism_names(std::begin(pc::kMechanisms), std::end(pc::kMechanisms));
  run_cmd->add_option("--require", run.require,
                      "fail (exit 2) rather than leave this mechanism out when calibration finds "
                      "it missing or its parameters out of bounds; repeatable")
      ->check(CLI::IsMember(mechanism_names));

  std::string mutant;
  run_cmd->add_option("--mutant", mutant,
                      "run against the kernel decorated with this bug (see 'pollcheck mutants')");

  pc::cli::CampaignOptions campaign;
  std::string campaign_time, campaign_profile = "linux";
  std::size_t reduce_seconds = 30;
  auto* campaign_cmd = app.add_subcommand(
      "campaign", "the main job: a campaign against this kernel with progress, a folder per finding "
                  "and reports");
  campaign_cmd->add_option("--time", campaign_time,
                           "run for this long: 90, 90s, 5m, 1h (default 60s unless --sequences is given)");
  campaign_cmd->add_option("--sequences", campaign.config.sequences,
                           "run at most this many sequences (with no --time: exactly this many)")
      ->check(CLI::Range(std::size_t{1}, kMaxCount));
  campaign.config.jobs = pc::cli::usable_cores();
  campaign_cmd->add_option("--jobs,-j", campaign.config.jobs, "worker processes (default: every core)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  campaign_cmd->add_option("--seed", campaign.config.seed, "campaign seed")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  campaign_cmd->add_option("--ops", campaign.config.ops, "ops per sequence")->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  campaign_cmd->add_option("--profile", campaign_profile, "linux, compat or doc (see run --help)")
      ->check(CLI::IsMember(profile_names))->capture_default_str();
  campaign_cmd->add_option("--out", campaign.out, "where the findings and the reports go")->capture_default_str();
  campaign_cmd->add_option("--reduce-time", reduce_seconds, "seconds to reduce each distinct finding")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{3600}));
  campaign_cmd->add_option("--max-findings", campaign.config.max_findings,
                           "stop at this many distinct findings")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, kMaxCount));

  std::map<std::string, std::string> mechanism_spellings;
  for (std::string_view m : pc::kMechanisms) mechanism_spellings.emplace(m, m);
  for (const pc::MechanismAlias& a : pc::kMechanismAliases) mechanism_spellings.emplace(a.alias, a.mechanism);
  std::vector<std::string> campaign_mechanisms;
  auto* mechanisms_opt =
      campaign_cmd->add_option("--mechanisms", campaign_mechanisms,
                               "only these mechanisms, comma-separated: select,poll,epoll,uring,inet,threads "
                               "(also fifo, unix; io_uring and waiters are other names of uring and threads)")
          ->delimiter(',')
          ->transform(CLI::CheckedTransformer(mechanism_spellings));
  campaign_cmd->add_option("--leave-out", campaign.config.leave_out,
                           "leave this mechanism out of the sequences; repeatable")
      ->transform(CLI::CheckedTransformer(mechanism_spellings))
      ->excludes(mechanisms_opt);
  std::string campaign_zoo_time = "10s";
  campaign_cmd->add_option("--mutants-time-each", campaign_zoo_time,
                           "after the campaign, the bug zoo's score into the report, at most this long per "
                           "mutant (0: not run)")
      ->capture_default_str();
  std::string campaign_mutant;
  campaign_cmd->add_option("--mutant", campaign_mutant,
                           "run against the kernel decorated with this bug (see 'pollcheck mutants')");

  std::string trace_path;
  auto* replay_cmd = app.add_subcommand("replay", "replay one trace file");
  replay_cmd->add_option("trace", trace_path, "the .trace file")->required();
  bool verbose = false;
  replay_cmd->add_flag("-v,--verbose", verbose, "print every step with what the kernel returned");
  std::string replay_mutant;
  replay_cmd->add_option("--mutant", replay_mutant,
                         "replay against the kernel decorated with this bug (default: the trace's 'mutant' line)");

  std::string pin_in, pin_out;
  bool with_fds = false;
  auto* pin_cmd = app.add_subcommand("pin", "replay a trace and write it with every step's outcome pinned");
  pin_cmd->add_option("trace", pin_in, "the .trace file")->required();
  pin_cmd->add_option("-o,--output", pin_out, "where to write the pinned trace")->required();
  pin_cmd->add_flag("--with-fds", with_fds, "pin descriptor numbers too (they depend on the process)");

  std::string reduce_in, reduce_out, reduce_mutant;
  std::size_t max_runs = pc::ReduceOptions{}.max_runs;
  auto* reduce_cmd = app.add_subcommand("reduce", "shrink a diverging trace, keeping its divergence");
  reduce_cmd->add_option("trace", reduce_in, "the diverging .trace file")->required();
  reduce_cmd->add_option("-o,--output", reduce_out, "where to write the reduced trace")->required();
  reduce_cmd->add_option("--mutant", reduce_mutant, "run against this bug (default: the trace's 'mutant' line)");
  reduce_cmd->add_option("--max-runs", max_runs, "candidate runs at most")->capture_default_str()
      ->check(CLI::PositiveNumber);

  std::string repro_in, repro_out;
  auto* repro_cmd = app.add_subcommand("repro", "write a trace as a standalone C reproducer");
  repro_cmd->add_option("trace", repro_in, "the .trace file")->required();
  repro_cmd->add_option("-o,--output", repro_out, "where to write the C file")->required();

  std::string seeds_dir;
  std::uint64_t seeds_first = 1, seeds_count = 2000;
  std::size_t seeds_ops = 30;
  auto* seeds_cmd = app.add_subcommand("fuzz-seeds", "make fuzz_ops seed inputs that cover the oracle's rules");
  seeds_cmd->add_option("-o,--output", seeds_dir, "the folder to write the inputs into")->required();
  seeds_cmd->add_option("--first", seeds_first, "the first generator seed tried");
  seeds_cmd->add_option("--count", seeds_count, "how many generator seeds are tried");
  seeds_cmd->add_option("--ops", seeds_ops, "ops per input");

  std::string fuzz_in, fuzz_out;
  auto* import_cmd = app.add_subcommand("import-fuzz", "decode a fuzz_ops or fuzz_traffic input into a trace");
  import_cmd->add_option("input", fuzz_in, "the fuzzer's input file (a crash, a corpus entry)")->required();
  import_cmd->add_option("-o,--output", fuzz_out, "where to write the trace")->required();
  std::string fuzz_target = "fuzz_ops";
  import_cmd->add_option("--target", fuzz_target, "the target the input is for: fuzz_ops or fuzz_traffic")
      ->capture_default_str();

  std::string matrix_out = ".";
  std::vector<std::string> matrix_targets;
  auto* matrix_cmd = app.add_subcommand(
      "matrix", "the implementation matrix of the targets ci/kernel-matrix ran (matrix.json, .md, .html)");
  matrix_cmd->add_option("--out", matrix_out, "where to write it")->capture_default_str();
  matrix_cmd->add_option("targets", matrix_targets, "NAME=DIR, each target's folder")->required();
  std::string matrix_known;
  matrix_cmd->add_option("--known", matrix_known,
                         "a folder of traces of recorded differences (corpus/gvisor), named beside the matching ones")
      ->check(CLI::ExistingDirectory);

  bool json = false;
  auto* rules_cmd = app.add_subcommand("rules", "list the rule catalog");
  rules_cmd->add_flag("--json", json, "as JSON");

  auto* mutants_cmd = app.add_subcommand(
      "mutants", "the bug zoo (mutants for --mutant): a bounded campaign against each, and which were detected");
  pc::cli::MutantsOptions mutants;
  std::string mutants_time = "20s";
  mutants_cmd->add_flag("--list", mutants.list, "only list them, with the real bug each one models");
  mutants_cmd->add_option("--time-each", mutants_time, "the time budget of each mutant's campaign (20s, 1m)")
      ->capture_default_str();
  mutants.jobs = pc::cli::usable_cores();
  mutants_cmd->add_option("--jobs,-j", mutants.jobs, "worker processes (default: every core)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  mutants_cmd->add_option("--out", mutants.out, "also write mutants.md and mutants.json into this folder");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return pc::cli::kExitUsage;
  }
  if (*run_cmd) {
    run.profile = *pc::profile_from_name(profile);  // IsMember checked it
    if (!pc::cli::mutant_option("run", mutant, run.mutant)) return pc::cli::kExitUsage;
    return pc::cli::run_command(run);
  }
  if (*campaign_cmd) {
    campaign.config.profile = *pc::profile_from_name(campaign_profile);  // IsMember checked it
    campaign.reduce_budget = std::chrono::seconds(reduce_seconds);
    const bool counted = campaign_cmd->count("--sequences") > 0;
    if (!campaign_time.empty()) {
      campaign.time = pc::cli::parse_duration(campaign_time);
      if (!campaign.time) {
        fmt::print(stderr, "pollcheck campaign: --time {}: expected a positive number of seconds, "
                           "with s, m or h after it if you like (90, 90s, 5m)\n", campaign_time);
        return pc::cli::kExitUsage;
      }
    } else if (!counted) {
      campaign.time = std::chrono::seconds(60);
    }
    if (!counted) campaign.config.sequences = kMaxCount;  // the time budget ends it
    if (campaign_zoo_time == "0") campaign.mutants_time_each = std::chrono::seconds(0);
    else if (const auto t = pc::cli::parse_duration(campaign_zoo_time)) campaign.mutants_time_each = *t;
    else {
      fmt::print(stderr, "pollcheck campaign: --mutants-time-each {}: expected 0 or a positive number of seconds, "
                         "with s, m or h after it if you like (10, 10s, 1m)\n", campaign_zoo_time);
      return pc::cli::kExitUsage;
    }
    if (!pc::cli::mutant_option("campaign", campaign_mutant, campaign.config.mutant)) return pc::cli::kExitUsage;
    if (!campaign_mechanisms.empty())
      for (std::string_view m : pc::kMechanisms)
        if (std::find(campaign_mechanisms.begin(), campaign_mechanisms.end(), m) == campaign_mechanisms.end())
          campaign.config.leave_out.emplace_back(m);
    const auto& out = campaign.config.leave_out;
    if (std::all_of(std::begin(pc::kWatchingMechanisms), std::end(pc::kWatchingMechanisms), [&](std::string_view m) {
          return std::find(out.begin(), out.end(), m) != out.end();
        })) {
      fmt::print(stderr, "pollcheck campaign: nothing left to watch descriptors with: keep at least one of "
                         "select, poll, epoll and io_uring\n");
      return pc::cli::kExitUsage;
    }
    return pc::cli::campaign_command(campaign);
  }
  if (*replay_cmd) return pc::cli::replay_command(trace_path, verbose, replay_mutant);
  if (*pin_cmd) return pc::cli::pin_command(pin_in, pin_out, with_fds);
  if (*reduce_cmd) return pc::cli::reduce_command(reduce_in, reduce_out, reduce_mutant, max_runs);
  if (*repro_cmd) return pc::cli::repro_command(repro_in, repro_out);
  if (*seeds_cmd) return pc::cli::fuzz_seeds_command(seeds_dir, seeds_first, seeds_count, seeds_ops);
  if (*import_cmd) return pc::cli::import_fuzz_command(fuzz_in, fuzz_out, fuzz_target);
  if (*matrix_cmd) return pc::cli::matrix_command(matrix_out, matrix_targets, matrix_known);
  if (*rules_cmd) return pc::cli::rules_command(json);
  if (*mutants_cmd) {
    const auto each = pc::cli::parse_duration(mutants_time);
    if (!each) {
      fmt::print(stderr, "pollcheck mutants: --time-each {}: expected a positive number of seconds, with s, "
                         "m or h after it if you like (20, 20s, 1m)\n", mutants_time);
      return pc::cli::kExitUsage;
    }
    mutants.time_each = *each;
    return pc::cli::mutants_command(mutants);
  }
  return pc::cli::kExitUsage;
}
