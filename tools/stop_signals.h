// Ctrl-C and SIGTERM stop a campaign rather than the process, so that it can say what ran and
// save what it found: run and campaign share one handler.
#pragma once

#include <csignal>

#include "harness/campaign.h"

namespace pc::cli {

// The signal that stopped the campaign (SIGINT, SIGTERM), 0 while none did.
extern volatile std::sig_atomic_t g_stop_signal;

// Without SA_RESTART, so that the campaign's wait for its workers returns at once.
void catch_stop_signals();
// The default actions again: a second Ctrl-C, while a stopped campaign writes what it found,
// ends the process (what it writes, it writes atomically).
void release_stop_signals();

// A campaign's exit: 1 with findings, else 128 + the signal that stopped it, else 4 when a
// sequence had no verdict (unsettled or lost), else 0.
int campaign_exit_code(const CampaignSummary& s);

}  // namespace pc::cli
