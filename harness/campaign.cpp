#include "harness/campaign.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gen/chooser.h"
#include "harness/campaign_workers.h"
#include "kernel/loopback_net.h"
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
  gen.select = !calibration.leaves_out("select");
  gen.poll = !calibration.leaves_out("poll");
  gen.epoll = !calibration.leaves_out("epoll");
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

Trace annotate_finding(Trace t, std::uint64_t sequence_seed, const TraceResult& r, Mutant mutant) {
  t.comments.push_back(fmt::format("sequence seed {}: {}", sequence_seed, verdict_name(r.verdict)));
  t.held = r.held;
  if (r.divergence) {
    record_finding(t, *r.divergence, mutant);
    return t;
  }
  std::istringstream lines(r.message);
  for (std::string line; std::getline(lines, line);) t.comments.push_back(line);
  return t;
}

namespace {

// Writes a sequence's trace as DIR/seed-S-seq-I.trace; its path, or "" with *error set.
std::string save_sequence_trace(const std::string& dir, const CampaignConfig& config,
                                std::size_t index, const Trace& trace, std::string* error) {
  const std::string path = fmt::format("{}/seed-{}-seq-{}.trace", dir, config.seed, index);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = fmt::format("cannot make {}: {}", dir, ec.message());
    return {};
  }
  return save_trace_file_atomic(path, trace, error) ? path : std::string{};
}

// Adds one sequence's outcome to the summary, in sequence order; false once the campaign is to
// stop (CampaignConfig::max_findings distinct findings).
bool fold(CampaignSummary& s, LearnedParams& learned, const CampaignConfig& config,
          SequenceOutcome&& o, const std::function<void(const FindingGroup&)>& on_new_finding) {
  ++s.sequences;
  if (!o.lost.empty()) {
    ++s.lost;
    if (s.lost_messages.size() < 3) s.lost_messages.push_back(o.lost);
    return true;
  }
  for (const LearnedTruesize& t : o.learned) learned.adopt(t);
  s.ops += o.steps_run;
  s.kernel += std::chrono::nanoseconds(o.kernel_ns);
  s.counts.merge(o.counts);
  if (o.skipped) {
    s.skipped_ops += o.skipped;
    if (s.unmodeled_messages.size() < 3) s.unmodeled_messages.push_back(o.message);
    for (const auto& [why, n] : o.skip_reasons) s.skip_reasons[why] += n;
  }
  if (o.verdict == Verdict::Agree) ++s.agree;
  if (o.verdict == Verdict::Unsettled) {
    ++s.unsettled;
    std::string message = fmt::format("sequence {}: {}", o.index, o.message);
    if (!config.save_failures.empty()) {
      // A harness problem to look into, kept apart from the findings.
      std::string error, path;
      auto parsed = parse_trace(o.trace_text, fmt::format("sequence {}", o.index));
      if (const auto* t = std::get_if<Trace>(&parsed))
        path = save_sequence_trace(config.save_failures + "/unsettled", config, o.index, *t, &error);
      else error = "its trace does not read back: " + std::get<ParseError>(parsed).message;
      message += path.empty() ? fmt::format(" (not saved: {})", error) : fmt::format(" (saved: {})", path);
    }
    if (s.unsettled_messages.size() < 3) s.unsettled_messages.push_back(std::move(message));
  }
  if (o.verdict == Verdict::Skip) {
    ++s.skipped_sequences;
    ++s.skipped_sequence_reasons[o.missing];
  }
  if (!o.key) return true;
  ++s.findings;
  auto group = std::ranges::find(s.groups, *o.key, &FindingGroup::key);
  if (group != s.groups.end()) {
    ++group->count;
    return true;
  }
  Finding f;
  f.sequence_seed = sequence_seed(config.seed, o.index);
  f.sequence_index = o.index;
  f.account = std::move(o.account);
  auto parsed = parse_trace(o.trace_text, fmt::format("sequence {}", o.index));
  if (auto* t = std::get_if<Trace>(&parsed)) f.trace = std::move(*t);
  else f.save_error = "its trace does not read back: " + std::get<ParseError>(parsed).message;
  if (!config.save_failures.empty() && f.save_error.empty())
    f.saved_path = save_sequence_trace(config.save_failures, config, o.index, f.trace, &f.save_error);
  s.groups.push_back(FindingGroup{std::move(*o.key), 1, std::move(f)});
  if (on_new_finding) on_new_finding(s.groups.back());
  if (s.groups.size() >= config.max_findings && o.index + 1 < config.sequences) {
    s.stopped_at_max_findings = true;
    return false;
  }
  return true;
}

}  // namespace

namespace {

// The rules only waiter threads reach (a campaign with them left out checks none of these).
constexpr RuleId kWaiterRules[] = {RuleId::PO_WAKE,       RuleId::EP_WAKE_ONE,  RuleId::EP_WAKE_LT,
                                   RuleId::EP_WAKE_CTL,   RuleId::EP_WAKE_ORDER, RuleId::EP_EXCLUSIVE,
                                   RuleId::X_EINTR,       RuleId::X_WAIT_HOLD};

}  // namespace

const LeftOut* rule_left_out(const RuleInfo& r, const std::vector<LeftOut>& left_out) {
  for (const LeftOut& l : left_out) {
    const bool reaches = l.mechanism == "io_uring" ? r.mechanism == "io_uring" || r.rule == RuleId::X_AGREE
                         : l.mechanism == "fifo"   ? r.id.starts_with("RD-FIFO-")
                         : l.mechanism == "waiters"
                             ? std::find(std::begin(kWaiterRules), std::end(kWaiterRules), r.rule) != std::end(kWaiterRules)
                             : r.mechanism == l.mechanism;
    if (reaches) return &l;
  }
  return nullptr;
}

CampaignSummary run_campaign(const CampaignConfig& config,
                             const std::function<void(const FindingGroup&)>& on_new_finding,
                             const CampaignProgress& on_progress) {
  CampaignSummary s;
  s.sequences_asked = config.sequences;
  KernelParams params;
  LearnedParams learned(params);
  LearnedParams::Calibration calibration = learned.calibrate(config.profile);
  for (const std::string& m : config.leave_out)
    if (!calibration.leaves_out(m)) calibration.left_out.push_back({m, "left out by request (--leave-out or --mechanisms)"});
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
  WorkerOptions workers;
  workers.jobs = s.jobs = std::max<std::size_t>(1, config.jobs);
  workers.stop = config.stop;
  const auto start = std::chrono::steady_clock::now();
  // Each worker runs with the campaign's calibration (it is a copy of this process), in a
  // network namespace of its own.
  const WorkersResult w = run_in_workers(
      config.sequences, workers,
      [] {
        if (const std::string why = reenter_loopback_netns(); !why.empty())
          throw std::runtime_error("no network namespace of its own: " + why);
      },
      [&](std::size_t i) { return run_sequence(config, learned, gen, i); },
      [&](SequenceOutcome&& o) {
        const bool more = fold(s, learned, config, std::move(o), on_new_finding);
        if (!on_progress) return more;
        s.wall = std::chrono::steady_clock::now() - start;
        if (on_progress(s)) return more;
        s.stopped_by_caller = true;
        return false;
      });
  s.interrupted = w.stopped_by_signal;
  s.wall = std::chrono::steady_clock::now() - start;
  s.learned = learned.report();
  return s;
}

}  // namespace pc
