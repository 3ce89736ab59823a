#include "harness/sequence_outcome.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/campaign.h"
#include "format/trace_format.h"

namespace pc {

SequenceOutcome run_sequence(const CampaignConfig& config, LearnedParams& learned,
                             const GenOptions& gen, std::size_t index) {
  SequenceOutcome o;
  o.index = index;
  const std::uint64_t seed = sequence_seed(config.seed, index);
  const Trace trace = make_sequence(seed, config.ops, config.profile, gen);
  const std::size_t known = learned.learned_truesizes().size();
  TraceResult r = run_trace(trace, learned, &o.counts, {}, config.mutant);
  o.learned.assign(learned.learned_truesizes().begin() + static_cast<std::ptrdiff_t>(known),
                   learned.learned_truesizes().end());
  o.verdict = r.verdict;
  o.steps_run = r.steps_run;
  o.skipped = r.skipped;
  o.skip_reasons = r.skip_reasons;
  o.message = r.message;
  o.missing = r.missing;
  o.kernel_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(r.kernel_time).count();
  if (is_finding(r)) {
    o.key = finding_key(r);
    o.account = r.divergence ? describe_divergence(*r.divergence) : r.message + "\n";
    Trace cut = trace;
    cut.steps.resize(finding_length(r, cut.steps.size()));
    o.trace_text = print_trace(annotate_finding(cut, seed, r, config.mutant));
  } else if (r.verdict == Verdict::Unsettled) {
    // No finding, but a harness problem to look into: its steps up to the one that did not
    // settle, so that it can be replayed.
    Trace cut = trace;
    cut.steps.resize(std::min(cut.steps.size(), r.steps_run));
    o.trace_text = print_trace(annotate_finding(cut, seed, r, config.mutant));
  }
  return o;
}

// The wire format is the campaign's own, between processes of one build: enums travel as
// their numbers, rule counts as [rule, count] pairs for the rules checked.
std::string encode_outcome(const SequenceOutcome& o) {
  nlohmann::json j;
  j["index"] = o.index;
  j["verdict"] = static_cast<int>(o.verdict);
  j["steps_run"] = o.steps_run;
  j["skipped"] = o.skipped;
  j["skip_reasons"] = o.skip_reasons;
  j["message"] = o.message;
  j["missing"] = o.missing;
  j["kernel_ns"] = o.kernel_ns;
  nlohmann::json counts = nlohmann::json::array();
  for (std::size_t r = 0; r < kRuleCount; ++r)
    if (o.counts.checked[r]) counts.push_back({r, o.counts.checked[r]});
  j["counts"] = std::move(counts);
  nlohmann::json learned = nlohmann::json::array();
  for (const LearnedTruesize& t : o.learned) learned.push_back({static_cast<int>(t.type), t.payload, t.truesize});
  j["learned"] = std::move(learned);
  if (o.key) {
    j["key"] = {static_cast<int>(o.key->verdict), o.key->signature.op_kind, o.key->signature.rule,
                o.key->signature.difference};
    j["account"] = o.account;
  }
  if (!o.trace_text.empty()) j["trace"] = o.trace_text;
  if (!o.lost.empty()) j["lost"] = o.lost;
  // Invalid UTF-8 (a message quoting raw bytes) is replaced rather than refused.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SequenceOutcome parse_outcome(const std::string& line) {
  try {
    const nlohmann::json j = nlohmann::json::parse(line);
    SequenceOutcome o;
    o.index = j.at("index").get<std::size_t>();
    o.verdict = static_cast<Verdict>(j.at("verdict").get<int>());
    o.steps_run = j.at("steps_run").get<std::size_t>();
    o.skipped = j.at("skipped").get<std::size_t>();
    o.skip_reasons = j.at("skip_reasons").get<std::map<std::string, std::size_t>>();
    o.message = j.at("message").get<std::string>();
    o.missing = j.at("missing").get<std::string>();
    o.kernel_ns = j.at("kernel_ns").get<std::int64_t>();
    for (const auto& c : j.at("counts")) {
      const auto r = c.at(0).get<std::size_t>();
      if (r >= kRuleCount) throw std::runtime_error("rule number out of range");
      o.counts.checked[r] = c.at(1).get<std::uint64_t>();
    }
    for (const auto& t : j.at("learned"))
      o.learned.push_back({static_cast<SockType>(t.at(0).get<int>()), t.at(1).get<std::uint32_t>(),
                           t.at(2).get<std::uint32_t>()});
    if (j.contains("key")) {
      const auto& k = j.at("key");
      o.key = FindingKey{static_cast<Verdict>(k.at(0).get<int>()),
                         Signature{k.at(1).get<std::string>(), k.at(2).get<std::string>(),
                                   k.at(3).get<std::string>()}};
      o.account = j.at("account").get<std::string>();
    }
    if (j.contains("trace")) o.trace_text = j.at("trace").get<std::string>();
    if (j.contains("lost")) o.lost = j.at("lost").get<std::string>();
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("a worker's outcome line does not parse: ") + e.what());
  }
}

}  // namespace pc
