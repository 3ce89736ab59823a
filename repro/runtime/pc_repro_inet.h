/* The reproducer's TCP and UDP over loopback: its namespace (pc_netns.h), its sockets
 * (pc_loopback.h) remembered by inode with their peers, and settling after every step
 * (pc_inet.h). */
#ifndef POLLCHECK_RUNTIME_PC_REPRO_INET_H
#define POLLCHECK_RUNTIME_PC_REPRO_INET_H

void enter_netns(void);
int tcp_pair(int p[2]);
int udp_pair(int p[2]);
void do_tcp_connect(int *slot, int listener);
int tcp_accept(int listener);
void do_so_error(int fd);
void inet_settle(void);

#endif
