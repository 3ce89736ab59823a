// The subcommands of the pollcheck command line. Each returns the process exit code.
#pragma once

#include <string>

#include "core/campaign.h"

namespace pc::cli {

inline constexpr int kExitAgree = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;      // bad flags, unreadable or malformed input
inline constexpr int kExitUnmodeled = 3;  // the trace needs behaviour the oracle lacks

int run_command(const CampaignConfig& config);
int replay_command(const std::string& path, bool verbose);
int rules_command(bool json);
int mutants_command();

}  // namespace pc::cli
