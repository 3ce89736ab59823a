#include "tools/stop_signals.h"

#include <signal.h>

#include "tools/commands.h"

namespace pc::cli {

volatile std::sig_atomic_t g_stop_signal = 0;

namespace {

void on_stop_signal(int sig) { g_stop_signal = sig; }

void set_handlers(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

void catch_stop_signals() { set_handlers(on_stop_signal); }

void release_stop_signals() { set_handlers(SIG_DFL); }

int campaign_exit_code(const CampaignSummary& s) {
  if (s.findings) return kExitFinding;
  if (s.interrupted) return 128 + g_stop_signal;
  return s.unsettled || s.lost ? kExitUnsettled : kExitAgree;
}

}  // namespace pc::cli
