#include "report/repro_run.h"

#include <unistd.h>

#include <fmt/format.h>

#include "report/bounded_run.h"

namespace pc {
namespace {

ReproExit run_once(const std::string& dir, const std::string& out_file, std::chrono::seconds timeout,
                   const std::vector<std::string>& env) {
  ReproExit e;
  const BoundedRun ran = run_bounded({dir + "/repro"}, dir + "/" + out_file, timeout, env);
  if (ran.timed_out) e.note = fmt::format("killed after {} s (see {})", timeout.count(), out_file);
  else if (!ran.started) e.note = ran.error;
  else if (ran.signal) e.note = fmt::format("ended by signal {} (see {})", ran.signal, out_file);
  else e.exit_code = ran.exit_code;
  return e;
}

}  // namespace

std::vector<std::string> repro_link_flags(const std::string& program) {
  std::vector<std::string> flags;
  if (program.find("#include <pthread.h>") != std::string::npos) flags.push_back("-pthread");
  if (program.find("#include <liburing.h>") != std::string::npos) flags.push_back("-luring");
  return flags;
}

ReproRuns compile_and_run_repro(const std::string& dir, const std::string& program, const std::string& cc,
                                std::chrono::seconds timeout, const std::string& mutant) {
  ReproRuns r;
  std::vector<std::string> argv{cc, "-std=c99", "-O1", "-o", dir + "/repro", dir + "/repro.c"};
  for (const std::string& flag : repro_link_flags(program)) argv.push_back(flag);
  const BoundedRun built = run_bounded(argv, dir + "/cc.out", std::chrono::seconds(120));
  if (!built.started || built.exit_code != 0) {
    r.not_built = built.started ? "did not compile here (see cc.out)" : built.error;
    return r;
  }
  ::unlink((dir + "/cc.out").c_str());
  // The real kernel alone: a mutant set in this process's environment must not reach it.
  r.here = run_once(dir, "repro.out", timeout, {"POLLCHECK_MUTANT="});
  if (!mutant.empty()) r.under_mutant = run_once(dir, "repro-mutant.out", timeout, {"POLLCHECK_MUTANT=" + mutant});
  ::unlink((dir + "/repro").c_str());
  return r;
}

}  // namespace pc
