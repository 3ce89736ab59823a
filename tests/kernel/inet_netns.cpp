// The kernel tests make TCP and UDP pairs in a network namespace of their own, entered before
// main (and so before any thread) as pollcheck's own programs do; where that is refused, the
// TCP and UDP cases skip and say why.
#include "kernel/loopback_net.h"

namespace {
[[maybe_unused]] const bool g_entered = (pc::enter_loopback_netns(), true);
}  // namespace
