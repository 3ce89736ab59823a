#include "kernel/loopback_net.h"

#include <optional>

#include "repro/runtime/pc_inet.h"
#include "repro/runtime/pc_netns.h"
#include "vocab/observation.h"

namespace pc {
namespace {

std::optional<std::string> g_status;

}  // namespace

const std::string& enter_loopback_netns() {
  if (g_status) return *g_status;
  const char* failed = "";
  const int err = pc_enter_loopback_netns(&failed);
  char why[256];
  if (err == 0) g_status = pc_inet_probe(why, sizeof why) == 0 ? std::string() : std::string(why);
  else if (err < 0) g_status = failed;
  else g_status = std::string(failed) + ": " + errno_text(err);
  return *g_status;
}

std::string reenter_loopback_netns() {
  if (!g_status || !g_status->empty()) return "";
  g_status.reset();
  return enter_loopback_netns();
}

std::string loopback_netns_unavailable() {
  if (!g_status) return "no private network namespace was made at start-up";
  return *g_status;
}

}  // namespace pc
