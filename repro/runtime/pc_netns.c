#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pc_need.h"
#if PC_NEED_NETNS
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pc_netns.h"

static int fail(const char **failed, const char *step, int err) {
  *failed = step;
  return err;
}

static int bring_lo_up(const char **failed) {
  struct ifreq ifr;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;
  if (s < 0) return fail(failed, "socket(AF_INET)", errno);
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    err = errno;
    close(s);
    return fail(failed, "SIOCGIFFLAGS lo", err);
  }
  /* Some implementations (gVisor) bring a new namespace's loopback up themselves and have no
   * SIOCSIFFLAGS: nothing to set then. */
  if ((ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING)) {
    close(s);
    return 0;
  }
  ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
    err = errno;
    close(s);
    return fail(failed, "SIOCSIFFLAGS lo", err);
  }
  close(s);
  return 0;
}

static void put_attr(char *msg, size_t *len, unsigned short type, const void *data, size_t n) {
  struct rtattr *a = (struct rtattr *)(msg + *len);
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(n);
  memcpy(RTA_DATA(a), data, n);
  memset((char *)RTA_DATA(a) + n, 0, RTA_ALIGN(a->rta_len) - a->rta_len);
  *len += RTA_ALIGN(a->rta_len);
}

static int ack_at_once(const char **failed) {
  struct {
    struct nlmsghdr h;
    struct rtmsg rt;
    char attrs[128];
  } req;
  union {
    struct nlmsghdr h;
    char bytes[512];
  } reply;
  char metrics[16];
  size_t alen = 0, mlen = 0;
  uint32_t loopback = htonl(INADDR_LOOPBACK), one = 1;
  int lo = (int)if_nametoindex("lo"), nl, err;
  ssize_t n;
  const struct nlmsgerr *answer;
  memset(&req, 0, sizeof req);
  req.rt.rtm_family = AF_INET;
  req.rt.rtm_dst_len = 32;
  req.rt.rtm_table = RT_TABLE_LOCAL;
  req.rt.rtm_protocol = RTPROT_KERNEL;
  req.rt.rtm_scope = RT_SCOPE_HOST;
  req.rt.rtm_type = RTN_LOCAL;
  put_attr(req.attrs, &alen, RTA_DST, &loopback, sizeof loopback);
  put_attr(req.attrs, &alen, RTA_PREFSRC, &loopback, sizeof loopback);
  put_attr(req.attrs, &alen, RTA_OIF, &lo, sizeof lo);
  put_attr(metrics, &mlen, RTAX_QUICKACK, &one, sizeof one);
  put_attr(req.attrs, &alen, RTA_METRICS, metrics, mlen);
  req.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(sizeof req.rt + alen);
  req.h.nlmsg_type = RTM_NEWROUTE;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
  req.h.nlmsg_seq = 1;
  if ((nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
    return fail(failed, "socket(AF_NETLINK)", errno);
  if (send(nl, &req, req.h.nlmsg_len, 0) < 0) {
    err = errno;
    close(nl);
    return fail(failed, "RTM_NEWROUTE", err);
  }
  n = recv(nl, reply.bytes, sizeof reply.bytes, 0);
  close(nl);
  if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) return fail(failed, "RTM_NEWROUTE: no answer", -1);
  if (reply.h.nlmsg_type != NLMSG_ERROR) return fail(failed, "RTM_NEWROUTE: unexpected answer", -1);
  answer = (const struct nlmsgerr *)NLMSG_DATA(&reply.h);
  return answer->error == 0 ? 0 : fail(failed, "RTM_NEWROUTE quickack", -answer->error);
}

static void write_sysctl(const char *path, const char *value) {
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs(value, f);
  fclose(f);
}

int pc_enter_loopback_netns(const char **failed) {
  int err;
  if (unshare(CLONE_NEWNET) != 0) return fail(failed, "unshare(CLONE_NEWNET)", errno);
  if ((err = bring_lo_up(failed)) != 0 || (err = ack_at_once(failed)) != 0) return err;
  write_sysctl("/proc/sys/net/ipv4/icmp_ratelimit", "0\n");
  write_sysctl("/proc/sys/net/ipv4/icmp_msgs_burst", "1000000\n");
  write_sysctl("/proc/sys/net/ipv4/icmp_msgs_per_sec", "1000000\n");
  return 0;
}
#endif
