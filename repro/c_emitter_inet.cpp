#include "repro/c_emitter_inet.h"

#include <fmt/format.h>

#include "vocab/ops.h"

namespace pc {

std::string c_inet_helpers() {
  return fmt::format("\n#define TCP_BACKLOG {}\n", kTcpBacklog) + R"C(
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

/* TCP and UDP run over loopback in a network namespace of the program's own, made as the
   harness makes its own (the runtime's pc_enter_loopback_netns). */
static void enter_netns(void) {
  const char *failed = "";
  int err = pc_enter_loopback_netns(&failed);
  if (err == 0) return;
  if (strcmp(failed, "unshare(CLONE_NEWNET)") == 0)
    printf("cannot make a network namespace (%s): skipped\n", strerror(err));
  else
    printf("cannot set up loopback in the new namespace (%s): skipped\n", err > 0 ? strerror(err) : failed);
  exit(77);
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

static int bound_loopback(int type, struct sockaddr_in *a) {
  socklen_t len = sizeof *a;
  int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0) return -1;
  if (bind(fd, (struct sockaddr *)a, sizeof *a) != 0 || getsockname(fd, (struct sockaddr *)a, &len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int wait_for(int fd, short events) {
  struct pollfd p;
  p.fd = fd; p.events = events; p.revents = 0;
  return poll(&p, 1, 2000) == 1 && (p.revents & events);
}

/* listen, connect, accept; then the two connected sockets move down onto the two lowest of the
   three numbers used, where socketpair would have put them. Returns 0 or -1 with errno. */
static __attribute__((unused)) int tcp_pair(int p[2]) {
  struct sockaddr_in addr;
  int l = bound_loopback(SOCK_STREAM, &addr), c = -1, s = -1;
  if (l < 0 || listen(l, 1) != 0) goto fail;
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c < 0 || (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS)) goto fail;
  if (!wait_for(l, POLLIN) || !wait_for(c, POLLOUT)) { errno = ETIMEDOUT; goto fail; }
  s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  if (s < 0) goto fail;
  close(l);
  p[0] = dup(c); close(c);
  p[1] = dup(s); close(s);
  remember_pair(p[0], p[1], 1);
  return 0;
fail:
  if (l >= 0) close(l);
  if (c >= 0) close(c);
  if (s >= 0) close(s);
  return -1;
}

static __attribute__((unused)) int udp_pair(int p[2]) {
  struct sockaddr_in aa, ba;
  p[0] = bound_loopback(SOCK_DGRAM, &aa);
  p[1] = p[0] < 0 ? -1 : bound_loopback(SOCK_DGRAM, &ba);
  if (p[1] < 0 || connect(p[0], (struct sockaddr *)&ba, sizeof ba) != 0 ||
      connect(p[1], (struct sockaddr *)&aa, sizeof aa) != 0) {
    if (p[0] >= 0) close(p[0]);
    if (p[1] >= 0) close(p[1]);
    return -1;
  }
  remember_pair(p[0], p[1], 0);
  return 0;
}

/* A listener on 127.0.0.1, any port, non-blocking. */
static __attribute__((unused)) int tcp_listener(void) {
  struct sockaddr_in a;
  int fd = bound_loopback(SOCK_STREAM, &a), e;
  if (fd >= 0 && listen(fd, TCP_BACKLOG) != 0) {
    e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* tcp_connect: a non-blocking socket connect()ed to the listener's address. */
static __attribute__((unused)) void do_tcp_connect(int *slot, int listener) {
  struct sockaddr_in a, mine;
  socklen_t len = sizeof a;
  int s = -1, r, e;
  *slot = -1;
  /* The address first: the new socket may take the number of a closed listener slot. */
  if (getsockname(listener, (struct sockaddr *)&a, &len) != 0 ||
      (s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) {
    o.ret = -1;
    o.err = errno;
    return;
  }
  r = connect(s, (struct sockaddr *)&a, sizeof a);
  e = errno;
  len = sizeof mine;
  if (getsockname(s, (struct sockaddr *)&mine, &len) == 0) remember(inode_of(s), 0, 1, ntohs(mine.sin_port));
  o.nfds = 1;
  o.fds[0] = *slot = s;
  o.ret = r;
  o.err = r < 0 ? e : 0;
}

/* accept4, pairing the new socket with the connecting one it came from. */
static __attribute__((unused)) int tcp_accept(int listener) {
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK), e = errno, i;
  if (fd >= 0 && getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
    for (i = 0; i < n_inet; ++i)
      if (inet[i].tcp && inet[i].peer == 0 && inet[i].port == ntohs(peer.sin_port)) {
        inet[i].peer = inode_of(fd);
        remember(inode_of(fd), inet[i].ino, 1, 0);
        break;
      }
  errno = e;
  return fd;
}

static __attribute__((unused)) int linger_zero(int fd) {
  struct linger l;
  l.l_onoff = 1;
  l.l_linger = 0;
  return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

/* so_error: ret is the pending error read (and cleared). */
static __attribute__((unused)) void do_so_error(int fd) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) != 0) {
    o.ret = -1;
    o.err = errno;
  } else {
    o.ret = value;
  }
}

static void report_unsettled(void) {
  mismatch_begin("unsettled");
  printf("0");
  mismatch_observed(ORACLE, "unsettled");
  printf("1 (loopback traffic still moving after 2 s)");
  mismatch_end();
}

static struct pc_inet_proc inet_proc = {-1, -1};

/* After every step: wait, at most PC_INET_SETTLE_MS, until loopback traffic has settled (the
   runtime's pc_inet_settle, which the harness applies too), each socket looked at through its
   lowest descriptor. */
static void inet_settle(void) {
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
)C";
}

}  // namespace pc
