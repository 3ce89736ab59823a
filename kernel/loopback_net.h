// TCP and UDP run over loopback only, inside a network namespace the harness makes for itself:
// nothing it sends can leave the machine or meet another program's sockets.
#pragma once

#include <string>

namespace pc {

// Moves the calling thread (call it before any other thread starts, so the whole process
// follows) into a new network namespace and brings its lo up; then checks that the settle can
// read the namespace's traffic in /proc/net (pc_inet_probe). Idempotent: later calls return the
// first call's answer. "" on success, else why not ("unshare(CLONE_NEWNET): EPERM", "/proc/net/tcp
// does not list this namespace's TCP sockets by inode").
const std::string& enter_loopback_netns();

// In a process forked after enter_loopback_netns succeeded (a campaign's worker): a namespace
// of its own, so that its traffic, ports and ICMP accounting meet no other worker's. "" on
// success, else why not; "" without doing anything where the first call had failed.
std::string reenter_loopback_netns();

// "" once enter_loopback_netns succeeded; otherwise why TCP and UDP are left out.
std::string loopback_netns_unavailable();

}  // namespace pc
