// The TCP, UDP and MSG_PEEK examples, from tcp(7), udp(7), recv(2) and the kernel paths named
// in the RD-TCP*, RD-UDP* rules; the pairs are connected over 127.0.0.1 in the harness's own
// network namespace. Syntax as in tests/common/scenarios.cpp.
#include "tests/common/scenarios.h"

namespace pc {

void add_inet_scenarios(std::vector<Scenario>& v) {
  // tcp(7): a byte stream. Reads and peeks cross write boundaries; a peek leaves the bytes.
  v.push_back(make_scenario("tcp_bytes_in_order", {"RD-TCP", "RD-PEEK", "FD-LOWEST"},
                            "tcp(7); recv(2) MSG_PEEK", R"(
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    poll entries=[h0:IN|OUT,h1:IN|OUT] over_limit=0                => ret=2 revents=[OUT, OUT]
    write fd=h0 len=5 value=0                                      => ret=5
    write fd=h0 len=7 value=0                                      => ret=7
    poll entries=[h1:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT]
    recv fd=h1 len=100 peek=true                                   => ret=12 {bytes 3 5 + 4 7}
    read fd=h1 len=3                                               => ret=3 {bytes 3 3}
    read fd=h1 len=100                                             => ret=9 {bytes 3 3..5 + 4 7}
    read fd=h1 len=100                                             => -1 EAGAIN
    poll entries=[h1:IN|OUT] over_limit=0                          => ret=1 revents=[OUT]
  )"));

  // shutdown(2) SHUT_WR sends a FIN: the peer reads its data, then 0, and is POLLRDHUP; the
  // shut end stays POLLOUT (tcp_poll) but writes EPIPE. Once both FINs are through both ends
  // are TCP_CLOSE and POLLHUP, and shutdown says ENOTCONN.
  v.push_back(make_scenario("tcp_half_close", {"RD-TCP", "RD-TCP-CLOSE"},
                            "shutdown(2); net/ipv4/tcp.c tcp_poll, tcp_input.c tcp_fin", R"(
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    write fd=h0 len=4 value=0                                      => ret=4
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|OUT|RDHUP,h1:IN|OUT|RDHUP] over_limit=0    => ret=2 revents=[OUT, IN|OUT|RDHUP]
    read fd=h1 len=100                                             => ret=4 {bytes 2 4}
    read fd=h1 len=100                                             => ret=0 {none}
    write fd=h0 len=1 value=0                                      => -1 EPIPE
    write fd=h1 len=3 value=0                                      => ret=3
    read fd=h0 len=100                                             => ret=3 {bytes 8 3}
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|OUT|RDHUP,h1:IN|OUT|RDHUP] over_limit=0    => ret=2 revents=[IN|OUT|HUP|RDHUP, IN|OUT|HUP|RDHUP]
    shutdown fd=h0 how=rd                                          => -1 ENOTCONN
  )"));

  // __tcp_close: closing with unread data sends an RST. The peer still reads what it had
  // queued, then ECONNRESET once, then 0; it is POLLERR|POLLHUP until the error is taken.
  v.push_back(make_scenario("tcp_close_unread_resets", {"RD-TCP-CLOSE"},
                            "net/ipv4/tcp.c __tcp_close, tcp_input.c tcp_reset", R"(
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    write fd=h0 len=6 value=0                                      => ret=6
    write fd=h1 len=2 value=0                                      => ret=2
    close fd=h1                                                    => ret=0
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=1 revents=[IN|OUT|ERR|HUP]
    read fd=h0 len=100                                             => ret=2 {bytes 3 2}
    read fd=h0 len=100                                             => -1 ECONNRESET
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=1 revents=[IN|OUT|HUP]
    read fd=h0 len=100                                             => ret=0 {none}
    write fd=h0 len=1 value=0                                      => -1 EPIPE
  )"));

  // A clean close sends a FIN; data sent to the closed end draws an RST, which in CLOSE_WAIT
  // is EPIPE. After the FIN a read gives 0 and leaves the error for the next write.
  v.push_back(make_scenario("tcp_write_to_closed_peer", {"RD-TCP-CLOSE", "RD-TCP"},
                            "net/ipv4/tcp_minisocks.c tcp_timewait_state_process, tcp_input.c tcp_reset", R"(
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    close fd=h1                                                    => ret=0
    poll entries=[h0:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT|RDHUP]
    write fd=h0 len=1 value=0                                      => ret=1
    poll entries=[h0:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT|ERR|HUP|RDHUP]
    read fd=h0 len=10                                              => ret=0 {none}
    write fd=h0 len=1 value=0                                      => -1 EPIPE
    poll entries=[h0:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT|HUP|RDHUP]
  )"));

  // listen(2), connect(2), accept(2): the listener is POLLIN while a connection waits; a
  // non-blocking connect is EINPROGRESS, then POLLOUT; accept4 takes connections in arrival
  // order on the lowest free descriptor, even one whose connecting end is closed already (it
  // reads the data, then 0). A listener takes no data: writes EPIPE, reads ENOTCONN.
  v.push_back(make_scenario("tcp_listen_connect_accept", {"RD-TCP-LISTEN", "FD-LOWEST"},
                            "listen(2), accept(2), connect(2) EINPROGRESS", R"(
    tcp_listen out=h0                                              => fds=[3]
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=0 revents=[0]
    accept fd=h0 out=h1                                            => -1 EAGAIN
    tcp_connect listener=h0 out=h1                                 => -1 EINPROGRESS fds=[4]
    poll entries=[h0:IN|OUT,h1:IN|OUT] over_limit=0                => ret=2 revents=[IN, OUT]
    tcp_connect listener=h0 out=h2                                 => -1 EINPROGRESS fds=[5]
    write fd=h1 len=3 value=0                                      => ret=3
    close fd=h2                                                    => ret=0
    accept fd=h0 out=h3                                            => fds=[5]
    read fd=h3 len=10                                              => ret=3 {bytes 7 3}
    accept fd=h0 out=h4                                            => fds=[6]
    read fd=h4 len=10                                              => ret=0 {none}
    poll entries=[h0:IN] over_limit=0                              => ret=0 revents=[0]
    accept fd=h1 out=h5                                            => -1 EINVAL
    write fd=h0 len=1 value=0                                      => -1 EPIPE
    read fd=h0 len=1                                               => -1 ENOTCONN
  )"));

  // SO_LINGER {1, 0}: close resets the connection: the peer is POLLERR|POLLHUP and SO_ERROR
  // reads ECONNRESET once. Closing a listener resets the connections it never accepted.
  v.push_back(make_scenario("tcp_linger_zero_resets", {"RD-TCP-CLOSE", "RD-TCP-LISTEN"},
                            "socket(7) SO_LINGER, SO_ERROR; net/ipv4/tcp.c tcp_disconnect", R"(
    tcp_listen out=h0                                              => fds=[3]
    tcp_connect listener=h0 out=h1                                 => -1 EINPROGRESS fds=[4]
    accept fd=h0 out=h2                                            => fds=[5]
    so_error fd=h1                                                 => ret=0
    linger0 fd=h2                                                  => ret=0
    close fd=h2                                                    => ret=0
    poll entries=[h1:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT|ERR|HUP|RDHUP]
    so_error fd=h1                                                 => ret=104
    poll entries=[h1:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[IN|OUT|HUP|RDHUP]
    read fd=h1 len=10                                              => ret=0 {none}
    tcp_connect listener=h0 out=h2                                 => -1 EINPROGRESS fds=[5]
    close fd=h0                                                    => ret=0
    poll entries=[h2:IN|OUT] over_limit=0                          => ret=1 revents=[IN|OUT|ERR|HUP]
    read fd=h2 len=10                                              => -1 ECONNRESET
    pipe rd=h4 wr=h5                                               => fds=[3,6]
    so_error fd=h4                                                 => -1 ENOTSOCK
    linger0 fd=h4                                                  => -1 ENOTSOCK
  )"));

  // udp(7): datagrams keep their boundaries; a short read truncates and drops the rest; an
  // empty datagram reads as 0. shutdown sets local bits only: SHUT_RD gives POLLRDHUP but a
  // nonblocking read of the empty queue stays EAGAIN; SHUT_WR makes writes EPIPE.
  v.push_back(make_scenario("udp_datagrams_keep_boundaries", {"RD-UDP", "RD-PEEK"},
                            "udp(7); recv(2) MSG_PEEK; net/ipv4/udp.c __skb_recv_udp", R"(
    socketpair type=udp a=h0 b=h1                                  => fds=[3,4]
    poll entries=[h0:IN|OUT,h1:IN|OUT] over_limit=0                => ret=2 revents=[OUT, OUT]
    write fd=h0 len=5 value=0                                      => ret=5
    write fd=h0 len=0 value=0                                      => ret=0
    write fd=h0 len=9 value=0                                      => ret=9
    recv fd=h1 len=3 peek=true                                     => ret=3 {bytes 3 3}
    read fd=h1 len=3                                               => ret=3 {bytes 3 3}
    poll entries=[h1:IN] over_limit=0                              => ret=1 revents=[IN]
    read fd=h1 len=100                                             => ret=0 {none}
    read fd=h1 len=100                                             => ret=9 {bytes 5 9}
    read fd=h1 len=100                                             => -1 EAGAIN
    shutdown fd=h1 how=rd                                          => ret=0
    poll entries=[h1:IN|RDHUP] over_limit=0                        => ret=1 revents=[IN|RDHUP]
    read fd=h1 len=10                                              => -1 EAGAIN
    shutdown fd=h0 how=wr                                          => ret=0
    write fd=h0 len=1 value=0                                      => -1 EPIPE
    poll entries=[h0:IN|OUT|RDHUP] over_limit=0                    => ret=1 revents=[OUT]
    write fd=h1 len=2 value=0                                      => ret=2
    read fd=h0 len=10                                              => ret=2 {bytes 18 2}
  )"));

  // A datagram to a closed peer's port draws ICMP port unreachable: POLLERR, and the next read
  // or write reports ECONNREFUSED once, before any queued datagram; that write sends nothing.
  v.push_back(make_scenario("udp_closed_peer_refuses", {"RD-UDP-ICMP", "RD-UDP"},
                            "udp(7) ERRORS; net/ipv4/udp.c __udp4_lib_err", R"(
    socketpair type=udp a=h0 b=h1                                  => fds=[3,4]
    write fd=h1 len=4 value=0                                      => ret=4
    close fd=h1                                                    => ret=0
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=1 revents=[IN|OUT]
    write fd=h0 len=3 value=0                                      => ret=3
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=1 revents=[IN|OUT|ERR]
    read fd=h0 len=10                                              => -1 ECONNREFUSED
    read fd=h0 len=10                                              => ret=4 {bytes 2 4}
    write fd=h0 len=3 value=0                                      => ret=3
    write fd=h0 len=3 value=0                                      => -1 ECONNREFUSED
    poll entries=[h0:IN|OUT] over_limit=0                          => ret=1 revents=[OUT]
  )"));

  // recv(2) MSG_PEEK on AF_UNIX: a stream peek crosses write boundaries and takes nothing; a
  // datagram peek returns the first message, truncated, and leaves it. recv on a descriptor
  // that is not a socket is ENOTSOCK.
  v.push_back(make_scenario("unix_peek", {"RD-PEEK", "RD-UNIX-STREAM", "RD-UNIX-DGRAM"},
                            "recv(2) MSG_PEEK; net/unix/af_unix.c unix_stream_read_generic", R"(
    socketpair type=stream a=h0 b=h1                               => fds=[3,4]
    write fd=h0 len=4 value=0                                      => ret=4
    write fd=h0 len=6 value=0                                      => ret=6
    recv fd=h1 len=8 peek=true                                     => ret=8 {bytes 2 4 + 3 4}
    read fd=h1 len=100                                             => ret=10 {bytes 2 4 + 3 6}
    recv fd=h1 len=5 peek=false                                    => -1 EAGAIN
    socketpair type=dgram a=h2 b=h3                                => fds=[5,6]
    write fd=h2 len=6 value=0                                      => ret=6
    recv fd=h3 len=2 peek=true                                     => ret=2 {bytes 8 2}
    recv fd=h3 len=100 peek=false                                  => ret=6 {bytes 8 6}
    pipe rd=h4 wr=h5                                               => fds=[7,8]
    recv fd=h4 len=1 peek=true                                     => -1 ENOTSOCK
  )"));

  // shutdown(2) and close(2) on each socket kind, seen by poll asking for IN|OUT|RDHUP|PRI:
  // a stream or seqpacket peer's SHUT_WR gives RDHUP (with IN: reads give 0), both directions
  // shut give HUP, and HUP stays once the peer is closed; POLLOUT stays after one's own SHUT_WR
  // (a write then fails with EPIPE). Datagram sockets, AF_UNIX and UDP alike, show none of it:
  // shutdown touches only their own end, and a peer's close gives no HUP. PRI never appears.
  v.push_back(make_scenario("hup_rdhup_every_socket_kind",
                            {"RD-UNIX-SHUTDOWN", "RD-UNIX-DGRAM", "RD-TCP-CLOSE", "RD-UDP", "PO-REVENTS"},
                            "shutdown(2), poll(2) POLLRDHUP; net/unix/af_unix.c unix_poll, unix_dgram_poll; "
                            "net/ipv4/tcp.c tcp_poll; net/ipv4/udp.c udp_poll", R"(
    socketpair type=stream a=h0 b=h1                               => fds=[3,4]
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, IN|OUT|RDHUP]
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[IN|OUT|HUP|RDHUP, IN|OUT|HUP|RDHUP]
    close fd=h0                                                    => ret=0
    poll entries=[h1:IN|PRI|OUT|RDHUP] over_limit=0                => ret=1 revents=[IN|OUT|HUP|RDHUP]
    close fd=h1                                                    => ret=0
    socketpair type=dgram a=h0 b=h1                                => fds=[3,4]
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, OUT]
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, OUT]
    close fd=h0                                                    => ret=0
    poll entries=[h1:IN|PRI|OUT|RDHUP] over_limit=0                => ret=1 revents=[OUT]
    close fd=h1                                                    => ret=0
    socketpair type=seqpacket a=h0 b=h1                            => fds=[3,4]
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, IN|OUT|RDHUP]
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[IN|OUT|HUP|RDHUP, IN|OUT|HUP|RDHUP]
    close fd=h0                                                    => ret=0
    poll entries=[h1:IN|PRI|OUT|RDHUP] over_limit=0                => ret=1 revents=[IN|OUT|HUP|RDHUP]
    close fd=h1                                                    => ret=0
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, IN|OUT|RDHUP]
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[IN|OUT|HUP|RDHUP, IN|OUT|HUP|RDHUP]
    close fd=h0                                                    => ret=0
    poll entries=[h1:IN|PRI|OUT|RDHUP] over_limit=0                => ret=1 revents=[IN|OUT|HUP|RDHUP]
    close fd=h1                                                    => ret=0
    socketpair type=udp a=h0 b=h1                                  => fds=[3,4]
    shutdown fd=h0 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, OUT]
    shutdown fd=h1 how=wr                                          => ret=0
    poll entries=[h0:IN|PRI|OUT|RDHUP,h1:IN|PRI|OUT|RDHUP] over_limit=0 => ret=2 revents=[OUT, OUT]
    close fd=h0                                                    => ret=0
    poll entries=[h1:IN|PRI|OUT|RDHUP] over_limit=0                => ret=1 revents=[OUT]
    close fd=h1                                                    => ret=0
  )"));

  // tcp(7) "Out-of-band data": send(MSG_OOB) makes the last byte urgent. The peer is IN|PRI
  // (and in select's except set); a read stops at the mark; with only the urgent byte left it
  // is PRI alone; recv(MSG_OOB) takes the byte, after which a read skips its place. An urgent
  // byte at the read position that nobody took is skipped by the next read (EAGAIN), and a
  // second urgent byte drops it; one with data before it becomes ordinary data (5 bytes read).
  v.push_back(make_scenario("tcp_urgent_data", {"RD-TCP-OOB", "RD-TCP"},
                            "tcp(7) Out-of-band data; net/ipv4/tcp.c tcp_poll, tcp_recvmsg, tcp_recv_urg; "
                            "net/ipv4/tcp_input.c tcp_check_urg", R"(
    socketpair type=tcp a=h0 b=h1                                  => fds=[3,4]
    send_oob fd=h0 len=3                                           => ret=3
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[IN|PRI]
    select rd=[h1] wr=[] ex=[h1] nfds=exact                        => ret=2 rd=[4] wr=[] ex=[4] tv=0
    read fd=h1 len=10                                              => ret=2 digest=0x08328807b4eb6fed
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[PRI]
    recv_oob fd=h1                                                 => ret=1 digest=0xaf63bd4c8601b7df
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=0 revents=[0]
    recv_oob fd=h1                                                 => -1 EINVAL
    read fd=h1 len=10                                              => -1 EAGAIN
    send_oob fd=h0 len=1                                           => ret=1
    read fd=h1 len=10                                              => -1 EAGAIN
    recv_oob fd=h1                                                 => -1 EINVAL
    write fd=h0 len=2 value=0                                      => ret=2
    send_oob fd=h0 len=1                                           => ret=1
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[IN|PRI]
    read fd=h1 len=10                                              => ret=2 digest=0x08328807b4eb6fed
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[PRI]
    read fd=h1 len=10                                              => -1 EAGAIN
    send_oob fd=h0 len=1                                           => ret=1
    send_oob fd=h0 len=1                                           => ret=1
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[PRI]
    recv_oob fd=h1                                                 => ret=1 digest=0xaf63bd4c8601b7df
    read fd=h1 len=10                                              => -1 EAGAIN
    write fd=h0 len=3 value=0                                      => ret=3
    send_oob fd=h0 len=2                                           => ret=2
    send_oob fd=h0 len=1                                           => ret=1
    poll entries=[h1:IN|PRI] over_limit=0                          => ret=1 revents=[IN|PRI]
    read fd=h1 len=100                                             => ret=5 digest=0xe4bc4fd9252be94f
    recv_oob fd=h1                                                 => ret=1 digest=0xaf63bd4c8601b7df
  )"));
}

}  // namespace pc
