// SockType to the socket(2) type constant, shared by the executor and the parameter probe.
#pragma once

#include <sys/socket.h>

#include "vocab/ops.h"

namespace pc {

inline int socket_type(SockType t) {
  switch (t) {
    case SockType::Stream: return SOCK_STREAM;
    case SockType::Dgram: return SOCK_DGRAM;
    case SockType::Seqpacket: return SOCK_SEQPACKET;
    case SockType::Tcp: return SOCK_STREAM;
    case SockType::Udp: return SOCK_DGRAM;
  }
  return SOCK_STREAM;
}

}  // namespace pc
