#include "harness/campaign.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gen/chooser.h"
#include "gen/generator.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "vocab/text_util.h"
#include "format/trace_format.h"
#include "oracle/oracle.h"

namespace pc {

std::uint64_t sequence_seed(std::uint64_t campaign_seed, std::size_t i) {
  // splitmix64 over (seed, index): neighbouring sequences get unrelated streams.
  std::uint64_t z = campaign_seed * 0x9E3779B97F4A7C15ull + i + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

GenOptions generation_options(const LearnedParams::Calibration& calibration) {
  GenOptions gen;
  gen.uring = !calibration.leaves_out("io_uring");
  gen.inet = !calibration.leaves_out("inet");
  gen.unix_sockets = !calibration.leaves_out("unix");
  gen.fifo = !calibration.leaves_out("fifo");
  gen.waiters = !calibration.leaves_out("waiters");
  return gen;
}

Trace make_sequence(std::uint64_t seq_seed, std::size_t ops, Profile profile,
                    const GenOptions& options) {
  RandomChooser chooser(seq_seed);
  Trace t = generate_trace(chooser, ops, profile, options);
  t.kernel = kernel_release();
  return t;
}

Trace annotate_finding(const Finding& f, Mutant mutant) {
  Trace t = f.trace;
  t.comments.push_back(fmt::format("sequence seed {}: {}", f.sequence_seed, verdict_name(f.result.verdict)));
  if (f.result.divergence) {
    record_finding(t, *f.result.divergence, mutant);
    return t;
  }
  std::istringstream lines(f.result.message);
  for (std::string line; std::getline(lines, line);) t.comments.push_back(line);
  return t;
}

CampaignSummary run_campaign(const CampaignConfig& config,
                             const std::function<void(const FindingGroup&)>& on_new_finding) {
  CampaignSummary s;
  s.sequences_asked = config.sequences;
  KernelParams params;
  LearnedParams learned(params);
  const LearnedParams::Calibration calibration = learned.calibrate(config.profile);
  s.left_out = calibration.left_out;
  s.not_run = calibration.fatal;
  for (const std::string& m : config.require)
    if (!s.not_run && calibration.leaves_out(m))
      s.not_run = fmt::format("'{}' is required (--require) but calibration leaves it out", m);
  if (s.not_run) {
    s.learned = learned.report();
    return s;
  }
  const GenOptions gen = generation_options(calibration);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < config.sequences; ++i) {
    const std::uint64_t seed = sequence_seed(config.seed, i);
    Trace trace = make_sequence(seed, config.ops, config.profile, gen);
    TraceResult r = run_trace(trace, learned, &s.counts, {}, config.mutant);
    ++s.sequences;
    s.ops += r.steps_run;
    s.kernel += r.kernel_time;
    if (r.skipped) {
      s.skipped_ops += r.skipped;
      if (s.unmodeled_messages.size() < 3) s.unmodeled_messages.push_back(r.message);
      for (const auto& [why, n] : r.skip_reasons) s.skip_reasons[why] += n;
    }
    if (r.verdict == Verdict::Agree) ++s.agree;
    if (r.verdict == Verdict::Unsettled) {
      ++s.unsettled;
      if (s.unsettled_messages.size() < 3) s.unsettled_messages.push_back(r.message);
    }
    if (r.verdict == Verdict::Skip) {
      ++s.skipped_sequences;
      ++s.skipped_sequence_reasons[r.missing];
    }
    if (!is_finding(r)) continue;
    ++s.findings;
    FindingKey key = finding_key(r);
    auto group = std::ranges::find(s.groups, key, &FindingGroup::key);
    if (group != s.groups.end()) {
      ++group->count;
      continue;
    }
    Finding f{seed, trace, r, {}, {}, i};
    f.trace.steps.resize(finding_length(r, f.trace.steps.size()));
    if (!config.save_failures.empty()) {
      const std::string path =
          fmt::format("{}/seed-{}-seq-{}.trace", config.save_failures, config.seed, i);
      std::error_code ec;
      std::filesystem::create_directories(config.save_failures, ec);
      Trace annotated = annotate_finding(f, config.mutant);
      if (ec) f.save_error = fmt::format("cannot make {}: {}", config.save_failures, ec.message());
      else if (save_trace_file_atomic(path, annotated, &f.save_error)) f.saved_path = path;
    }
    s.groups.push_back(FindingGroup{std::move(key), 1, std::move(f)});
    if (on_new_finding) on_new_finding(s.groups.back());
    if (s.groups.size() >= config.max_findings && i + 1 < config.sequences) {
      s.stopped_at_max_findings = true;
      break;
    }
  }
  s.wall = std::chrono::steady_clock::now() - start;
  s.learned = learned.report();
  return s;
}

}  // namespace pc
