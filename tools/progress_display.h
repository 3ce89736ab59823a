// What a campaign shows while it runs: on a terminal, one line rewritten in place; otherwise a
// plain line every few seconds (a CI log). New findings get a line of their own either way.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "harness/campaign.h"
#include "report/campaign_report.h"

namespace pc::cli {

class ProgressDisplay {
 public:
  // budget: the time budget, if the campaign has one; sequences: how many it runs at most.
  ProgressDisplay(std::FILE* out, std::optional<std::chrono::seconds> budget, std::size_t sequences);
  // After each outcome; records a throughput sample each second.
  void update(const CampaignSummary& s);
  void new_finding(const FindingGroup& g, std::size_t n);
  // The last line, finished.
  void done(const CampaignSummary& s);
  const std::vector<ThroughputSample>& samples() const { return samples_; }

 private:
  std::string line(const CampaignSummary& s) const;
  void show(const std::string& text);

  std::FILE* out_;
  bool tty_;
  std::optional<std::chrono::seconds> budget_;
  std::size_t sequences_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_shown_{};
  double last_sample_ = -1;
  bool line_open_ = false;  // a tty line is on screen without its newline
  std::vector<ThroughputSample> samples_;
};

}  // namespace pc::cli
