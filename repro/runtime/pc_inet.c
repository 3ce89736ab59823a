#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_INET
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc_clock.h"
#include "pc_inet.h"
#include "pc_loopback.h"
#include "pc_proc.h"

void pc_inet_proc_init(struct pc_inet_proc *p) { p->tcp_fd = p->snmp_fd = -1; }

void pc_inet_proc_close(struct pc_inet_proc *p) {
  if (p->tcp_fd >= 0) close(p->tcp_fd);
  if (p->snmp_fd >= 0) close(p->snmp_fd);
  pc_inet_proc_init(p);
}

static char *read_proc(int *fd, const char *path) {
  if (*fd < 0) *fd = pc_open_high(path);
  return pc_read_whole(*fd, NULL);
}

int pc_tcp_state(int fd) {
  struct tcp_info info;
  socklen_t len = sizeof info;
  memset(&info, 0, sizeof info);
  return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 ? info.tcpi_state : -1;
}

int pc_unsent(int fd) {
  int n = 0;
  return ioctl(fd, SIOCOUTQ, &n) == 0 ? n : 0;
}

/* The next line of text (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **at) {
  char *line = *at, *nl;
  if (!line || !*line) return NULL;
  nl = strchr(line, '\n');
  if (nl) {
    *nl = '\0';
    *at = nl + 1;
  } else {
    *at = line + strlen(line);
  }
  return line;
}

/* Whether a /proc/net table lists a socket with this inode (the tenth field; a socket no file
 * refers to any more shows 0). It leaves the table as it was: one settle asks it about every
 * socket whose peer has no descriptor. */
static int inode_listed(const char *table, unsigned long long ino) {
  const char *p;
  int field;
  if (ino == 0) return 0;
  for (p = strchr(table, '\n'); p != NULL; p = strchr(p, '\n')) {
    ++p; /* the line's first character */
    for (field = 0; field < 9 && *p && *p != '\n'; ++field) {
      while (*p == ' ' || *p == '\t') ++p;
      while (*p && *p != ' ' && *p != '\t' && *p != '\n') ++p;
    }
    while (*p == ' ' || *p == '\t') ++p;
    if (field == 9 && *p >= '0' && *p <= '9' && strtoull(p, NULL, 10) == ino) return 1;
  }
  return 0;
}

struct snmp_counters {
  long long udp_no_ports, icmp_out_unreach, icmp_in_unreach;
};

/* /proc/net/snmp: pairs of lines, "Proto: names..." then "Proto: values...". */
static void read_snmp(char *text, struct snmp_counters *c) {
  char *at = text, *names, *values, *n, *v, *sn, *sv, *proto;
  memset(c, 0, sizeof *c);
  while ((names = next_line(&at)) != NULL && (values = next_line(&at)) != NULL) {
    proto = strtok_r(names, " \t", &sn);
    if (!proto || !strtok_r(values, " \t", &sv)) continue;
    while ((n = strtok_r(NULL, " \t", &sn)) != NULL && (v = strtok_r(NULL, " \t", &sv)) != NULL) {
      if (strcmp(proto, "Udp:") == 0 && strcmp(n, "NoPorts") == 0) c->udp_no_ports = atoll(v);
      if (strcmp(proto, "Icmp:") == 0 && strcmp(n, "OutDestUnreachs") == 0) c->icmp_out_unreach = atoll(v);
      if (strcmp(proto, "Icmp:") == 0 && strcmp(n, "InDestUnreachs") == 0) c->icmp_in_unreach = atoll(v);
    }
  }
}

static int peer_open(const struct pc_inet_sock *socks, size_t n, const struct pc_inet_sock *s) {
  size_t j;
  if (s->peer == 0) return 1;
  for (j = 0; j < n; ++j)
    if (socks[j].ino == s->peer && socks[j].fd >= 0) return 1;
  return 0;
}

int pc_inet_settled(const struct pc_inet_sock *socks, size_t n, struct pc_inet_proc *proc) {
  size_t i;
  int udp_peer_gone = 0, st;
  char *tcp_table = NULL, *snmp;
  struct snmp_counters c;
  for (i = 0; i < n; ++i) {
    const struct pc_inet_sock *s = &socks[i];
    int mine_open = s->fd >= 0;
    if (!mine_open) continue;
    /* SIOCOUTQ is write_seq - snd_una, which an RST leaves as it was: a closed TCP socket has
       nothing in flight whatever it says. */
    st = s->tcp ? pc_tcp_state(s->fd) : -1;
    if (st != TCP_CLOSE && pc_unsent(s->fd) != 0) goto unsettled;
    if (s->tcp) {
      if (st == TCP_SYN_SENT || st == TCP_SYN_RECV || st == TCP_FIN_WAIT1 || st == TCP_CLOSING ||
          st == TCP_LAST_ACK)
        goto unsettled;
      /* A peer without a descriptor may still be open (an io_uring request holding its file):
         only a socket the kernel released is gone, and then its FIN or RST must have arrived. */
      if (!peer_open(socks, n, s) && st != TCP_CLOSE_WAIT && st != TCP_CLOSE) {
        if (!tcp_table && (tcp_table = read_proc(&proc->tcp_fd, "/proc/net/tcp")) == NULL) goto unsettled;
        if (!inode_listed(tcp_table, s->peer)) goto unsettled;
      }
    } else if (!peer_open(socks, n, s)) {
      udp_peer_gone = 1;
    }
  }
  free(tcp_table);
  if (!udp_peer_gone) return 1;
  memset(&c, 0, sizeof c); /* an unreadable table counts nothing */
  if ((snmp = read_proc(&proc->snmp_fd, "/proc/net/snmp")) != NULL) read_snmp(snmp, &c);
  free(snmp);
  return c.udp_no_ports == c.icmp_out_unreach && c.icmp_out_unreach == c.icmp_in_unreach;
unsettled:
  free(tcp_table);
  return 0;
}

int pc_inet_settle(const struct pc_inet_sock *socks, size_t n, struct pc_inet_proc *proc) {
  long long end = pc_now_ms() + PC_INET_SETTLE_MS;
  while (!pc_inet_settled(socks, n, proc)) {
    if (pc_now_ms() >= end) return 0;
    sched_yield(); /* the softirq work waited for runs on this CPU or in ksoftirqd */
  }
  return 1;
}
/* ---- the probe ---- */

static unsigned long long probe_inode(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* The file at path, read whole once (NULL if it cannot be). */
static char *probe_read(const char *path) {
  int fd = pc_open_high(path);
  char *text = pc_read_whole(fd, NULL);
  if (fd >= 0) close(fd);
  return text;
}

static int probe_snmp(struct snmp_counters *c) {
  char *text = probe_read("/proc/net/snmp");
  memset(c, 0, sizeof *c);
  if (!text) return 0;
  read_snmp(text, c);
  free(text);
  return 1;
}

static int probe_fail(char *why, size_t cap, const char *text, int err) {
  if (err) snprintf(why, cap, "%s: %s", text, strerror(err));
  else snprintf(why, cap, "%s", text);
  return -1;
}

int pc_inet_probe(char *why, size_t cap) {
  int fds[2], err, listed;
  unsigned long long ino[2];
  char *table;
  struct snmp_counters before, now;
  long long end;
  unsigned char byte = 0;
  if ((err = pc_tcp_pair(fds)) != 0) return probe_fail(why, cap, "a TCP pair over loopback cannot be made", err);
  ino[0] = probe_inode(fds[0]);
  ino[1] = probe_inode(fds[1]);
  table = probe_read("/proc/net/tcp");
  listed = table && inode_listed(table, ino[0]) && inode_listed(table, ino[1]);
  free(table);
  close(fds[0]);
  close(fds[1]);
  if (!listed) return probe_fail(why, cap, "/proc/net/tcp does not list this namespace's TCP sockets by inode", 0);
  if (!probe_snmp(&before)) return probe_fail(why, cap, "/proc/net/snmp cannot be read", 0);
  if ((err = pc_udp_pair(fds)) != 0) return probe_fail(why, cap, "a UDP pair over loopback cannot be made", err);
  close(fds[1]); /* its port is closed now: what fds[0] sends there finds no socket */
  if (send(fds[0], &byte, 1, MSG_DONTWAIT) != 1) {
    err = errno;
    close(fds[0]);
    return probe_fail(why, cap, "a datagram over loopback cannot be sent", err);
  }
  for (end = pc_now_ms() + PC_INET_SETTLE_MS;; sched_yield()) {
    probe_snmp(&now);
    if (now.udp_no_ports > before.udp_no_ports && now.icmp_out_unreach > before.icmp_out_unreach &&
        now.icmp_in_unreach > before.icmp_in_unreach)
      break;
    if (pc_now_ms() >= end) {
      close(fds[0]);
      return probe_fail(why, cap,
                        "/proc/net/snmp does not count a datagram sent to a closed port (Udp NoPorts, Icmp "
                        "OutDestUnreachs and InDestUnreachs)",
                        0);
    }
  }
  (void)recv(fds[0], &byte, 1, MSG_DONTWAIT); /* takes the ECONNREFUSED the ICMP error left */
  close(fds[0]);
  return 0;
}
#endif
