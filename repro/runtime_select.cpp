#include "repro/runtime_select.h"

#include <map>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "repro/runtime_text.h"

namespace pc {
namespace {

const std::regex kLocalInclude(R"re(^[ \t]*#[ \t]*include[ \t]*"([^"]+)")re");
const std::regex kGuard(R"(^#if PC_NEED_([A-Z0-9_]+)[ \t]*$)");
const std::regex kSwitch(R"(^#define PC_NEED_([A-Z0-9_]+) )");

std::string_view file_text(std::string_view name) {
  for (const RuntimeFile& f : runtime_files())
    if (f.name == name) return f.text;
  throw std::logic_error(fmt::format("the C runtime has no file {}", name));
}

bool has_file(std::string_view name) {
  for (const RuntimeFile& f : runtime_files())
    if (f.name == name) return true;
  return false;
}

std::vector<std::string> lines_matching(std::string_view text, const std::regex& re) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string line(text.substr(start, nl - start));
    std::smatch m;
    if (std::regex_search(line, m, re)) out.push_back(m[1].str());
    start = nl + 1;
  }
  return out;
}

// The text with its `#include "..."` lines left out: the program is one file, and what they
// name is already in it.
std::string without_local_includes(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    nl = nl == std::string_view::npos ? text.size() : nl + 1;
    const std::string line(text.substr(start, nl - start));
    if (!std::regex_search(line, kLocalInclude)) out += line;
    start = nl;
  }
  return out;
}

// Adds files in an order where everything a file includes comes before it.
class Assembler {
 public:
  void add(std::string name) {  // by value: adding may grow sources_, where it may come from
    if (!done_.insert(name).second) return;
    const std::string_view text = file_text(name);
    for (const std::string& inc : lines_matching(text, kLocalInclude)) add(inc);
    out_ += fmt::format("\n/* ---- {} (pollcheck's C runtime, repro/runtime/{}) ---- */\n", name, name);
    out_ += without_local_includes(text);
    if (name.ends_with(".h")) {
      const std::string source = name.substr(0, name.size() - 2) + ".c";
      if (has_file(source)) sources_.push_back(source);
    }
  }
  void queue(const std::string& source) { sources_.push_back(source); }
  // Sources after the headers asked for, each after what it includes.
  void add_sources() {
    for (std::size_t i = 0; i < sources_.size(); ++i) add(sources_[i]);
  }
  const std::set<std::string>& files() const { return done_; }
  const std::string& text() const { return out_; }

 private:
  std::set<std::string> done_;
  std::vector<std::string> sources_;
  std::string out_;
};

}  // namespace

std::string RuntimeSelection::text() const {
  // The sources each switch guards.
  std::map<std::string, std::vector<std::string>> guarded;
  for (const RuntimeFile& f : runtime_files())
    if (f.name.ends_with(".c"))
      for (const std::string& sw : lines_matching(f.text, kGuard)) guarded[sw].push_back(std::string(f.name));

  Assembler a;
  for (const std::string& h : headers_) a.add(h);
  for (const std::string& n : needs_) {
    if (!guarded.count(n)) throw std::logic_error("the C runtime has no switch PC_NEED_" + n);
    for (const std::string& src : guarded[n]) a.queue(src);
  }
  a.add_sources();

  std::string out;
  for (const std::string& sw : lines_matching(file_text("pc_need.h"), kSwitch)) {
    bool on = false;
    for (const std::string& src : guarded[sw]) on = on || a.files().count(src);
    out += fmt::format("#define PC_NEED_{} {}\n", sw, on ? 1 : 0);
  }
  return out + a.text();
}

}  // namespace pc
