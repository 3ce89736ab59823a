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
#include "report/bounded_run.h"
#include "repro/c_emitter.h"

namespace pc {
namespace {

const RuleInfo* rule_by_id(std::string_view id) {
  for (const RuleInfo& r : rule_catalog())
    if (r.id == id) return &r;
  return nullptr;
}

// The libraries a reproducer asks for, by what it includes (as a developer would link it).
std::vector<std::string> link_flags(const std::string& program) {
  std::vector<std::string> flags;
  if (program.find("#include <pthread.h>") != std::string::npos) flags.push_back("-pthread");
  if (program.find("#include <liburing.h>") != std::string::npos) flags.push_back("-luring");
  return flags;
}

std::string build_command(const std::vector<std::string>& flags) {
  std::string c = "cc -std=c99 -o repro repro.c";
  for (const std::string& f : flags) c += " " + f;
  return c;
}

// Compiles and runs the reproducer in `dir`; fills repro_exit and repro_note.
// mutant: the finding is a bug-zoo mutant's.
void run_reproducer(const std::string& dir, const std::string& program, const FindingFolderOptions& o,
                    bool mutant, FindingFolder& f) {
  std::vector<std::string> cc{o.cc, "-std=c99", "-O1", "-o", dir + "/repro", dir + "/repro.c"};
  for (const std::string& flag : link_flags(program)) cc.push_back(flag);
  const BoundedRun built = run_bounded(cc, dir + "/cc.out", std::chrono::seconds(120));
  if (!built.started || built.exit_code != 0) {
    f.repro_note = built.started ? "did not compile here (see cc.out)" : built.error;
    return;
  }
  ::unlink((dir + "/cc.out").c_str());
  const BoundedRun ran = run_bounded({dir + "/repro"}, dir + "/repro.out", o.repro_timeout);
  ::unlink((dir + "/repro").c_str());
  if (ran.timed_out) {
    f.repro_note = fmt::format("killed after {} s (see repro.out)", o.repro_timeout.count());
    return;
  }
  if (!ran.started || ran.signal) {
    f.repro_note = ran.started ? fmt::format("ended by signal {} (see repro.out)", ran.signal) : ran.error;
    return;
  }
  f.repro_exit = ran.exit_code;
  if (mutant && ran.exit_code == 0) {
    // The bug is the harness's decoration of the real kernel's answers, which the program
    // checks directly.
    f.repro_note = "exits 0 here: the finding is a bug-zoo mutant's, and the program checks the real "
                   "kernel, which does not have it";
    return;
  }
  f.repro_note = ran.exit_code == 1    ? "exits 1 here: the kernel diverges (see repro.out)"
                 : ran.exit_code == 0  ? "exits 0 here: the divergence did not recur on this run "
                                         "(timing, or what the campaign's process state added)"
                 : ran.exit_code == 77 ? "exits 77 here: the kernel lacks what it needs"
                                       : fmt::format("exits {} here (see repro.out)", ran.exit_code);
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
                      f.reduced_ops ? "reduced" : "first", build_command(link_flags(program)));
    md += fmt::format("- `repro.out`: what it printed here; it {}.\n", f.repro_note);
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
    if (f.error.empty()) run_reproducer(tmp, program, o, ro.mutant != Mutant::None, f);
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
