#include "report/matrix_report.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "format/trace_format.h"
#include "oracle/rules.h"
#include "report/html_text.h"
#include "report/table.h"

namespace pc {
namespace {

std::string first_line(const std::string& path) {
  const std::optional<std::string> text = load_text_file(path);
  if (!text) return {};
  return text->substr(0, text->find('\n'));
}

// "  expected: ..." and "  observed: ..." of the finding's README.
void read_account(const std::string& readme, MatrixFinding& f) {
  const std::optional<std::string> text = load_text_file(readme);
  if (!text) return;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  expected: ", 0) == 0 && f.expected.empty()) f.expected = line.substr(12);
    if (line.rfind("  observed: ", 0) == 0 && f.observed.empty()) f.observed = line.substr(12);
  }
}

// "NAME<TAB>EXIT" lines, as ci/kernel-matrix's run-all writes them.
std::map<std::string, int> read_exits(const std::string& path) {
  std::map<std::string, int> exits;
  std::istringstream in(load_text_file(path).value_or(""));
  for (std::string name; in >> name;) {
    int code = -1;
    if (in >> code) exits[name] = code;
  }
  return exits;
}

// How the target ran, from what its runner left beside the campaign.
std::string how_it_ran(const MatrixTarget& t) {
  if (t.name == "host") return "directly";
  if (t.name == "gvisor") return "runsc";
  const std::string boot = first_line(t.dir + "/boot");
  return boot.empty() ? "qemu" : "qemu " + boot.substr(0, boot.find(' '));
}

void read_target(MatrixTarget& t) {
  const std::string left = first_line(t.dir + "/left-out");
  if (!left.empty()) {
    t.left_out = left;
    return;
  }
  const std::string path = t.dir + "/campaign/report.json";
  const std::optional<std::string> text = load_text_file(path);
  if (!text) {
    t.left_out = fmt::format("no campaign report at {}", path);
    return;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
    t.release = j.at("kernel").get<std::string>();
    t.sequences = j.at("totals").at("sequences").get<std::uint64_t>();
    t.ops = j.at("totals").at("ops").get<std::uint64_t>();
    t.seconds = j.at("totals").at("wall_seconds").get<double>();
    for (const auto& l : j.at("left_out"))
      t.mechanisms_left_out.push_back(l.at("mechanism").get<std::string>() + ": " + l.at("reason").get<std::string>());
    for (const auto& u : j.at("uring_opcodes"))
      if (u.at("supported").get<bool>()) t.uring_opcodes.push_back(u.at("name").get<std::string>());
    for (const auto& r : j.at("rules"))
      t.rules[r.at("id").get<std::string>()] = {r.at("checked").get<std::uint64_t>(), r.at("findings").get<std::size_t>(),
                                                !r.at("left_out").is_null()};
    for (const auto& f : j.at("findings")) {
      MatrixFinding m;
      m.key = fmt::format("{} {} {} {}", f.at("verdict").get<std::string>(), f.at("op").get<std::string>(),
                          f.at("rule").get<std::string>(), f.at("difference").get<std::string>());
      m.rule = f.at("rule").get<std::string>();
      m.count = f.at("count").get<std::size_t>();
      if (f.contains("folder")) {
        const std::string folder = f.at("folder").get<std::string>();
        m.folder = folder.substr(folder.rfind('/') + 1);
        m.reduced_ops = f.value("reduced_ops", std::size_t{0});
        read_account(t.dir + "/campaign/" + folder + "/README.md", m);
      }
      t.findings.push_back(std::move(m));
    }
  } catch (const std::exception& e) {
    t.left_out = fmt::format("{} is not a campaign report this pollcheck reads: {}", path, e.what());
    return;
  }
  t.repro_exits = read_exits(t.dir + "/repro-exits.tsv");
  t.regress_exits = read_exits(t.dir + "/regress-exits.tsv");
  t.regress_programs = read_exits(t.dir + "/regress-repro-exits.tsv");
  t.how = how_it_ran(t);
}

const MatrixFinding* finding_on(const MatrixTarget& t, const std::string& key) {
  for (const MatrixFinding& f : t.findings)
    if (f.key == key) return &f;
  return nullptr;
}

// What an exit of a reproducer or of `pollcheck replay` says (the two share their codes).
std::string exit_meaning(int code) {
  switch (code) {
    case 0: return "0 (matches)";
    case 1: return "1 (differs)";
    case 77: return "77 (lacks a feature)";
    case 4: return "4 (unsettled)";
    case 124: case 143: return fmt::format("{} (timed out)", code);
    default: return std::to_string(code);
  }
}

// The exit `exits` records for `key`, or "not run".
std::string exit_in(const std::map<std::string, int>& exits, const std::string& key) {
  const auto it = exits.find(key);
  return it == exits.end() ? "not run" : exit_meaning(it->second);
}

std::string exit_text(const MatrixTarget& t, const std::string& folder) {
  return t.left_out.empty() ? exit_in(t.repro_exits, folder) : "-";
}

// The rule's statement: where it names a history ("since", "earlier", "before"), that is the
// line a kernel developer needs to tell a change from a bug.
std::string rule_statement(const std::string& id) {
  if (const RuleInfo* r = rule_by_id(id)) return fmt::format("{} ({}): {}", r->id, r->source, r->statement);
  return id.empty() ? "no rule named" : id;
}

// The recorded differences of a folder of traces, by finding key: "FILE.trace: cause ...".
std::map<std::string, std::string> known_differences(const std::string& dir) {
  std::map<std::string, std::string> known;
  std::error_code ec;
  if (dir.empty()) return known;
  constexpr std::string_view kMark = "# gVisor differs from Linux: ";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".trace") continue;
    std::istringstream in(load_text_file(entry.path().string()).value_or(""));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(kMark, 0) != 0) continue;
      std::string what = line.substr(kMark.size());
      const std::size_t cause = what.find(" (cause ");
      std::string key = what.substr(0, cause);
      if (const std::size_t nr = key.find(" (no rule) "); nr != std::string::npos) key.replace(nr, 11, "  ");
      // "(cause F: ...)." to "cause F: ...".
      std::string why = cause == std::string::npos ? std::string() : what.substr(cause + 2);
      if (!why.empty() && why.back() == '.') why.pop_back();
      if (!why.empty() && why.back() == ')') why.pop_back();
      known["divergence " + key] = entry.path().filename().string() + (why.empty() ? "" : ": " + why);
      break;
    }
  }
  return known;
}

// Every regression trace that ran on some target, with its replay's and program's exits.
std::vector<MatrixTrace> regress_traces(const std::vector<MatrixTarget>& targets) {
  std::map<std::string, MatrixTrace> by_name;
  for (const MatrixTarget& t : targets) {
    if (!t.left_out.empty()) continue;
    for (const auto& [name, code] : t.regress_exits) by_name[name].replay[t.name] = code;
    for (const auto& [name, code] : t.regress_programs) by_name[name].program[t.name] = code;
  }
  std::vector<MatrixTrace> out;
  for (auto& [name, trace] : by_name) {
    trace.name = name;
    bool fails = false, passes = false;
    for (const auto& [target, code] : trace.replay) {
      if (code == 0 || code == 77) {
        const auto p = trace.program.find(target);
        passes = passes || (p != trace.program.end() && p->second == 0);
        continue;
      }
      trace.differs = true;
      const auto p = trace.program.find(target);
      fails = fails || (p != trace.program.end() && p->second == 1);
    }
    trace.shown = fails && passes;
    out.push_back(std::move(trace));
  }
  return out;
}

// Each row of oracle/history.h: which targets have the change by their release, and whether
// its witness's program, emitted on `emitted_on`, exits 1 exactly on those of the other side.
std::vector<MatrixChange> history_changes(const std::vector<MatrixTarget>& targets,
                                          const std::vector<MatrixTrace>& regress, const std::string& emitted_on) {
  std::vector<MatrixChange> out;
  for (const HistoryChange& c : kHistoryChanges) {
    MatrixChange mc;
    mc.change = &c;
    const bool emitter_has = predicted_to_have(parse_kernel_release(emitted_on), c);
    const auto witness = std::find_if(regress.begin(), regress.end(),
                                      [&](const MatrixTrace& t) { return t.name == c.witness; });
    if (witness != regress.end()) mc.witness_program = witness->program;
    bool fails = false, passes = false;
    for (const MatrixTarget& t : targets) {
      if (!t.left_out.empty()) continue;
      const bool has = predicted_to_have(parse_kernel_release(t.release), c);
      (has ? mc.with : mc.without).push_back(t.name);
      const auto p = mc.witness_program.find(t.name);
      if (p == mc.witness_program.end() || (p->second != 0 && p->second != 1)) continue;
      const bool other_side = p->second == 1;
      if (other_side != (has != emitter_has)) mc.against.push_back(t.name);
      else (other_side ? fails : passes) = true;
    }
    mc.shown = fails && passes;
    out.push_back(std::move(mc));
  }
  return out;
}

// "6.1: BEFORE; host, 6.12: AFTER. Since commit C "SUBJECT" (R)."
std::string change_line(const MatrixChange& c) {
  const HistoryChange& h = *c.change;
  const auto side = [](const std::vector<std::string>& names) {
    return names.empty() ? std::string("no target") : fmt::format("{}", fmt::join(names, ", "));
  };
  std::string line = fmt::format("{}: {}; {}: {}. Since {}\"{}\" ({}).", side(c.without), h.before, side(c.with),
                                 h.after, h.commit.empty() ? std::string() : fmt::format("commit {} ", h.commit),
                                 h.subject, landed_in(h));
  if (!c.against.empty())
    line += fmt::format(" Against the release each reports: {} (the witness's program gives the other side).",
                        fmt::join(c.against, ", "));
  return line;
}

}  // namespace

bool Matrix::differs() const {
  return !differences.empty() || std::any_of(regress.begin(), regress.end(), [](const MatrixTrace& t) { return t.differs; }) ||
         std::any_of(changes.begin(), changes.end(), [](const MatrixChange& c) { return !c.against.empty(); });
}

Matrix read_matrix(const std::vector<std::pair<std::string, std::string>>& targets, const std::string& known_dir,
                   const std::string& emitted_on) {
  const std::map<std::string, std::string> known = known_differences(known_dir);
  Matrix m;
  for (const auto& [name, dir] : targets) {
    MatrixTarget t;
    t.name = name;
    t.dir = dir;
    read_target(t);
    m.targets.push_back(std::move(t));
  }
  for (const RuleInfo& r : rule_catalog()) m.rule_order.emplace_back(r.id);
  std::vector<std::string> keys;
  for (const MatrixTarget& t : m.targets)
    for (const MatrixFinding& f : t.findings)
      if (std::find(keys.begin(), keys.end(), f.key) == keys.end()) keys.push_back(f.key);
  for (const std::string& key : keys) {
    MatrixDifference d;
    for (const MatrixTarget& t : m.targets) {
      if (!t.left_out.empty()) continue;
      if (const MatrixFinding* f = finding_on(t, key)) {
        if (d.found_on.empty()) d.finding = *f, d.found_first_on = t.name;
        d.found_on.push_back(t.name);
      } else {
        d.not_found_on.push_back(t.name);
      }
    }
    const auto exit_on = [&](const std::string& name) {
      for (const MatrixTarget& t : m.targets)
        if (t.name == name)
          if (const auto it = t.repro_exits.find(d.finding.folder); it != t.repro_exits.end()) return it->second;
      return -1;
    };
    const bool fails = std::any_of(d.found_on.begin(), d.found_on.end(), [&](const std::string& n) { return exit_on(n) == 1; });
    const bool passes = std::any_of(d.not_found_on.begin(), d.not_found_on.end(), [&](const std::string& n) { return exit_on(n) == 0; });
    d.shown = !d.finding.folder.empty() && fails && passes;
    if (const auto k = known.find(key); k != known.end()) d.known = k->second;
    (d.not_found_on.empty() ? m.everywhere : m.differences).push_back(std::move(d));
  }
  m.emitted_on = emitted_on;
  m.regress = regress_traces(m.targets);
  m.changes = history_changes(m.targets, m.regress, emitted_on);
  return m;
}

std::string matrix_json(const Matrix& m) {
  nlohmann::json j;
  j["schema"] = "pollcheck-matrix/1";
  j["targets"] = nlohmann::json::array();
  for (const MatrixTarget& t : m.targets) {
    nlohmann::json o{{"name", t.name}, {"left_out", t.left_out.empty() ? nlohmann::json() : nlohmann::json(t.left_out)}};
    if (t.left_out.empty()) {
      o["release"] = t.release;
      o["how"] = t.how;
      o["seconds"] = t.seconds;
      o["sequences"] = t.sequences;
      o["ops"] = t.ops;
      o["mechanisms_left_out"] = t.mechanisms_left_out;
      o["uring_opcodes"] = t.uring_opcodes;
      o["findings"] = t.findings.size();
    }
    j["targets"].push_back(std::move(o));
  }
  j["rules"] = nlohmann::json::array();
  for (const std::string& id : m.rule_order) {
    nlohmann::json cells = nlohmann::json::object();
    for (const MatrixTarget& t : m.targets) {
      const auto it = t.rules.find(id);
      if (it == t.rules.end()) continue;
      cells[t.name] = {{"checked", it->second.checked}, {"findings", it->second.findings}, {"left_out", it->second.left_out}};
    }
    j["rules"].push_back({{"id", id}, {"targets", cells}});
  }
  const auto differences = [&](const std::vector<MatrixDifference>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (const MatrixDifference& d : list) {
      nlohmann::json exits = nlohmann::json::object();
      for (const MatrixTarget& t : m.targets) {
        const auto it = t.repro_exits.find(d.finding.folder);
        if (t.left_out.empty() && it != t.repro_exits.end()) exits[t.name] = it->second;
      }
      a.push_back({{"finding", d.finding.key},
                   {"rule", d.finding.rule},
                   {"statement", rule_statement(d.finding.rule)},
                   {"found_on", d.found_on},
                   {"not_found_on", d.not_found_on},
                   {"expected", d.finding.expected},
                   {"observed", d.finding.observed},
                   {"reduced_trace", d.finding.folder.empty() ? nlohmann::json()
                                                              : nlohmann::json(fmt::format("targets/{}/campaign/findings/{}/reduced.trace",
                                                                                           d.found_first_on, d.finding.folder))},
                   {"reproducer", d.finding.folder.empty() ? nlohmann::json() : nlohmann::json("repros/" + d.finding.folder + ".c")},
                   {"reproducer_exits", exits},
                   {"shown_by_reproducer", d.shown},
                   {"known", d.known.empty() ? nlohmann::json() : nlohmann::json(d.known)}});
    }
    return a;
  };
  j["reproducers_emitted_on"] = m.emitted_on;
  j["regress"] = nlohmann::json::array();
  for (const MatrixTrace& t : m.regress)
    j["regress"].push_back({{"trace", t.name}, {"replay_exits", t.replay}, {"program_exits", t.program},
                            {"differs", t.differs}, {"shown_by_program", t.shown}});
  j["history"] = nlohmann::json::array();
  for (const MatrixChange& c : m.changes)
    j["history"].push_back({{"rule", rule_info(c.change->rule).id},
                            {"commit", c.change->commit},
                            {"subject", c.change->subject},
                            {"landed_in", landed_in(*c.change)},
                            {"profile_has_it", c.change->profile_has_it},
                            {"before", c.change->before},
                            {"after", c.change->after},
                            {"witness", fmt::format("corpus/regress/{}.trace", c.change->witness)},
                            {"witness_program_exits", c.witness_program},
                            {"with", c.with},
                            {"without", c.without},
                            {"against", c.against},
                            {"shown_by_program", c.shown},
                            {"line", change_line(c)}});
  j["differences"] = differences(m.differences);
  j["found_everywhere"] = differences(m.everywhere);
  return j.dump(2) + "\n";
}

namespace {

std::string cell_text(const MatrixTarget& t, const std::string& id) {
  if (!t.left_out.empty()) return "-";
  const auto it = t.rules.find(id);
  if (it == t.rules.end()) return "?";
  if (it->second.left_out) return "left out";
  return it->second.findings ? fmt::format("{} ({} found)", it->second.checked, it->second.findings)
                             : std::to_string(it->second.checked);
}

ReportTable targets_table(const Matrix& m) {
  ReportTable t{{"target", "release (uname -r)", "how", "sequences", "ops", "seconds", "findings", "left out"}, {}, {}, {3, 4, 5, 6}};
  for (const MatrixTarget& x : m.targets) {
    if (!x.left_out.empty()) {
      t.rows.push_back({x.name, "", "", "", "", "", "", "not run: " + x.left_out});
      t.bad.push_back(true);
      continue;
    }
    std::string out;
    for (const std::string& l : x.mechanisms_left_out) out += (out.empty() ? "" : "; ") + l;
    t.rows.push_back({x.name, x.release, x.how, std::to_string(x.sequences), std::to_string(x.ops),
                      fmt::format("{:.1f}", x.seconds), std::to_string(x.findings.size()), out.empty() ? "nothing" : out});
    t.bad.push_back(false);
  }
  return t;
}

ReportTable differences_table(const Matrix& m, const std::vector<MatrixDifference>& list) {
  ReportTable t{{"finding", "found on", "not on", "expected (oracle) / observed"}, {}, {}, {}};
  for (const MatrixTarget& x : m.targets)
    if (x.left_out.empty()) t.head.push_back("reproducer on " + x.name);
  for (const MatrixDifference& d : list) {
    std::string found, not_found;
    for (const std::string& n : d.found_on) found += (found.empty() ? "" : ", ") + n;
    for (const std::string& n : d.not_found_on) not_found += (not_found.empty() ? "" : ", ") + n;
    std::vector<std::string> row{d.finding.key, found, not_found.empty() ? "-" : not_found,
                                 d.finding.expected.empty() ? "" : d.finding.expected + " / " + d.finding.observed};
    for (const MatrixTarget& x : m.targets)
      if (x.left_out.empty()) row.push_back(d.finding.folder.empty() ? "no reproducer" : exit_text(x, d.finding.folder));
    t.rows.push_back(std::move(row));
    t.bad.push_back(true);
  }
  return t;
}

// The regression corpus on each target: a row per trace whose replay did not agree everywhere,
// or whose program did not match everywhere, and a last row of counts.
ReportTable regress_table(const Matrix& m) {
  ReportTable t{{"regression trace", "shown by its program"}, {}, {}, {}};
  std::vector<const MatrixTarget*> ran;
  for (const MatrixTarget& x : m.targets)
    if (x.left_out.empty() && !x.regress_exits.empty()) ran.push_back(&x), t.head.push_back(x.name + ": replay / program");
  if (ran.empty()) return t;
  for (const MatrixTrace& trace : m.regress) {
    const bool programs_differ = std::any_of(trace.program.begin(), trace.program.end(),
                                             [](const auto& p) { return p.second != 0 && p.second != 77; });
    if (!trace.differs && !programs_differ) continue;
    std::vector<std::string> row{trace.name, trace.differs ? (trace.shown ? "yes" : "no") : "-"};
    for (const MatrixTarget* x : ran) row.push_back(exit_in(trace.replay, x->name) + " / " + exit_in(trace.program, x->name));
    t.rows.push_back(std::move(row));
    t.bad.push_back(trace.differs);
  }
  std::vector<std::string> totals{"all traces", ""};
  for (const MatrixTarget* x : ran) {
    std::size_t agree = 0, match = 0;
    for (const auto& [name, code] : x->regress_exits) agree += code == 0;
    for (const auto& [name, code] : x->regress_programs) match += code == 0;
    totals.push_back(fmt::format("{} of {} agree / {} of {} match", agree, x->regress_exits.size(), match,
                                 x->regress_programs.size()));
  }
  t.rows.push_back(std::move(totals));
  t.bad.push_back(false);
  return t;
}

// oracle/history.h on the targets: a row per change, each target's side by its release and its
// witness program's exit there.
ReportTable history_table(const Matrix& m) {
  ReportTable t{{"rule", "change", "since", "shown by its witness"}, {}, {}, {}};
  std::vector<const MatrixTarget*> ran;
  for (const MatrixTarget& x : m.targets)
    if (x.left_out.empty()) ran.push_back(&x), t.head.push_back(x.name);
  for (const MatrixChange& c : m.changes) {
    std::vector<std::string> row{std::string(rule_info(c.change->rule).id), std::string(c.change->subject),
                                 landed_in(*c.change), c.shown ? "yes" : "no"};
    for (const MatrixTarget* x : ran) {
      const bool has = std::find(c.with.begin(), c.with.end(), x->name) != c.with.end();
      std::string cell = has ? "has it" : "lacks it";
      if (c.witness_program.count(x->name)) cell += "; program " + exit_in(c.witness_program, x->name);
      if (std::find(c.against.begin(), c.against.end(), x->name) != c.against.end()) cell += "; against its release";
      row.push_back(std::move(cell));
    }
    t.rows.push_back(std::move(row));
    t.bad.push_back(!c.against.empty());
  }
  return t;
}

ReportTable rules_table(const Matrix& m) {
  ReportTable t{{"rule"}, {}, {}, {}};
  for (const MatrixTarget& x : m.targets) t.head.push_back(x.name);
  for (const std::string& id : m.rule_order) {
    std::vector<std::string> row{id};
    bool found = false;
    for (const MatrixTarget& x : m.targets) {
      row.push_back(cell_text(x, id));
      const auto it = x.rules.find(id);
      found = found || (it != x.rules.end() && it->second.findings);
    }
    t.rows.push_back(std::move(row));
    t.bad.push_back(found);
  }
  return t;
}

// What each difference's rule says, one paragraph each: the history line, where it has one.
std::vector<std::string> explanations(const std::vector<MatrixDifference>& list) {
  std::vector<std::string> out;
  for (const MatrixDifference& d : list) {
    std::string found;
    for (const std::string& n : d.found_on) found += (found.empty() ? "" : ", ") + n;
    out.push_back(fmt::format("{}: on {} the oracle (this host's Linux) expects {} and the target gives {}. Rule {}{}",
                              d.finding.key, found, d.finding.expected.empty() ? "(see its folder)" : d.finding.expected,
                              d.finding.observed.empty() ? "(see its folder)" : d.finding.observed,
                              rule_statement(d.finding.rule),
                              d.known.empty() ? "" : " Recorded before: " + d.known + "."));
  }
  return out;
}

// How many differences their reproducers show, and which they do not.
std::string shown_line(const Matrix& m) {
  if (m.differences.empty()) return "";
  std::string line = fmt::format("{} of {} shown by their reproducer (exit 1 on a target that found it, 0 on one "
                                 "that did not).",
                                 std::count_if(m.differences.begin(), m.differences.end(),
                                               [](const MatrixDifference& d) { return d.shown; }),
                                 m.differences.size());
  for (const MatrixDifference& d : m.differences)
    if (!d.shown) line += fmt::format(" Not shown: {} (found on {}).", d.finding.key, fmt::join(d.found_on, ", "));
  return line + "\n\n";
}

constexpr const char* kReading =
    "Each target ran the same campaign (the same seed, so the same sequences while no target "
    "cuts one short). A finding is a step where the target's answer is not one the oracle admits "
    "for Linux as this host runs it. A difference is a finding some targets show and others do "
    "not; its reproducer, compiled once, ran on every target: exit 1 where the target gives the "
    "other answer, 0 where it matches. Whether a difference is a bug or a change of behaviour is "
    "what the rule's statement and source say; where neither names it, it is a candidate bug "
    "report for the target that differs.";

constexpr const char* kRegressReading =
    "`corpus/regress` on every target, two ways: replayed by pollcheck (its pins and the oracle's sets "
    "for the target's release) and run as its C program (emitted on one kernel, so it checks what the "
    "oracle predicts there). The traces whose replay did not agree somewhere, or whose program did not "
    "match somewhere; a replay that differs is shown when the program exits 1 there and 0 elsewhere.";

std::string history_reading(const Matrix& m) {
  return fmt::format(
      "The documented changes the oracle predicts by the release each target reports (oracle/history.h). "
      "Each row's witness, a trace of corpus/regress, replays as agreeing on every target that follows "
      "its row; its program, emitted on {}, exits 1 on the targets on the other side of the change from "
      "that kernel, and 0 on its own side.",
      m.emitted_on.empty() ? "an unknown release" : m.emitted_on);
}

}  // namespace

std::string matrix_markdown(const Matrix& m) {
  std::string md = "# pollcheck implementation matrix\n\n" + std::string(kReading) + "\n\n## Targets\n\n";
  md += table_markdown(targets_table(m));
  for (const MatrixTarget& t : m.targets)
    if (t.left_out.empty())
      md += fmt::format("- {}: io_uring opcodes supported: {}\n", t.name,
                        t.uring_opcodes.empty() ? std::string("none (io_uring left out)")
                                                : fmt::format("{}", fmt::join(t.uring_opcodes, ", ")));
  md += fmt::format("\n## Differences between targets ({})\n\n{}", m.differences.size(), shown_line(m));
  if (m.differences.empty()) md += "None.\n\n";
  else {
    md += table_markdown(differences_table(m, m.differences));
    for (const std::string& e : explanations(m.differences)) md += "- " + e + "\n";
    md += "\n";
  }
  md += fmt::format("## Findings on every target ({})\n\n", m.everywhere.size());
  if (m.everywhere.empty()) md += "None.\n\n";
  else md += table_markdown(differences_table(m, m.everywhere));
  md += fmt::format("## Changes of behaviour between releases ({})\n\n{}\n\n", m.changes.size(), history_reading(m));
  md += table_markdown(history_table(m));
  for (const MatrixChange& c : m.changes) md += fmt::format("- {}: {}\n", rule_info(c.change->rule).id, change_line(c));
  md += "\n";
  if (const ReportTable r = regress_table(m); !r.rows.empty())
    md += "## The regression corpus on each target\n\n" + std::string(kRegressReading) + "\n\n" + table_markdown(r);
  md += "## Rules\n\nTimes checked on each target (and findings naming the rule).\n\n";
  return md + table_markdown(rules_table(m));
}

std::string matrix_html(const Matrix& m) {
  std::string h = html_head("pollcheck implementation matrix");
  h += "<p>" + html_escape(kReading) + "</p>\n<h2>Targets</h2>\n" + table_html(targets_table(m)) + "<ul>\n";
  for (const MatrixTarget& t : m.targets)
    if (t.left_out.empty())
      h += fmt::format("<li>{}: io_uring opcodes supported: {}</li>\n", html_escape(t.name),
                       html_escape(t.uring_opcodes.empty() ? std::string("none (io_uring left out)")
                                                           : fmt::format("{}", fmt::join(t.uring_opcodes, ", "))));
  h += fmt::format("</ul>\n<h2>Differences between targets ({})</h2>\n<p>{}</p>\n", m.differences.size(),
                   html_escape(shown_line(m)));
  if (m.differences.empty()) h += "<p class=\"ok\">None.</p>\n";
  else {
    h += table_html(differences_table(m, m.differences)) + "<ul>\n";
    for (const std::string& e : explanations(m.differences)) h += "<li>" + html_escape(e) + "</li>\n";
    h += "</ul>\n";
  }
  h += fmt::format("<h2>Findings on every target ({})</h2>\n", m.everywhere.size());
  h += m.everywhere.empty() ? "<p class=\"ok\">None.</p>\n" : table_html(differences_table(m, m.everywhere));
  h += fmt::format("<h2>Changes of behaviour between releases ({})</h2>\n<p>{}</p>\n", m.changes.size(),
                   html_escape(history_reading(m)));
  h += table_html(history_table(m)) + "<ul>\n";
  for (const MatrixChange& c : m.changes)
    h += fmt::format("<li>{}: {}</li>\n", html_escape(rule_info(c.change->rule).id), html_escape(change_line(c)));
  h += "</ul>\n";
  if (const ReportTable r = regress_table(m); !r.rows.empty())
    h += "<h2>The regression corpus on each target</h2>\n<p>" + html_escape(kRegressReading) + "</p>\n" + table_html(r);
  h += "<h2>Rules</h2>\n<p>Times checked on each target (and findings naming the rule).</p>\n" + table_html(rules_table(m));
  return h + "</body></html>\n";
}

}  // namespace pc
