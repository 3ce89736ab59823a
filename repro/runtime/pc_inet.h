/* When TCP and UDP traffic over loopback has settled. A loopback packet is processed in softirq
 * context, usually before send returns but not always, so after every step both the executor
 * and the reproducer wait (bounded) until each socket's sends are acknowledged or delivered,
 * never for a fixed time. */
#ifndef POLLCHECK_RUNTIME_PC_INET_H
#define POLLCHECK_RUNTIME_PC_INET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bound on one settle, in milliseconds. */
#define PC_INET_SETTLE_MS 2000

/* One TCP or UDP socket the trace made. */
struct pc_inet_sock {
  int fd;                  /* one open descriptor on it, -1 if none is left */
  int tcp;                 /* 1 TCP, 0 UDP */
  unsigned long long ino;  /* its inode */
  unsigned long long peer; /* its peer's inode; 0: a connecting socket whose other end waits to
                              be accepted, so there is no peer to look at */
};

/* /proc/net/tcp and /proc/net/snmp, opened high (pc_open_high) at their first read. */
struct pc_inet_proc {
  int tcp_fd, snmp_fd;
};

void pc_inet_proc_init(struct pc_inet_proc *p);
void pc_inet_proc_close(struct pc_inet_proc *p);

/* One look: every TCP socket still open has its data and FIN acknowledged (so its peer holds
 * them), and one whose peer is closed has seen that peer's FIN or RST; every UDP socket has
 * handed its datagrams to loopback; and every datagram that found no socket has been answered
 * by an ICMP error that has arrived (the namespace's counters, all the trace's, agree). */
int pc_inet_settled(const struct pc_inet_sock *socks, size_t n, struct pc_inet_proc *proc);
/* Looks until pc_inet_settled, for at most PC_INET_SETTLE_MS: 1, or 0 if time ran out. */
int pc_inet_settle(const struct pc_inet_sock *socks, size_t n, struct pc_inet_proc *proc);

/* Whether this network namespace's /proc tables serve the settle above (call it inside the
 * namespace, once lo is up, before the trace makes sockets): /proc/net/tcp lists both sockets of
 * a connected TCP pair by their inodes, and /proc/net/snmp counts a datagram sent to a closed
 * port (Udp NoPorts, Icmp OutDestUnreachs and InDestUnreachs each move) within
 * PC_INET_SETTLE_MS. Without either, a settle would wait out its bound or, worse, find UDP
 * settled at once, so TCP and UDP are left out instead. 0, or -1 with why (cut to cap). */
int pc_inet_probe(char *why, size_t cap);

/* A TCP socket's state (TCP_INFO), -1 if it cannot be read. */
int pc_tcp_state(int fd);
/* Bytes sent and not yet acknowledged (SIOCOUTQ), 0 if it cannot be read. */
int pc_unsent(int fd);

#ifdef __cplusplus
}
#endif

#endif
