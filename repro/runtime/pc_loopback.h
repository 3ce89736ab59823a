/* TCP and UDP sockets on 127.0.0.1, every one non-blocking, made the same way by the executor
 * and the reproducer (the ops tcp_listen, tcp_connect, accept, linger_zero, so_error, and the
 * TCP and UDP socket pairs). */
#ifndef POLLCHECK_RUNTIME_PC_LOOPBACK_H
#define POLLCHECK_RUNTIME_PC_LOOPBACK_H

#ifdef __cplusplus
extern "C" {
#endif

/* A connected TCP pair: listen, connect, accept on 127.0.0.1; then the two connected sockets
 * are moved down onto the two lowest of the three numbers used, where socketpair would have
 * put them. fds[0]: the connecting end. 0, or an errno with nothing left open. */
int pc_tcp_pair(int fds[2]);
/* Two UDP sockets bound to 127.0.0.1 and connected to each other. 0, or an errno with nothing
 * left open. */
int pc_udp_pair(int fds[2]);

/* A listener on 127.0.0.1, any port: its descriptor, or -1 with errno. */
int pc_tcp_listener(int backlog);
/* A socket connect()ed to the listener's address (taken first: the new socket may take the
 * number of a closed listener). *fd: the socket, or -1 when none was made (the result is then
 * -1 with errno); *port: its local port, 0 if unknown. Returns connect's result (-1 with errno,
 * EINPROGRESS say). */
int pc_tcp_connect(int listener, int *fd, unsigned short *port);
/* accept4 of a non-blocking socket: its descriptor, or -1 with errno. *peer_port: the port of
 * the connecting socket it came from, 0 if unknown. */
int pc_tcp_accept(int listener, unsigned short *peer_port);
/* SO_LINGER on, 0 seconds: the next close resets the connection. setsockopt's result. */
int pc_linger_zero(int fd);
/* SO_ERROR read (and so cleared): 0 with *value, or -1 with errno. */
int pc_so_error(int fd, int *value);

#ifdef __cplusplus
}
#endif

#endif
