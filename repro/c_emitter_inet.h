// The TCP and UDP part of the C reproducer (repro/c_emitter.cpp): the program makes its own
// network namespace with lo up, makes connected pairs over 127.0.0.1 the way
// kernel/executor_inet.cpp does, and settles loopback traffic after every step the same way.
#pragma once

#include <string>

namespace pc {

// C definitions: enter_netns(), tcp_pair(), udp_pair(), inet_settle().
std::string c_inet_helpers();

}  // namespace pc
