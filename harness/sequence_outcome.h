// What a campaign keeps of one generated sequence, as plain data: a worker process runs the
// sequence and sends this back as one line of JSON, and the campaign folds the outcomes in
// sequence order, so that its summary is the same whichever process ran which sequence.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/differ.h"
#include "harness/finding.h"
#include "gen/generator.h"
#include "oracle/params.h"

namespace pc {

struct SequenceOutcome {
  std::size_t index = 0;  // i of sequence_seed(campaign seed, i)
  Verdict verdict = Verdict::Agree;
  std::size_t steps_run = 0;
  std::size_t skipped = 0;  // ops neither side ran
  std::map<std::string, std::size_t> skip_reasons;
  std::string message;  // TraceResult::message
  std::string missing;  // TraceResult::missing (Verdict::Skip)
  std::int64_t kernel_ns = 0;
  RuleCounts counts;
  // Skb truesizes this sequence was the first in its process to learn: the campaign gathers
  // them so that its summary lists what the sequences learned, whichever process ran them.
  std::vector<LearnedTruesize> learned;
  // Set when the sequence is a finding (is_finding): its key, its account (the divergence
  // described, or the leak's message), and its trace cut to finding_length and annotated
  // (annotate_finding), as trace text. An unsettled sequence has its trace too, cut after the
  // step that did not settle.
  std::optional<FindingKey> key;
  std::string account;
  std::string trace_text;
  // Set instead of all the above when no verdict came back: the process running the sequence
  // died or stalled (a harness problem, never a finding).
  std::string lost;
};

struct CampaignConfig;  // harness/campaign.h

// Generates sequence i of the campaign and runs it through the differ.
SequenceOutcome run_sequence(const CampaignConfig& config, LearnedParams& learned,
                             const GenOptions& gen, std::size_t index);

// One line of JSON (no newline in it), and back. parse_outcome throws std::runtime_error on
// anything else.
std::string encode_outcome(const SequenceOutcome& o);
SequenceOutcome parse_outcome(const std::string& line);

}  // namespace pc
