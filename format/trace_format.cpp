// The trace as a whole: header lines, comments and their owners, one op per line.
#include "format/trace_format.h"

#include <algorithm>
#include <climits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "format/field_codec.h"
#include "vocab/text_util.h"

namespace pc {

std::string ParseError::to_string() const {
  if (line <= 0) return fmt::format("{}: {}", file, message);
  if (col <= 0) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}:{}: {}", file, line, col, message);
}

ParseError ParseError::at(std::string_view file, int line, std::size_t pos, std::string message) {
  return ParseError{std::string(file), line, pos >= INT_MAX ? INT_MAX : static_cast<int>(pos) + 1,
                    std::move(message)};
}

namespace {

constexpr std::string_view kMagic = "pollcheck-trace";
constexpr std::string_view kHeaderExpected = "expected 'pollcheck-trace 1' header";
constexpr std::string_view kPinArrow = "=>";

// Comments and the kernel release are free text on one line; a CR or LF inside would end the
// line early (or vanish as a CRLF ending) when read back. Printer and parser both apply this,
// so that what one writes the other reads back unchanged.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

void print_comment(std::string& out, std::string_view text) {
  out += text.empty() ? "#" : "# " + one_line(text);
  out += '\n';
}

// Lines without their "\n" and without a trailing "\r", so CRLF files read the same.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

struct Word {
  std::string_view text;
  std::size_t pos;
};

std::vector<Word> split_words(std::string_view line) {
  std::vector<Word> words;
  std::size_t p = 0;
  while (true) {
    while (p < line.size() && is_blank_char(line[p])) ++p;
    if (p == line.size()) return words;
    const std::size_t start = p;
    while (p < line.size() && !is_blank_char(line[p])) ++p;
    words.push_back({line.substr(start, p - start), start});
  }
}

bool is_comment(std::string_view line) { return trim_left(line).starts_with('#'); }

// The text after "# " (or after "#" when no space follows), kept verbatim otherwise.
std::string comment_text(std::string_view line) {
  std::string_view t = trim_left(line);
  t.remove_prefix(1);
  if (t.starts_with(' ')) t.remove_prefix(1);
  return one_line(t);
}

// Reads the header lines into trace; returns how many lines they took, or the error.
std::variant<std::size_t, ParseError> parse_header(const std::vector<std::string_view>& lines,
                                                   std::string_view filename, Trace& trace) {
  const auto error = [&](std::size_t index, std::size_t pos, std::string message) {
    return ParseError::at(filename, static_cast<int>(index + 1), pos, std::move(message));
  };
  const auto got = [&](std::size_t index) {
    return index < lines.size() ? quote(lines[index]) : std::string("end of file");
  };

  const std::vector<Word> magic = split_words(lines.empty() ? std::string_view{} : lines[0]);
  std::int32_t version = 0;
  if (magic.size() != 2 || magic[0].text != kMagic || parse_value(magic[1].text, version))
    return error(0, magic.empty() ? 0 : magic[0].pos, fmt::format("{}, got {}", kHeaderExpected, got(0)));
  if (version != kTraceFormatVersion)
    return error(0, magic[1].pos, fmt::format("unsupported trace format version {} ({})",
                                              version, kHeaderExpected));
  trace.version = version;

  const std::vector<Word> profile =
      split_words(lines.size() > 1 ? lines[1] : std::string_view{});
  const bool named = profile.size() == 2 && profile[0].text == "profile";
  const std::optional<Profile> named_profile =
      named ? profile_from_name(profile[1].text) : std::nullopt;
  if (!named_profile)
    return error(1, profile.empty() ? 0 : profile[0].pos,
                 fmt::format("expected 'profile' and one of {}, got {}", profile_choices(), got(1)));
  trace.profile = *named_profile;

  // Optional lines, in this order: kernel, mutant, finding, held.
  std::size_t next = 2;
  // The release is kept verbatim after "kernel " so any one-line text round-trips.
  if (next < lines.size()) {
    const std::string_view rest = trim_left(lines[next]);
    if (rest == "kernel") {
      ++next;
    } else if (rest.starts_with("kernel") && is_blank_char(rest[6])) {
      trace.kernel = one_line(rest.substr(7));
      ++next;
    }
  }
  if (next < lines.size()) {
    const std::vector<Word> words = split_words(lines[next]);
    if (!words.empty() && words[0].text == "mutant") {
      if (words.size() != 2)
        return error(next, words[0].pos, fmt::format("expected 'mutant NAME', got {}", got(next)));
      trace.mutant = std::string(words[1].text);
      ++next;
    }
  }
  if (next < lines.size()) {
    const std::vector<Word> words = split_words(lines[next]);
    if (!words.empty() && words[0].text == "finding") {
      constexpr std::string_view kKeys[] = {"step=", "op=", "rule=", "fields="};
      constexpr std::string_view kExpected =
          "expected 'finding step=N op=OP rule=RULE fields=F+G' (rule=- when none)";
      if (words.size() != 5) return error(next, words[0].pos, fmt::format("{}, got {}", kExpected, got(next)));
      FindingHeader f;
      std::string_view values[4];
      for (std::size_t k = 0; k < 4; ++k) {
        if (!words[k + 1].text.starts_with(kKeys[k]))
          return error(next, words[k + 1].pos, fmt::format("{}, got {}", kExpected, quote(words[k + 1].text)));
        values[k] = words[k + 1].text.substr(kKeys[k].size());
      }
      std::uint32_t step = 0;
      if (parse_value(values[0], step) || step == 0)
        return error(next, words[1].pos + 5, fmt::format("expected a step number from 1, got {}", quote(values[0])));
      f.step = step;
      f.signature = {std::string(values[1]), values[2] == "-" ? std::string() : std::string(values[2]),
                     std::string(values[3])};
      trace.finding = std::move(f);
      ++next;
    }
  }
  if (next < lines.size()) {
    const std::vector<Word> words = split_words(lines[next]);
    if (!words.empty() && words[0].text == "held") {
      constexpr std::string_view kExpected = "expected 'held FD,FD,...' (descriptors above 2, rising)";
      if (words.size() != 2) return error(next, words[0].pos, fmt::format("{}, got {}", kExpected, got(next)));
      std::string_view list = words[1].text;
      while (!list.empty()) {
        const std::string_view item = list.substr(0, list.find(','));
        int fd = 0;
        if (parse_value(item, fd) || fd <= 2 || (!trace.held.empty() && fd <= trace.held.back()))
          return error(next, words[1].pos, fmt::format("{}, got {}", kExpected, quote(words[1].text)));
        trace.held.push_back(fd);
        list.remove_prefix(std::min(list.size(), item.size() + 1));
      }
      ++next;
    }
  }
  return next;
}

bool is_header_keyword(std::string_view word) {
  return word == kMagic || word == "profile" || word == "kernel" || word == "mutant" || word == "finding" ||
         word == "held";
}

}  // namespace

std::string print_trace(const Trace& trace) {
  std::string out = fmt::format("{} {}\nprofile {}\n", kMagic, trace.version, profile_name(trace.profile));
  if (!trace.kernel.empty()) out += fmt::format("kernel {}\n", one_line(trace.kernel));
  if (!trace.mutant.empty()) out += fmt::format("mutant {}\n", trace.mutant);
  if (const auto& f = trace.finding) {
    const Signature& sig = f->signature;
    out += fmt::format("finding step={} op={} rule={} fields={}\n", f->step, sig.op_kind,
                       sig.rule.empty() ? "-" : sig.rule, sig.difference);
  }
  if (!trace.held.empty()) out += fmt::format("held {}\n", fmt::join(trace.held, ","));
  for (const std::string& c : trace.comments) print_comment(out, c);
  // Without the blank line, the comments that follow would read back as header comments.
  const bool comments_follow =
      trace.steps.empty() ? !trace.trailing_comments.empty() : !trace.steps[0].comments.empty();
  if (comments_follow) out += '\n';
  for (const Step& step : trace.steps) {
    for (const std::string& c : step.comments) print_comment(out, c);
    out += print_op(step.op);
    out += '\n';
    if (step.pin) {
      const std::string fields = print_pin(*step.pin);
      out += fields.empty() ? "  =>\n" : fmt::format("  => {}\n", fields);
    }
  }
  for (const std::string& c : trace.trailing_comments) print_comment(out, c);
  return out;
}

std::variant<Trace, ParseError> parse_trace(std::string_view text, std::string_view filename) {
  const std::vector<std::string_view> lines = split_lines(text);
  Trace trace;
  const auto header = parse_header(lines, filename, trace);
  if (const auto* err = std::get_if<ParseError>(&header)) return *err;

  bool in_header_comments = true;  // until the first blank line or op
  std::vector<std::string> pending;  // comments waiting for the op below them
  // What the previous line was, since a pin line belongs to the op line just above it.
  enum class Previous { Other, Op, Pin } previous = Previous::Other;
  int op_line_number = 0;  // of the last op
  for (std::size_t i = std::get<std::size_t>(header); i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (trim(line).empty()) {
      in_header_comments = false;
      previous = Previous::Other;
      continue;
    }
    if (is_comment(line)) {
      (in_header_comments ? trace.comments : pending).push_back(comment_text(line));
      previous = Previous::Other;
      continue;
    }
    in_header_comments = false;
    const int line_number = i >= INT_MAX ? INT_MAX : static_cast<int>(i + 1);
    const std::vector<Word> words = split_words(line);
    if (words[0].text.starts_with(kPinArrow)) {
      if (previous != Previous::Op)
        return ParseError::at(filename, line_number, words[0].pos,
                          previous == Previous::Pin
                              ? fmt::format("expected one '=>' line per op, and the op on line "
                                            "{} already has one", op_line_number)
                              : std::string("expected an op on the line just above this '=>' "
                                            "line (a pin belongs to the op it follows)"));
      auto pin = parse_pin(line, filename, line_number);
      if (auto* err = std::get_if<ParseError>(&pin)) return std::move(*err);
      trace.steps.back().pin = std::get<Pin>(std::move(pin));
      previous = Previous::Pin;
      continue;
    }
    if (is_header_keyword(words[0].text))
      return ParseError::at(filename, line_number, words[0].pos,
                        fmt::format("'{}' belongs in the header: 'pollcheck-trace 1', 'profile', "
                                    "then optionally 'kernel', 'mutant' and 'finding', as the "
                                    "first lines",
                                    words[0].text));
    auto op = parse_op(line, filename, line_number);
    if (auto* err = std::get_if<ParseError>(&op)) return std::move(*err);
    trace.steps.push_back(Step{std::move(pending), std::get<Op>(std::move(op)), std::nullopt});
    pending.clear();
    previous = Previous::Op;
    op_line_number = line_number;
  }
  trace.trailing_comments = std::move(pending);
  return trace;
}

}  // namespace pc
