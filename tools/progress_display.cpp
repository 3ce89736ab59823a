#include "tools/progress_display.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "harness/differ.h"
#include "oracle/rules.h"

namespace pc::cli {
namespace {

// A terminal line is redrawn at most this often; a log gets a line this often.
constexpr auto kTtyEvery = std::chrono::milliseconds(250);
constexpr auto kLogEvery = std::chrono::seconds(5);

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

}  // namespace

ProgressDisplay::ProgressDisplay(std::FILE* out, std::optional<std::chrono::seconds> budget,
                                   std::size_t sequences)
    : out_(out), tty_(::isatty(::fileno(out)) == 1), budget_(budget), sequences_(sequences) {}

std::string ProgressDisplay::line(const CampaignSummary& s) const {
  const double elapsed = std::chrono::duration<double>(s.wall).count();
  const double seq_rate = elapsed > 0 ? static_cast<double>(s.sequences) / elapsed : 0;
  // Whichever ends it first: the budget, or the sequences left at the rate so far.
  std::optional<double> left;
  if (budget_) left = std::max(0.0, static_cast<double>(budget_->count()) - elapsed);
  if (sequences_ <= s.sequences) left = 0.0;
  else if (seq_rate > 0) {
    const double by_count = static_cast<double>(sequences_ - s.sequences) / seq_rate;
    left = left ? std::min(*left, by_count) : by_count;
  }
  std::size_t rules = 0;
  for (std::uint64_t n : s.counts.checked) rules += n != 0;
  return fmt::format("{} elapsed, {} left | {} sequences, {:.0f}/s, {:.0f} ops/s | findings {} ({} distinct) | "
                     "rules checked {}/{}",
                     clock_text(elapsed), left ? clock_text(*left) : "?", s.sequences, seq_rate,
                     elapsed > 0 ? static_cast<double>(s.ops) / elapsed : 0.0, s.findings, s.groups.size(), rules,
                     rule_catalog().size());
}

void ProgressDisplay::show(const std::string& text) {
  if (tty_) {
    fmt::print(out_, "\r\033[K{}", text);
    line_open_ = true;
  } else {
    fmt::print(out_, "{}\n", text);
  }
  std::fflush(out_);
}

void ProgressDisplay::update(const CampaignSummary& s) {
  const double elapsed = std::chrono::duration<double>(s.wall).count();
  if (last_sample_ < 0 || elapsed - last_sample_ >= 1.0) {
    samples_.push_back({elapsed, s.ops, s.sequences});
    last_sample_ = elapsed;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_shown_ < (tty_ ? std::chrono::duration_cast<std::chrono::milliseconds>(kTtyEvery)
                                : std::chrono::duration_cast<std::chrono::milliseconds>(kLogEvery)))
    return;
  last_shown_ = now;
  show(line(s));
}

void ProgressDisplay::new_finding(const FindingGroup& g, std::size_t n) {
  if (line_open_) fmt::print(out_, "\r\033[K");
  line_open_ = false;
  fmt::print(out_, "new finding {} in sequence {}: {}\n", n, g.first.sequence_index, key_text(g.key));
  std::fflush(out_);
}

void ProgressDisplay::done(const CampaignSummary& s) {
  samples_.push_back({std::chrono::duration<double>(s.wall).count(), s.ops, s.sequences});
  show(line(s));
  if (line_open_) fmt::print(out_, "\n");
  line_open_ = false;
  std::fflush(out_);
}

}  // namespace pc::cli
