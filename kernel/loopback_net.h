// TCP and UDP run over loopback only, inside a network namespace the harness makes for itself:
// nothing it sends can leave the machine or meet another program's sockets.
#pragma once

#include <string>

namespace pc {

// Moves the calling thread (call it before any other thread starts, so the whole process
// follows) into a new network namespace and brings its lo up. Idempotent: later calls return
// the first call's answer. "" on success, else why not ("unshare(CLONE_NEWNET): EPERM").
const std::string& enter_loopback_netns();

// "" once enter_loopback_netns succeeded; otherwise why TCP and UDP are left out.
std::string loopback_netns_unavailable();

}  // namespace pc
