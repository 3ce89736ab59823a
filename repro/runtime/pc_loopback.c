#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_LOOPBACK
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pc_loopback.h"

#define CONNECT_WAIT_MS 2000 /* the bound on a pair's handshake */

static void loopback_any_port(struct sockaddr_in *a) {
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int local_address(int fd, struct sockaddr_in *a) {
  socklen_t len = sizeof *a;
  return getsockname(fd, (struct sockaddr *)a, &len) == 0;
}

static int wait_for(int fd, short events) {
  struct pollfd p;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  return poll(&p, 1, CONNECT_WAIT_MS) == 1 && (p.revents & events);
}

static void close_all(const int *fds, int n) {
  int i;
  for (i = 0; i < n; ++i)
    if (fds[i] >= 0) close(fds[i]);
}

/* errno, or EIO if a call failed without one. */
static int failure(const int *fds, int n, int err) {
  close_all(fds, n);
  return err ? err : EIO;
}

int pc_tcp_pair(int fds[2]) {
  struct sockaddr_in addr;
  int s[3] = {-1, -1, -1}; /* listener, client, server */
  int so_error = 0;
  socklen_t len = sizeof so_error;
  fds[0] = fds[1] = -1;
  if ((s[0] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) return failure(s, 3, errno);
  loopback_any_port(&addr);
  if (bind(s[0], (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s[0], 1) != 0 ||
      !local_address(s[0], &addr))
    return failure(s, 3, errno);
  if ((s[1] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) return failure(s, 3, errno);
  if (connect(s[1], (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS)
    return failure(s, 3, errno);
  if (!wait_for(s[0], POLLIN) || !wait_for(s[1], POLLOUT)) return failure(s, 3, ETIMEDOUT);
  if ((s[2] = accept4(s[0], NULL, NULL, SOCK_NONBLOCK)) < 0) return failure(s, 3, errno);
  if (getsockopt(s[1], SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0)
    return failure(s, 3, so_error ? so_error : errno);
  close(s[0]); /* its number is now the lowest free one */
  s[0] = -1;
  fds[0] = dup(s[1]);
  close(s[1]);
  s[1] = -1;
  fds[1] = dup(s[2]);
  close(s[2]);
  s[2] = -1;
  if (fds[0] < 0 || fds[1] < 0) {
    int err = errno;
    close_all(fds, 2);
    fds[0] = fds[1] = -1;
    return err ? err : EIO;
  }
  return 0;
}

int pc_udp_pair(int fds[2]) {
  struct sockaddr_in aa, ba;
  int s[2] = {-1, -1};
  fds[0] = fds[1] = -1;
  if ((s[0] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0) return failure(s, 2, errno);
  if ((s[1] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0) return failure(s, 2, errno);
  loopback_any_port(&aa);
  loopback_any_port(&ba);
  if (bind(s[0], (struct sockaddr *)&aa, sizeof aa) != 0 || bind(s[1], (struct sockaddr *)&ba, sizeof ba) != 0 ||
      !local_address(s[0], &aa) || !local_address(s[1], &ba) ||
      connect(s[0], (struct sockaddr *)&ba, sizeof ba) != 0 || connect(s[1], (struct sockaddr *)&aa, sizeof aa) != 0)
    return failure(s, 2, errno);
  fds[0] = s[0];
  fds[1] = s[1];
  return 0;
}

int pc_tcp_listener(int backlog) {
  struct sockaddr_in addr;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err;
  if (fd < 0) return -1;
  loopback_any_port(&addr);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, backlog) != 0) {
    err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

int pc_tcp_connect(int listener, int *fd, unsigned short *port) {
  struct sockaddr_in addr, mine;
  int r, err;
  *fd = -1;
  *port = 0;
  memset(&addr, 0, sizeof addr);
  if (!local_address(listener, &addr)) return -1;
  if ((*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) return -1;
  r = connect(*fd, (struct sockaddr *)&addr, sizeof addr);
  err = errno;
  memset(&mine, 0, sizeof mine);
  if (local_address(*fd, &mine)) *port = ntohs(mine.sin_port);
  errno = err;
  return r;
}

int pc_tcp_accept(int listener, unsigned short *peer_port) {
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK), err = errno;
  *peer_port = 0;
  if (fd >= 0 && getpeername(fd, (struct sockaddr *)&peer, &len) == 0) *peer_port = ntohs(peer.sin_port);
  errno = err;
  return fd;
}

int pc_linger_zero(int fd) {
  struct linger l;
  l.l_onoff = 1;
  l.l_linger = 0;
  return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

int pc_so_error(int fd, int *value) {
  socklen_t len = sizeof *value;
  *value = 0;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, value, &len);
}
#endif
