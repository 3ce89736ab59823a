#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_REPRO_INET
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pc_inet.h"
#include "pc_loopback.h"
#include "pc_netns.h"
#include "pc_repro.h"
#include "pc_repro_inet.h"

/* TCP and UDP run over loopback in a network namespace of the program's own, made as the
   harness makes its own (the runtime's pc_enter_loopback_netns). */
void enter_netns(void) {
  const char *failed = "";
  char why[256];
  int err = pc_enter_loopback_netns(&failed);
  if (err == 0) {
    /* and settling can read the namespace's traffic (the runtime's pc_inet_probe) */
    if (pc_inet_probe(why, sizeof why) == 0) return;
    printf("TCP and UDP cannot be settled here (%s): skipped\n", why);
  } else if (strcmp(failed, "unshare(CLONE_NEWNET)") == 0) {
    printf("cannot make a network namespace: %s (%s): skipped\n", errno_name(err), strerror(err));
  } else if (err > 0) {
    printf("cannot set up loopback in the new namespace: %s: %s (%s): skipped\n", failed,
           errno_name(err), strerror(err));
  } else {
    printf("cannot set up loopback in the new namespace: %s: skipped\n", failed);
  }
  exit(EXIT_SKIP);
}

/* The TCP and UDP sockets made, by inode, each with its peer's (0: a connecting socket whose
   other end waits to be accepted; port: its local port, to pair it at accept). */
static struct inet_sock { ino_t ino, peer; int tcp; unsigned short port; } inet[64];
static int n_inet;

static ino_t inode_of(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

static void remember(ino_t ino, ino_t peer, int tcp, unsigned short port) {
  if (n_inet == 64) return;
  inet[n_inet].ino = ino; inet[n_inet].peer = peer; inet[n_inet].tcp = tcp; inet[n_inet++].port = port;
}

static void remember_pair(int a, int b, int tcp) {
  remember(inode_of(a), inode_of(b), tcp, 0);
  remember(inode_of(b), inode_of(a), tcp, 0);
}

/* pc_tcp_pair, pc_udp_pair, remembered for settling. 0, or -1 with errno. */
int tcp_pair(int p[2]) {
  int err = pc_tcp_pair(p);
  if (err) {
    errno = err;
    return -1;
  }
  remember_pair(p[0], p[1], 1);
  return 0;
}

int udp_pair(int p[2]) {
  int err = pc_udp_pair(p);
  if (err) {
    errno = err;
    return -1;
  }
  remember_pair(p[0], p[1], 0);
  return 0;
}

/* tcp_connect (pc_tcp_connect), the new socket remembered with its port to pair it at accept. */
void do_tcp_connect(int *slot, int listener) {
  unsigned short port;
  int fd, r = pc_tcp_connect(listener, &fd, &port), e = errno;
  *slot = fd;
  if (fd < 0) {
    o.ret = -1;
    o.err = e;
    return;
  }
  remember(inode_of(fd), 0, 1, port);
  o.nfds = 1;
  o.fds[0] = fd;
  o.ret = r;
  o.err = r < 0 ? e : 0;
}

/* accept (pc_tcp_accept), pairing the new socket with the connecting one it came from. */
int tcp_accept(int listener) {
  unsigned short peer_port;
  int fd = pc_tcp_accept(listener, &peer_port), e = errno, i;
  if (fd >= 0 && peer_port != 0)
    for (i = 0; i < n_inet; ++i)
      if (inet[i].tcp && inet[i].peer == 0 && inet[i].port != 0 && inet[i].port == peer_port) {
        inet[i].peer = inode_of(fd);
        remember(inode_of(fd), inet[i].ino, 1, 0);
        break;
      }
  errno = e;
  return fd;
}

/* so_error: ret is the pending error read (and cleared). */
void do_so_error(int fd) {
  int value;
  if (pc_so_error(fd, &value) != 0) {
    o.ret = -1;
    o.err = errno;
  } else {
    o.ret = value;
  }
}

/* No verdict: traffic still moving is no mismatch, and what the step left behind is unknown. */
static void report_unsettled(void) {
  printf("step %d: %s: unsettled: loopback traffic still moving after %d ms; no verdict\n", cur_step,
         cur_op, PC_INET_SETTLE_MS);
  exit(EXIT_UNSETTLED);
}

static struct pc_inet_proc inet_proc = {-1, -1};

/* After every step: wait, at most PC_INET_SETTLE_MS, until loopback traffic has settled (the
   runtime's pc_inet_settle, which the harness applies too), each socket looked at through its
   lowest descriptor. */
void inet_settle(void) {
  struct pc_inet_sock socks[64];
  int i, fd;
  for (i = 0; i < n_inet; ++i) {
    socks[i].fd = -1;
    socks[i].tcp = inet[i].tcp;
    socks[i].ino = (unsigned long long)inet[i].ino;
    socks[i].peer = (unsigned long long)inet[i].peer;
  }
  for (fd = 3; fd < 1024; ++fd) {
    ino_t ino = inode_of(fd);
    for (i = 0; ino && i < n_inet; ++i)
      if (inet[i].ino == ino && socks[i].fd < 0) socks[i].fd = fd;
  }
  if (!pc_inet_settle(socks, (size_t)n_inet, &inet_proc)) report_unsettled();
}
#endif
