// report.html: report.md's content for a browser, in one file that fetches nothing (the style is
// inline, the throughput plot is inline SVG), so it can be attached or archived as it is.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/differ.h"
#include "report/campaign_report.h"
#include "report/html_text.h"

namespace pc {
namespace {

std::string esc(std::string_view text) { return html_escape(text); }

// A tick step of 1, 2 or 5 times a power of ten that cuts [0, max] into about `parts` parts.
double tick_step(double max, int parts) {
  if (max <= 0) return 1;
  const double raw = max / parts;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) return m * p;
  return 10 * p;
}

std::string number_text(double v) {
  if (v >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

// Ops per second between consecutive samples, against elapsed seconds, with labelled axes.
std::string throughput_svg(const std::vector<ThroughputSample>& samples) {
  std::vector<std::pair<double, double>> points;  // (seconds, ops/s)
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const double dt = samples[i].seconds - samples[i - 1].seconds;
    if (dt <= 0) continue;
    points.emplace_back(samples[i].seconds, static_cast<double>(samples[i].ops - samples[i - 1].ops) / dt);
  }
  if (points.empty()) return "<p>Too short a campaign for a throughput plot.</p>\n";
  constexpr double W = 720, H = 300, left = 70, right = 20, top = 20, bottom = 50;
  double max_t = 0, max_r = 0;
  for (const auto& [t, rate] : points) max_t = std::max(max_t, t), max_r = std::max(max_r, rate);
  const double t_step = tick_step(max_t, 6), r_step = tick_step(max_r, 5);
  max_r = std::max(r_step, std::ceil(max_r / r_step) * r_step);
  const auto x = [&](double t) { return left + (W - left - right) * t / max_t; };
  const auto y = [&](double r) { return H - bottom - (H - top - bottom) * r / max_r; };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"throughput over time\">\n",
      W, H);
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fafafa\" stroke=\"#999\"/>\n", left,
                     top, W - left - right, H - top - bottom);
  for (double t = 0; t <= max_t + 1e-9; t += t_step)
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                       "<text x=\"{0}\" y=\"{3}\" font-size=\"12\" text-anchor=\"middle\">{4}</text>\n",
                       x(t), top, H - bottom, H - bottom + 16, number_text(t));
  for (double r = 0; r <= max_r + 1e-9; r += r_step)
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#ddd\"/>"
                       "<text x=\"{3}\" y=\"{4}\" font-size=\"12\" text-anchor=\"end\">{5}</text>\n",
                       left, y(r), W - right, left - 6, y(r) + 4, number_text(r));
  std::string line;
  for (const auto& [t, rate] : points) line += fmt::format("{:.1f},{:.1f} ", x(t), y(rate));
  svg += fmt::format("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"{}\"/>\n", line);
  // A short campaign has a sample or two: each is marked, so that one alone still shows.
  if (points.size() < 30)
    for (const auto& [t, rate] : points)
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"#1f5fa8\"/>\n", x(t), y(rate));
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\">elapsed time (s)</text>\n",
                     left + (W - left - right) / 2, H - 10);
  svg += fmt::format("<text x=\"16\" y=\"{0}\" font-size=\"13\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 16 {0})\">throughput (ops/s)</text>\n",
                     top + (H - top - bottom) / 2);
  return svg + "</svg>\n";
}

}  // namespace

std::string report_html(const CampaignReport& r) {
  const CampaignSummary& s = *r.summary;
  std::string h = html_head("pollcheck campaign report") + "<ul>\n";
  h += fmt::format("<li>kernel release (uname -r): {}</li>\n<li>started {}; seed {}, {} ops per sequence, profile {}, {} job{}</li>\n",
                   esc(r.kernel), esc(r.started), r.seed, r.ops_per_sequence, profile_name(r.profile), s.jobs,
                   s.jobs == 1 ? "" : "s");
  h += fmt::format("<li>ran {} sequences ({} ops) in {:.1f} s, {:.0f} ops/s; ended: {}</li>\n", s.sequences, s.ops,
                   std::chrono::duration<double>(s.wall).count(), ops_per_second(s), esc(r.stopped));
  h += fmt::format("<li class=\"{}\">{} agree, {} findings ({} distinct), {} unsettled, {} lost</li>\n",
                   s.findings ? "bad" : "ok", s.agree, s.findings, s.groups.size(), s.unsettled, s.lost);
  h += fmt::format("<li>to run it again: <code>{}</code></li>\n</ul>\n", esc(r.command));

  h += "<h2>Findings</h2>\n";
  if (s.groups.empty()) h += "<p class=\"ok\">None.</p>\n";
  else {
    h += "<table><tr><th>finding</th><th class=\"n\">sequences</th><th class=\"n\">first</th>"
         "<th class=\"n\">steps</th><th class=\"n\">reduced</th><th>reproducer here</th></tr>\n";
    for (std::size_t i = 0; i < s.groups.size(); ++i) {
      const FindingGroup& g = s.groups[i];
      const FindingFolder* d = i < r.folders.size() ? &r.folders[i] : nullptr;
      const std::string name = d ? fmt::format("<a href=\"findings/{}/README.md\">{}</a>", esc(d->name), esc(key_text(g.key)))
                                 : esc(key_text(g.key));
      h += fmt::format("<tr class=\"bad\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                       "<td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                       name, g.count, g.first.sequence_index, d ? std::to_string(d->first_ops) : "",
                       d && d->reduced_ops ? std::to_string(d->reduced_ops) : "",
                       d ? esc(d->existed ? "folder from an earlier run, kept" : d->repro_note) : "");
    }
    h += "</table>\n";
  }

  h += "<h2>Throughput</h2>\n" + throughput_svg(r.throughput);

  h += "<h2>What was left out</h2>\n<ul>\n";
  if (s.left_out.empty()) h += "<li>Nothing: every mechanism ran.</li>\n";
  for (const LeftOut& l : s.left_out) h += fmt::format("<li>{}: {}</li>\n", esc(l.mechanism), esc(l.reason));
  h += "</ul>\n";
  if (!r.uring_opcodes.empty()) {
    h += "<table><tr><th>io_uring opcode</th><th>kernel opcode</th><th>supported</th></tr>\n";
    for (const UringOpcodeSupport& u : r.uring_opcodes)
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(u.name), esc(u.kernel_name),
                       u.supported ? "yes" : "no");
    h += "</table>\n";
  }

  h += "<h2>Rules</h2>\n<table><tr><th>mechanism</th><th>rule</th><th>profile</th><th class=\"n\">checked</th>"
       "<th class=\"n\">findings</th><th>source</th></tr>\n";
  for (const RuleCoverage& row : rule_coverage(r)) {
    const char* cls = row.findings ? " class=\"bad\"" : row.left_out || !row.checked ? " class=\"skip\"" : "";
    h += fmt::format("<tr{}><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td class=\"n\">{}</td>"
                     "<td class=\"n\">{}</td><td>{}</td></tr>\n",
                     cls, esc(row.info->mechanism), esc(row.info->statement), esc(row.info->id), esc(row.info->profile),
                     row.left_out ? "left out" : std::to_string(row.checked), row.findings, esc(row.info->source));
  }
  h += "</table>\n<h2>Ops skipped</h2>\n";
  if (s.skip_reasons.empty()) h += "<p>None.</p>\n";
  else {
    h += fmt::format("<p>{} ops reached behaviour the oracle does not model; neither side ran them.</p>\n"
                     "<table><tr><th class=\"n\">ops</th><th>reason</th></tr>\n",
                     s.skipped_ops);
    for (const auto& [why, n] : skip_reasons_by_count(s)) h += fmt::format("<tr><td class=\"n\">{}</td><td>{}</td></tr>\n", n, esc(why));
    h += "</table>\n";
  }
  if (!r.mutants.empty())
    h += fmt::format("<h2>Mutation score</h2>\n<p class=\"{}\">The bug zoo, run on this kernel after the campaign "
                     "(at most {} s each): {}.</p>\n",
                     reproduced_count(r.mutants) == r.mutants.size() ? "ok" : "bad", r.mutants_budget.time.count(),
                     esc(score_line(r.mutants))) +
         table_html(mutants_table(r.mutants));
  h += "<h2>What the implementation told the oracle</h2>\n<ul>\n";
  for (const std::string& l : s.learned) h += fmt::format("<li>{}</li>\n", esc(l));
  return h + "</ul>\n</body></html>\n";
}

}  // namespace pc
