#include "repro/c_emitter_fanout.h"

#include <algorithm>

#include <fmt/format.h>

#include "repro/c_literals.h"

namespace pc {

std::string c_fanout_helpers() {
  return fmt::format(R"C(
/* ---- fanout: n dups of one descriptor (the lowest free numbers), then one poll, one select
   (through a bitmap sized for nfds) or epoll_ctl ADD of each (data = its index) and
   epoll_wait until each was reported; every dup closed again. ret: events gathered (poll,
   select: the call's result); writes: epoll_waits made (or, when a dup failed, dups made);
   digest: FNV-1a of what was reported, each value little-endian. */
#define FANOUT_EPOLL 0
#define FANOUT_POLL 1
#define FANOUT_SELECT 2

static void do_fanout(int mode, int fd, int epfd, unsigned n, uint32_t events, int maxevents) {{
  int *dups = xmalloc(n * sizeof *dups);
  unsigned made = 0, i;
  uint64_t h = PC_FNV1A_INIT;
  o.ret = 0;
  for (; made < n; ++made)
    if ((dups[made] = fcntl(fd, F_DUPFD, 0)) < 0) {{
      o.ret = -1;
      o.err = errno;
      o.writes = made;
      for (i = 0; i < made; ++i) close(dups[i]);
      free(dups);
      return;
    }}
  if (n > 0) {{
    o.nfds = 2;
    o.fds[0] = dups[0];
    o.fds[1] = dups[n - 1];
  }}
  if (mode == FANOUT_EPOLL) {{
    unsigned unseen = n, rounds = (n + (unsigned)(maxevents > 0 ? maxevents : 1) - 1) / (unsigned)(maxevents > 0 ? maxevents : 1) + 2;
    size_t cap = maxevents > 0 ? (size_t)maxevents : 1;
    struct epoll_event *buf;
    char *seen = xmalloc(n + 1);
    memset(seen, 0, n + 1);
    for (i = 0; i < n; ++i) {{
      struct epoll_event ev;
      memset(&ev, 0, sizeof ev);
      ev.events = events;
      ev.data.u64 = i;
      if (epoll_ctl(epfd, EPOLL_CTL_ADD, dups[i], &ev) != 0) {{
        unsigned k;
        o.ret = -1;
        o.err = errno;
        for (k = 0; k < i; ++k) epoll_ctl(epfd, EPOLL_CTL_DEL, dups[k], NULL);
        for (k = 0; k < n; ++k) close(dups[k]);
        free(seen);
        free(dups);
        return;
      }}
    }}
    if (cap > n + 1024) cap = n + 1024;
    buf = xmalloc(cap * sizeof *buf);
    while (unseen > 0 && o.writes < rounds) {{
      int got = epoll_wait(epfd, buf, maxevents, 0), k;
      ++o.writes;
      if (got < 0) {{
        o.ret = -1;
        o.err = errno;
        break;
      }}
      if (got == 0) break;
      for (k = 0; k < got; ++k) {{
        h = pc_fnv1a_le(h, buf[k].data.u64, 8);
        h = pc_fnv1a_le(h, buf[k].events, 4);
        if (buf[k].data.u64 < n && !seen[buf[k].data.u64]) {{
          seen[buf[k].data.u64] = 1;
          --unseen;
        }}
      }}
      o.ret += got;
    }}
    for (i = 0; i < n; ++i) epoll_ctl(epfd, EPOLL_CTL_DEL, dups[i], NULL);
    free(buf);
    free(seen);
  }} else if (mode == FANOUT_POLL) {{
    struct pollfd *arr = xmalloc((n + 1) * sizeof *arr);
    for (i = 0; i < n; ++i) {{
      arr[i].fd = dups[i];
      arr[i].events = (short)events;
      arr[i].revents = 0;
    }}
    o.ret = poll(arr, n, 0);
    if (o.ret < 0) o.err = errno;
    else
      for (i = 0; i < n; ++i) h = pc_fnv1a_le(h, (unsigned short)arr[i].revents, 2);
    free(arr);
  }} else {{
    int nfds = n ? dups[n - 1] + 1 : 0;
    size_t words = (size_t)nfds / (8 * sizeof(unsigned long)) + 1;
    unsigned long *rd = xmalloc(words * sizeof *rd);
    struct timeval tv = {{0, 0}};
    memset(rd, 0, words * sizeof *rd);
    for (i = 0; i < n; ++i) rd[(size_t)dups[i] / (8 * sizeof(unsigned long))] |= 1UL << ((size_t)dups[i] % (8 * sizeof(unsigned long)));
    o.ret = select(nfds, (fd_set *)rd, NULL, NULL, &tv);
    if (o.ret < 0) o.err = errno;
    else
      for (i = 0; i < n; ++i)
        if (rd[(size_t)dups[i] / (8 * sizeof(unsigned long))] & (1UL << ((size_t)dups[i] % (8 * sizeof(unsigned long)))))
          h = pc_fnv1a_le(h, (uint32_t)dups[i], 4);
    free(rd);
  }}
  for (i = 0; i < n; ++i) close(dups[i]);
  free(dups);
  if (o.ret >= 0) o.digest = h;
}}
)C");
}

std::string c_fanout_call(const Fanout& op, const std::string& fd, const std::string& epfd) {
  const char* mode = op.mode == FanoutMode::Epoll ? "FANOUT_EPOLL" : op.mode == FanoutMode::Poll ? "FANOUT_POLL" : "FANOUT_SELECT";
  return fmt::format("do_fanout({}, {}, {}, {}u, {}, {});\n", mode, fd, epfd, std::min(op.n, kFanoutMax),
                     c_epoll_mask(op.events.bits), c_i32(op.maxevents));
}

}  // namespace pc
