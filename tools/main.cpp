#include <CLI/CLI.hpp>

#include <cstdio>

#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"pollcheck: a differential conformance suite for select, poll and epoll"};
  app.require_subcommand(1);

  pc::CampaignConfig run;
  std::string profile = "linux";
  auto* run_cmd = app.add_subcommand("run", "run generated sequences against the oracle and the kernel");
  run_cmd->add_option("--seed", run.seed, "campaign seed")->capture_default_str();
  run_cmd->add_option("--sequences", run.sequences, "how many sequences")->capture_default_str()
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--ops", run.ops, "ops per sequence")->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  run_cmd->add_option("--profile", profile, "linux (exact Linux behaviour) or doc (man pages)")
      ->check(CLI::IsMember({"linux", "doc"}))->capture_default_str();
  run_cmd->add_option("--save-failures", run.save_failures, "write each finding as a trace here");
  run_cmd->add_option("--max-findings", run.max_findings, "stop after this many findings")
      ->capture_default_str();

  std::string mutant;
  run_cmd->add_option("--mutant", mutant,
                      "run against the kernel decorated with this bug (see 'pollcheck mutants')");

  std::string trace_path;
  auto* replay_cmd = app.add_subcommand("replay", "replay one trace file");
  replay_cmd->add_option("trace", trace_path, "the .trace file")->required();
  bool verbose = false;
  replay_cmd->add_flag("-v,--verbose", verbose, "print every step with what the kernel returned");

  bool json = false;
  auto* rules_cmd = app.add_subcommand("rules", "list the rule catalog");
  rules_cmd->add_flag("--json", json, "as JSON");

  auto* mutants_cmd = app.add_subcommand("mutants", "list the bug zoo (mutants for --mutant)");
  bool list_mutants = true;
  mutants_cmd->add_flag("--list", list_mutants, "list them (the default)");

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
    run.profile = profile == "doc" ? pc::Profile::Doc : pc::Profile::Linux;
    if (!mutant.empty()) {
      const auto m = pc::mutant_from_name(mutant);
      if (!m) {
        std::fprintf(stderr, "pollcheck run: unknown mutant \"%s\" (see 'pollcheck mutants --list')\n",
                     mutant.c_str());
        return pc::cli::kExitUsage;
      }
      run.mutant = *m;
    }
    return pc::cli::run_command(run);
  }
  if (*replay_cmd) return pc::cli::replay_command(trace_path, verbose);
  if (*rules_cmd) return pc::cli::rules_command(json);
  if (*mutants_cmd) return pc::cli::mutants_command();
  return pc::cli::kExitUsage;
}
