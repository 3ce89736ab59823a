#include "report/finding_folder.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "format/trace_format.h"
#include "harness/differ.h"
#include "harness/finding.h"
#include "oracle/rules.h"
#include "oracle/unmodeled.h"
#include "reduce/reducer.h"
#include "report/repro_run.h"
#include "repro/c_emitter.h"

namespace pc {
namespace {

std::string build_command(const std::vector<std::string>& flags) {
  std::string c = "cc -std=c99 -o repro repro.c";
  for (const std::string& f : flags) c += " " + f;
  return c;
}

// What an exit of the reproducer on the kernel alone means.
std::string exit_meaning(int code) {
  return code == 1    ? "exits 1 here: the kernel diverges (see repro.out)"
         : code == 0  ? "exits 0 here: the divergence did not recur on this run (timing, or what the "
                        "campaign's process state added)"
         : code == 77 ? "exits 77 here: the kernel lacks what it needs"
                      : fmt::format("exits {} here (see repro.out)", code);
}

// Compiles and runs the reproducer in `dir`; fills repro_exit and repro_note. mutant: the
// finding is that bug-zoo mutant's, so the exit that counts is the one under its conditions.
void run_reproducer(const std::string& dir, const std::string& program, const FindingFolderOptions& o,
                    const std::string& mutant, FindingFolder& f) {
  const ReproRuns r = compile_and_run_repro(dir, program, o.cc, o.repro_timeout, mutant);
  if (!r.not_built.empty()) {
    f.repro_note = r.not_built;
    return;
  }
  if (!r.under_mutant) {
    f.repro_exit = r.here.exit_code;
    f.repro_note = r.here.exit_code < 0 ? r.here.note : exit_meaning(r.here.exit_code);
    return;
  }
  f.repro_exit = r.under_mutant->exit_code;
  f.repro_exit_kernel_alone = r.here.exit_code;
  const std::string alone = r.here.exit_code < 0 ? r.here.note : fmt::format("exits {} on the kernel alone", r.here.exit_code);
  if (r.under_mutant->exit_code < 0) f.repro_note = fmt::format("under mutant {}: {}; {}", mutant, r.under_mutant->note, alone);
  else
    f.repro_note = fmt::format("exits {} under mutant {} (POLLCHECK_MUTANT={} ./repro, see repro-mutant.out); {} "
                               "(repro.out){}",
                               r.under_mutant->exit_code, mutant, mutant, alone,
                               r.here.exit_code == 0 ? ", which lacks the bug" : "");
}

std::string readme(const FindingGroup& g, const FindingFolder& f, const std::string& program,
                   const FindingFolderOptions& o) {
  const Finding& first = g.first;
  std::string md = fmt::format("# {}\n\n", key_text(g.key));
  md += fmt::format("Found by pollcheck on the kernel reporting release {} (uname -r), in {} sequence{}; the first is sequence {} "
                    "(sequence seed {}).\n\n",
                    o.kernel.empty() ? "(release unknown)" : o.kernel, g.count, g.count == 1 ? "" : "s",
                    first.sequence_index, first.sequence_seed);
  md += "## What happened\n\nThe oracle's prediction for Linux, and what the kernel did:\n\n```text\n";
  md += first.account;
  if (!first.account.empty() && first.account.back() != '\n') md += "\n";
  md += "```\n\n";
  if (const RuleInfo* r = rule_by_id(g.key.signature.rule)) {
    md += fmt::format("## The rule\n\n**{}** ({}): {}\n\nSource: {}. Judged exactly by the `{}` profile "
                      "and the stricter ones.\n\n",
                      r->id, r->mechanism, r->statement, r->source, r->profile);
  }
  md += "## Files\n\n";
  md += fmt::format("- `first.trace`: the sequence as the campaign ran it, cut after the divergence "
                    "({} steps). `pollcheck replay first.trace` runs it again.\n",
                    f.first_ops);
  if (f.reduced_ops)
    md += fmt::format("- `reduced.trace`: the same finding in {} steps{}.\n", f.reduced_ops,
                      f.reduce_note.empty() ? "" : " (" + f.reduce_note + ")");
  else md += fmt::format("- no `reduced.trace`: {}.\n", f.reduce_note);
  if (!program.empty()) {
    md += fmt::format("- `repro.c`: the {} trace as a standalone C99 program: `{} && ./repro`. It exits "
                      "0 when the kernel matches, 1 at the first mismatch (printing the step, what was "
                      "expected and what was observed), 77 when the kernel lacks what it needs.\n",
                      f.reduced_ops ? "reduced" : "first", build_command(repro_link_flags(program)));
    if (!first.trace.mutant.empty())
      md += fmt::format("  The finding is bug-zoo mutant {}'s: `POLLCHECK_MUTANT={} ./repro` runs it under "
                        "the mutant's conditions, with the answers of a kernel with its bug in place of this "
                        "kernel's where they differ.\n",
                        first.trace.mutant, first.trace.mutant);
    md += fmt::format("- `repro.out`{}: what it printed here; it {}.\n",
                      first.trace.mutant.empty() ? "" : " and `repro-mutant.out`", f.repro_note);
  } else {
    md += fmt::format("- no `repro.c`: {}.\n", f.repro_note);
  }
  md += "\n## For a bug report\n\nAttach `reduced.trace` and `repro.c`, paste the block under \"What "
        "happened\" and the rule with its source, and say which kernel release and configuration "
        "ran it.\n";
  return md;
}

}  // namespace

std::string finding_folder_name(const FindingKey& key) {
  std::string name = fmt::format("{}-{}-{}-{}", verdict_name(key.verdict), key.signature.op_kind,
                                 key.signature.rule, key.signature.difference);
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '.')) c = '_';
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

FindingFolder write_finding_folder(const std::string& dir, const FindingGroup& g, LearnedParams& params,
                                   const FindingFolderOptions& o) {
  FindingFolder f;
  f.name = finding_folder_name(g.key);
  f.path = dir + "/" + f.name;
  std::error_code ec;
  if (std::filesystem::exists(f.path, ec)) {
    f.existed = true;
    return f;
  }
  std::filesystem::create_directories(dir, ec);
  const std::string tmp = fmt::format("{}/.{}.tmp.{}", dir, f.name, ::getpid());
  std::filesystem::remove_all(tmp, ec);
  if (!std::filesystem::create_directory(tmp, ec)) {
    f.error = fmt::format("cannot make {}: {}", tmp, ec.message());
    return f;
  }
  auto save = [&](const std::string& file, std::string_view text) {
    std::string why;
    if (f.error.empty() && !save_text_file_atomic(tmp + "/" + file, text, &why)) f.error = why;
  };
  const Trace& first = g.first.trace;
  f.first_ops = first.steps.size();
  save("first.trace", print_trace(first));

  const Trace* for_repro = &first;
  ReduceOptions ro;
  ro.time_budget = o.reduce_budget;
  ro.mutant = first.mutant.empty() ? Mutant::None : mutant_from_name(first.mutant).value_or(Mutant::None);
  const ReduceResult reduced = reduce(first, ro);
  if (reduced.found) {
    f.reduced_ops = reduced.ops_after;
    if (!reduced.stopped_early.empty()) f.reduce_note = "reduction stopped early: " + reduced.stopped_early;
    save("reduced.trace", print_trace(reduced.trace));
    for_repro = &reduced.trace;
  } else {
    f.reduce_note = reduced.why.empty() ? "the first trace did not reduce" : reduced.why;
  }

  std::string program;
  try {
    program = emit_c_reproducer(*for_repro, params, o.kernel);
  } catch (const Unmodeled& u) {
    f.repro_note = std::string("no reproducer: this implementation lacks what it needs: ") + u.what();
  } catch (const std::exception& e) {
    f.repro_note = std::string("no reproducer could be written: ") + e.what();
  }
  if (!program.empty()) {
    save("repro.c", program);
    if (f.error.empty()) run_reproducer(tmp, program, o, for_repro->mutant, f);
    save("repro.exit", fmt::format("{}\n{}\n", f.repro_exit, f.repro_note));
  }
  save("README.md", readme(g, f, program, o));
  if (!f.error.empty()) {
    std::filesystem::remove_all(tmp, ec);
    return f;
  }
  if (::rename(tmp.c_str(), f.path.c_str()) != 0) {
    const int err = errno;
    std::filesystem::remove_all(tmp, ec);
    // Another campaign into the same place made it first: theirs stays.
    if (err == EEXIST || err == ENOTEMPTY) f.existed = true;
    else f.error = fmt::format("cannot rename {} to {}: {}", tmp, f.path, std::strerror(err));
  }
  return f;
}

}  // namespace pc
