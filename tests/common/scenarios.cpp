// The documented examples. Each is written as a script: one op per line in the trace text
// syntax, optionally followed by "=> <expected describe_observation text>"; lines starting
// with '#' are trace comments. Descriptor numbers in the expected texts assume fds 0-2 are
// taken, so the first descriptor created is 3. In an expected text,
//   {bytes S N}     stands for the digest of the first N bytes written at step S,
//   {bytes S A..B}  for bytes A to B-1 of that write (every data write here has value=0),
//   {bytes S N + T M}  for runs of several writes read in one go (stream sockets),
//   {u64 V}         for the digest of the 8-byte counter V an eventfd read returns,
//   {none}          for the digest of an empty read,
//   {cqe-...}       for any of these as a CQE shows it (digest=0x..., unpadded).
#include "tests/common/scenarios.h"

#include <charconv>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "vocab/observation.h"

namespace pc {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::uint64_t number(std::string_view s) {
  std::uint64_t v = 0;
  const bool hex = s.starts_with("0x");
  if (hex) s.remove_prefix(2);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, hex ? 16 : 10);
  if (ec != std::errc{} || p != s.data() + s.size())
    throw std::invalid_argument(fmt::format("scenario: bad number '{}'", s));
  return v;
}

std::string digest_text(std::uint64_t d) { return fmt::format("digest={:#018x}", d); }
// A CQE prints its digest unpadded (cqe_list).
std::string cqe_digest_text(std::uint64_t d) { return fmt::format("digest={:#x}", d); }

// One {...} token of an expected text.
std::string expand_token(std::string_view token) {
  std::istringstream in{std::string(token)};
  std::string kind, a, b;
  in >> kind >> a >> b;
  if (kind.starts_with("cqe-")) {  // the same tokens, as a CQE shows its digest
    const std::string plain = expand_token(std::string(token.substr(4)));
    return cqe_digest_text(number(plain.substr(plain.find("0x"))));
  }
  if (kind == "none") return digest_text(fnv1a(nullptr, 0));
  if (kind == "u64") {
    const std::uint64_t v = number(a);
    unsigned char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(v >> (8 * i));
    return digest_text(fnv1a(le, 8));
  }
  if (kind == "bytes") {
    // Runs of several writes, in the order a stream read returns them: "bytes 3 5 + 4 2..7".
    std::uint64_t digest = fnv1a(nullptr, 0);
    for (std::string plus; !a.empty(); in >> plus >> a >> b) {
      const std::size_t step = number(a);
      std::uint64_t from = 0, to = 0;
      if (const auto dots = b.find(".."); dots != std::string::npos) {
        from = number(std::string_view(b).substr(0, dots));
        to = number(std::string_view(b).substr(dots + 2));
      } else {
        to = number(b);
      }
      std::vector<unsigned char> payload(to);
      fill_payload(payload.data(), payload.size(), step, 0);
      digest = fnv1a(payload.data() + from, to - from, digest);
      a.clear();
    }
    return digest_text(digest);
  }
  throw std::invalid_argument(fmt::format("scenario: unknown token '{{{}}}'", token));
}

std::string expand(std::string_view text) {
  std::string out;
  while (true) {
    const std::size_t open = text.find('{');
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string_view::npos)
      throw std::invalid_argument(fmt::format("scenario: unclosed '{{' in '{}'", text));
    out += text.substr(0, open);
    out += expand_token(text.substr(open + 1, close - open - 1));
    text.remove_prefix(close + 1);
  }
  return out + std::string(text);
}

}  // namespace

Scenario make_scenario(std::string name, std::vector<std::string> rules, std::string origin,
                       std::string_view script, std::string kernel_skip) {
  Scenario s{std::move(name), std::move(rules), std::move(origin),
             "pollcheck-trace 1\nprofile linux\n\n", {}, std::move(kernel_skip)};
  std::size_t step = 0;
  std::istringstream lines{std::string(script)};
  for (std::string raw; std::getline(lines, raw);) {
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (line.starts_with('#')) {
      s.trace += std::string(line) + "\n";
      continue;
    }
    ++step;
    const std::size_t arrow = line.find("=>");
    s.trace += std::string(trim(line.substr(0, arrow))) + "\n";
    if (arrow != std::string_view::npos)
      s.expect.emplace_back(step, expand(trim(line.substr(arrow + 2))));
  }
  return s;
}

namespace {

Scenario make(std::string name, std::vector<std::string> rules, std::string origin,
              std::string_view script, std::string kernel_skip = "") {
  return make_scenario(std::move(name), std::move(rules), std::move(origin), script,
                       std::move(kernel_skip));
}

std::vector<Scenario> build() {
  std::vector<Scenario> v;

  // ---- epoll: level- and edge-triggered delivery ----

  // epoll(7), "Level-triggered and edge-triggered": 2 kB written, 1 kB read, and a
  // level-triggered epoll_wait reports the rest again; kselftest epoll_wakeup_test epoll1.
  v.push_back(make("lt_reported_twice", {"EP-LT", "EP-MASK", "RD-PIPE-IN"},
                   "epoll(7) example; kselftest epoll_wakeup_test epoll1", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    epoll_create1 flags=0 out=h2                      => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7   => ret=0
    write fd=h1 len=2048 value=0                      => ret=2048
    epoll_wait epfd=h2 maxevents=4                    => ret=1 [IN data=7]
    read fd=h0 len=1024                               => ret=1024 {bytes 4 1024}
    epoll_wait epfd=h2 maxevents=4                    => ret=1 [IN data=7]
    epoll_wait epfd=h2 maxevents=4                    => ret=1 [IN data=7]
  )"));

  // The same example edge-triggered: the second epoll_wait finds nothing although 1 kB is
  // still buffered. Linux wakes pipe readers on every write, so a second write into the
  // non-empty pipe is reported again (kselftest epoll_wakeup_test epoll2).
  v.push_back(make("et_reported_once_then_per_write", {"EP-ET", "EP-ET-WAKEUPS"},
                   "epoll(7) example; kselftest epoll_wakeup_test epoll2", R"(
    pipe rd=h0 wr=h1                                     => fds=[3,4]
    epoll_create1 flags=0 out=h2                         => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7   => ret=0
    write fd=h1 len=2048 value=0                         => ret=2048
    epoll_wait epfd=h2 maxevents=4                       => ret=1 [IN data=7]
    read fd=h0 len=1024                                  => ret=1024 {bytes 4 1024}
    epoll_wait epfd=h2 maxevents=4                       => ret=0 []
    write fd=h1 len=1 value=0                            => ret=1
    epoll_wait epfd=h2 maxevents=4                       => ret=1 [IN data=7]
    epoll_wait epfd=h2 maxevents=4                       => ret=0 []
  )"));

  // kselftest epoll2 on a unix stream socket, with the second write of an LKML report
  // (Francesco Ruggeri) comparing pipes and socketpairs: every queued skb wakes the reader,
  // so each write is an edge.
  v.push_back(make("et_unix_stream_per_write", {"EP-ET", "EP-ET-WAKEUPS", "RD-UNIX-STREAM"},
                   "kselftest epoll_wakeup_test epoll2 (second write added)", R"(
    socketpair type=stream a=h0 b=h1                     => fds=[3,4]
    epoll_create1 flags=0 out=h2                         => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=1   => ret=0
    write fd=h1 len=1 value=0                            => ret=1
    epoll_wait epfd=h2 maxevents=1                       => ret=1 [IN data=1]
    epoll_wait epfd=h2 maxevents=1                       => ret=0 []
    write fd=h1 len=1 value=0                            => ret=1
    epoll_wait epfd=h2 maxevents=1                       => ret=1 [IN data=1]
  )"));

  // epoll_ctl(2) EPOLLONESHOT: one report, then disabled but still registered (ADD gives
  // EEXIST) and silent through further writes, until EPOLL_CTL_MOD re-arms it.
  v.push_back(make("oneshot_rearmed_by_mod", {"EP-ONESHOT", "EP-MOD-REPOLL", "EP-CTL-EEXIST"},
                   "epoll_ctl(2) EPOLLONESHOT; LTP epoll_wait07", R"(
    eventfd semaphore=false out=h0                           => fds=[3]
    epoll_create1 flags=0 out=h1                             => fds=[4]
    epoll_ctl epfd=h1 op=add fd=h0 events=IN|ONESHOT data=5  => ret=0
    write fd=h0 len=8 value=1                                => ret=8
    epoll_wait epfd=h1 maxevents=4                           => ret=1 [IN data=5]
    epoll_wait epfd=h1 maxevents=4                           => ret=0 []
    write fd=h0 len=8 value=1                                => ret=8
    epoll_wait epfd=h1 maxevents=4                           => ret=0 []
    epoll_ctl epfd=h1 op=add fd=h0 events=IN data=5          => -1 EEXIST
    epoll_ctl epfd=h1 op=mod fd=h0 events=IN|ONESHOT data=6  => ret=0
    epoll_wait epfd=h1 maxevents=4                           => ret=1 [IN data=6]
    epoll_wait epfd=h1 maxevents=4                           => ret=0 []
  )"));

  // ---- epoll: the interest-list key and closing ----

  // epoll(7) Q&A 6: closing a descriptor removes the registration only once every descriptor
  // of the open file description is closed. The registration still answers to the closed
  // number's key: DEL by that number gives EBADF (it is not open), DEL by the dup's number
  // ENOENT (a different key).
  v.push_back(make("dup_registration_survives_close",
                   {"EP-CLOSE", "FD-DUP", "EP-CTL-EBADF", "EP-CTL-ENOENT"},
                   "epoll(7) Q&A 6", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    epoll_create1 flags=0 out=h2                      => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7   => ret=0
    dup fd=h0 out=h3                                  => fds=[6]
    close fd=h0                                       => ret=0
    write fd=h1 len=1 value=0                         => ret=1
    epoll_wait epfd=h2 maxevents=4                    => ret=1 [IN data=7]
    epoll_ctl epfd=h2 op=del fd=h0 events=0 data=0    => -1 EBADF
    epoll_ctl epfd=h2 op=del fd=h3 events=0 data=0    => -1 ENOENT
    epoll_wait epfd=h2 maxevents=4                    => ret=1 [IN data=7]
    close fd=h3                                       => ret=0
    epoll_wait epfd=h2 maxevents=4                    => ret=0 []
  )"));

  // epoll(7) Q&A 1-2: the key is (file description, fd number), so a dup can be added with
  // its own mask and data; one wakeup reports both registrations, each once.
  v.push_back(make("ep_key_dup_added_separately", {"EP-KEY", "EP-ONCE", "FD-DUP", "EP-ORDER"},
                   "epoll(7) Q&A 1 and 2", R"(
    pipe rd=h0 wr=h1                                     => fds=[3,4]
    epoll_create1 flags=0 out=h2                         => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=1      => ret=0
    dup fd=h0 out=h3                                     => fds=[6]
    epoll_ctl epfd=h2 op=add fd=h3 events=IN|ET data=2   => ret=0
    epoll_ctl epfd=h2 op=add fd=h3 events=IN data=3      => -1 EEXIST
    write fd=h1 len=1 value=0                            => ret=1
    epoll_wait epfd=h2 maxevents=4                       => ret=2 [IN data=2, IN data=1]
    epoll_wait epfd=h2 maxevents=4                       => ret=1 [IN data=1]
  )"));

  // ---- epoll_ctl, epoll_create, epoll_wait errors ----

  // epoll_ctl(2) EINVAL: EPOLLEXCLUSIVE with MOD (even of an unregistered fd), with bits
  // outside IN|OUT|ERR|HUP|WAKEUP|ET (ONESHOT, RDHUP), on an epoll target, and any MOD of a
  // pair added with EPOLLEXCLUSIVE. IN|EXCLUSIVE|ET is accepted and reported.
  v.push_back(make("exclusive_combinations", {"EP-CTL-EXCL"}, "epoll_ctl(2) ERRORS (EINVAL)", R"(
    pipe rd=h0 wr=h1                                                  => fds=[3,4]
    epoll_create1 flags=0 out=h2                                      => fds=[5]
    epoll_create1 flags=0 out=h3                                      => fds=[6]
    epoll_ctl epfd=h2 op=mod fd=h0 events=IN|EXCLUSIVE data=1         => -1 EINVAL
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|EXCLUSIVE|ONESHOT data=1 => -1 EINVAL
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|EXCLUSIVE|RDHUP data=1   => -1 EINVAL
    epoll_ctl epfd=h2 op=add fd=h3 events=IN|EXCLUSIVE data=1         => -1 EINVAL
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|EXCLUSIVE|ET data=1      => ret=0
    epoll_ctl epfd=h2 op=mod fd=h0 events=IN data=2                   => -1 EINVAL
    write fd=h1 len=1 value=0                                         => ret=1
    epoll_wait epfd=h2 maxevents=4                                    => ret=1 [IN data=1]
    epoll_ctl epfd=h2 op=del fd=h0 events=0 data=0                    => ret=0
  )"));

  // LTP epoll_ctl02's error cases, arranged to show do_epoll_ctl's order: EBADF (epfd, then
  // fd) before EPERM (target without poll) before EINVAL (epfd not epoll, fd == epfd), and
  // only then the interest list (ENOENT, EEXIST; an unknown op is EINVAL there).
  v.push_back(make("epoll_ctl_error_order",
                   {"EP-CTL-ORDER", "EP-CTL-EBADF", "EP-CTL-EPERM", "EP-CTL-EINVAL",
                    "EP-CTL-EEXIST", "EP-CTL-ENOENT"},
                   "epoll_ctl(2) ERRORS; LTP epoll_ctl02; fs/eventpoll.c do_epoll_ctl", R"(
    epoll_create1 flags=0 out=h0                          => fds=[3]
    pipe rd=h1 wr=h2                                      => fds=[4,5]
    memfd out=h3                                          => fds=[6]
    eventfd semaphore=false out=h4                        => fds=[7]
    close fd=h4                                           => ret=0
    epoll_ctl epfd=h4 op=add fd=h3 events=IN data=0       => -1 EBADF
    epoll_ctl epfd=h0 op=add fd=h4 events=IN data=0       => -1 EBADF
    epoll_ctl epfd=h1 op=add fd=h3 events=IN data=0       => -1 EPERM
    epoll_ctl epfd=h0 op=invalid fd=h3 events=IN data=0   => -1 EPERM
    epoll_ctl epfd=h1 op=add fd=h2 events=IN data=0       => -1 EINVAL
    epoll_ctl epfd=h0 op=add fd=h0 events=IN data=0       => -1 EINVAL
    epoll_ctl epfd=h0 op=mod fd=h1 events=IN data=0       => -1 ENOENT
    epoll_ctl epfd=h0 op=del fd=h1 events=0 data=0        => -1 ENOENT
    epoll_ctl epfd=h0 op=invalid fd=h1 events=IN data=0   => -1 EINVAL
    epoll_ctl epfd=h0 op=add fd=h1 events=IN data=0       => ret=0
    epoll_ctl epfd=h0 op=add fd=h1 events=IN data=0       => -1 EEXIST
    epoll_ctl epfd=h0 op=invalid fd=h1 events=IN data=0   => -1 EINVAL
    epoll_ctl epfd=h0 op=del fd=h1 events=0 data=0        => ret=0
  )"));

  // epoll_create(2) ERRORS: size <= 0 and flags other than EPOLL_CLOEXEC (0x80000) are EINVAL.
  v.push_back(make("epoll_create_einval", {"EP-CREATE"},
                   "epoll_create(2) ERRORS; LTP epoll_create02, epoll_create1_02", R"(
    epoll_create size=0 out=h0              => -1 EINVAL
    epoll_create size=-1 out=h0             => -1 EINVAL
    epoll_create1 flags=1 out=h1            => -1 EINVAL
    epoll_create size=1 out=h2              => fds=[3]
    epoll_create1 flags=0x80000 out=h3      => fds=[4]
  )"));

  // epoll_wait(2) ERRORS: maxevents <= 0 and a non-epoll epfd are EINVAL, a closed epfd EBADF
  // (since Linux 6.15 even with maxevents 0: the descriptor is checked first).
  v.push_back(make("epoll_wait_errors", {"EP-WAIT-EINVAL", "EP-WAIT-CHECK-ORDER"},
                   "epoll_wait(2) ERRORS; LTP epoll_wait03", R"(
    epoll_create1 flags=0 out=h0            => fds=[3]
    pipe rd=h1 wr=h2                        => fds=[4,5]
    epoll_wait epfd=h0 maxevents=0          => -1 EINVAL
    epoll_wait epfd=h0 maxevents=-1         => -1 EINVAL
    epoll_wait epfd=h1 maxevents=1          => -1 EINVAL
    close fd=h0                             => ret=0
    epoll_wait epfd=h0 maxevents=1          => -1 EBADF
    epoll_wait epfd=h0 maxevents=0          => -1 EBADF
  )"));

  // ---- epoll: ready-list order, MOD, nesting, RDHUP, ERR/HUP ----

  // epoll(7) "Starvation": with more ready entries than maxevents, successive calls cycle
  // through all of them. Linux delivers in ready-list order and re-queues level-triggered
  // entries at the tail: data 0,1 then 2,3 then 4,0.
  v.push_back(make("roundrobin_five_ready_pipes", {"EP-ROUNDROBIN", "EP-ORDER", "EP-LT"},
                   "epoll(7) Possible pitfalls: starvation; fs/eventpoll.c ep_send_events", R"(
    pipe rd=h0 wr=h1                                    => fds=[3,4]
    pipe rd=h2 wr=h3                                    => fds=[5,6]
    pipe rd=h4 wr=h5                                    => fds=[7,8]
    pipe rd=h6 wr=h7                                    => fds=[9,10]
    pipe rd=h8 wr=h9                                    => fds=[11,12]
    epoll_create1 flags=0 out=h10                       => fds=[13]
    epoll_ctl epfd=h10 op=add fd=h0 events=IN data=0    => ret=0
    epoll_ctl epfd=h10 op=add fd=h2 events=IN data=1    => ret=0
    epoll_ctl epfd=h10 op=add fd=h4 events=IN data=2    => ret=0
    epoll_ctl epfd=h10 op=add fd=h6 events=IN data=3    => ret=0
    epoll_ctl epfd=h10 op=add fd=h8 events=IN data=4    => ret=0
    write fd=h1 len=1 value=0                           => ret=1
    write fd=h3 len=1 value=0                           => ret=1
    write fd=h5 len=1 value=0                           => ret=1
    write fd=h7 len=1 value=0                           => ret=1
    write fd=h9 len=1 value=0                           => ret=1
    epoll_wait epfd=h10 maxevents=2                     => ret=2 [IN data=0, IN data=1]
    epoll_wait epfd=h10 maxevents=2                     => ret=2 [IN data=2, IN data=3]
    epoll_wait epfd=h10 maxevents=2                     => ret=2 [IN data=4, IN data=0]
  )"));

  // epoll_ctl(2) EPOLL_CTL_MOD; fs/eventpoll.c ep_modify polls the file again, so an entry
  // modified while its file is ready is reported even without a new wakeup.
  v.push_back(make("mod_repolls_readiness", {"EP-MOD-REPOLL", "EP-MASK"},
                   "epoll_ctl(2) EPOLL_CTL_MOD; fs/eventpoll.c ep_modify", R"(
    pipe rd=h0 wr=h1                                       => fds=[3,4]
    epoll_create1 flags=0 out=h2                           => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=OUT data=1       => ret=0
    write fd=h1 len=1 value=0                              => ret=1
    epoll_wait epfd=h2 maxevents=4                         => ret=0 []
    epoll_ctl epfd=h2 op=mod fd=h0 events=IN|ET data=2     => ret=0
    epoll_wait epfd=h2 maxevents=4                         => ret=1 [IN data=2]
    epoll_wait epfd=h2 maxevents=4                         => ret=0 []
    epoll_ctl epfd=h2 op=mod fd=h0 events=IN|ET data=3     => ret=0
    epoll_wait epfd=h2 maxevents=4                         => ret=1 [IN data=3]
  )"));

  // epoll(7) Q&A 3: an epoll descriptor is itself pollable, readable while an entry is ready;
  // poll and select on it do not consume an edge-triggered event, only epoll_wait does.
  v.push_back(make("epoll_fd_polled_without_consuming", {"EP-NEST-READY", "EP-NEST-NOCONSUME"},
                   "epoll(7) Q&A 3", R"(
    pipe rd=h0 wr=h1                                      => fds=[3,4]
    epoll_create1 flags=0 out=h2                          => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7    => ret=0
    poll entries=[h2:IN] over_limit=0                     => ret=0 revents=[0]
    write fd=h1 len=1 value=0                             => ret=1
    poll entries=[h2:IN] over_limit=0                     => ret=1 revents=[IN]
    select rd=[h2] wr=[] ex=[] nfds=exact                 => ret=1 rd=[5] wr=[] ex=[] tv=0
    epoll_wait epfd=h2 maxevents=4                        => ret=1 [IN data=7]
    poll entries=[h2:IN] over_limit=0                     => ret=0 revents=[0]
  )"));

  // An entry queued by a wakeup whose file is no longer ready does not make the epoll
  // descriptor readable (ep_eventpoll_poll re-polls what it finds on the ready list).
  v.push_back(make("epoll_fd_ignores_stale_entries", {"EP-NEST-READY"},
                   "epoll(7) Q&A 3; fs/eventpoll.c ep_eventpoll_poll", R"(
    pipe rd=h0 wr=h1                                   => fds=[3,4]
    epoll_create1 flags=0 out=h2                       => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7    => ret=0
    write fd=h1 len=1 value=0                          => ret=1
    read fd=h0 len=1                                   => ret=1 {bytes 4 1}
    poll entries=[h2:IN] over_limit=0                  => ret=0 revents=[0]
    epoll_wait epfd=h2 maxevents=4                     => ret=0 []
  )"));

  // epoll_ctl(2) EPOLLRDHUP: reported once the stream peer shuts down writing; a read then
  // returns 0.
  v.push_back(make("rdhup_after_peer_shutdown", {"EP-RDHUP", "RD-UNIX-SHUTDOWN", "RD-UNIX-STREAM"},
                   "epoll_ctl(2) EPOLLRDHUP; LTP epoll_wait05", R"(
    socketpair type=stream a=h0 b=h1                          => fds=[3,4]
    epoll_create1 flags=0 out=h2                              => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|RDHUP|ET data=9  => ret=0
    epoll_wait epfd=h2 maxevents=4                            => ret=0 []
    shutdown fd=h1 how=wr                                     => ret=0
    epoll_wait epfd=h2 maxevents=4                            => ret=1 [IN|RDHUP data=9]
    read fd=h0 len=10                                         => ret=0 {none}
  )"));

  // epoll_ctl(2) EPOLLERR/EPOLLHUP: always reported, never needed in events. A read end
  // registered with no events reports HUP when the writer goes, a write end ERR when the
  // reader goes.
  v.push_back(make("errhup_always_reported", {"EP-ERRHUP", "EP-MASK", "RD-PIPE-HUP", "RD-PIPE-OUT"},
                   "epoll_ctl(2) EPOLLERR, EPOLLHUP", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    pipe rd=h2 wr=h3                                  => fds=[5,6]
    epoll_create1 flags=0 out=h4                      => fds=[7]
    epoll_ctl epfd=h4 op=add fd=h0 events=0 data=1    => ret=0
    epoll_ctl epfd=h4 op=add fd=h3 events=0 data=2    => ret=0
    epoll_wait epfd=h4 maxevents=4                    => ret=0 []
    close fd=h1                                       => ret=0
    epoll_wait epfd=h4 maxevents=4                    => ret=1 [HUP data=1]
    close fd=h2                                       => ret=0
    epoll_wait epfd=h4 maxevents=4                    => ret=2 [HUP data=1, ERR data=2]
  )"));

  // ---- poll ----

  // poll(2): a closed descriptor gets POLLNVAL, a negative one is ignored (revents 0), and
  // the result counts the entries with nonzero revents, NVAL and duplicates included.
  v.push_back(make("poll_nval_and_negative_fd",
                   {"PO-NVAL", "PO-NEGFD", "PO-RESULT", "PO-REVENTS", "PO-EVENTS-UNTOUCHED"},
                   "poll(2)", R"(
    pipe rd=h0 wr=h1                                                => fds=[3,4]
    eventfd semaphore=false out=h2                                  => fds=[5]
    close fd=h2                                                     => ret=0
    poll entries=[h0:IN,h2:IN,-1:IN,h1:OUT,h1:OUT] over_limit=0     => ret=3 revents=[0, NVAL, 0, OUT, OUT]
  )"));

  // poll(2) ERRORS: nfds above RLIMIT_NOFILE is EINVAL (nothing is written back); one entry
  // short of the limit, padded with ignored -1 entries, is fine.
  v.push_back(make("poll_over_rlimit_nofile", {"PO-LIMIT"}, "poll(2) ERRORS (EINVAL)", R"(
    pipe rd=h0 wr=h1                              => fds=[3,4]
    write fd=h1 len=1 value=0                     => ret=1
    poll entries=[h0:IN] over_limit=1             => -1 EINVAL revents=[0]
    poll entries=[h0:IN] over_limit=-1            => ret=1 revents=[IN]
  )"));

  // ---- select ----

  // select(2): the sets are modified in place to show which descriptors are ready; the
  // others are cleared and the result counts the bits left. A pipe read end whose writer
  // is gone (POLLHUP) is in the read set.
  v.push_back(make("select_clears_not_ready", {"SE-SETS", "SE-RESULT", "SE-TIMEOUT"},
                   "select(2) DESCRIPTION and RETURN VALUE", R"(
    pipe rd=h0 wr=h1                                          => fds=[3,4]
    pipe rd=h2 wr=h3                                          => fds=[5,6]
    write fd=h1 len=1 value=0                                 => ret=1
    select rd=[h0,h2] wr=[h1,h3] ex=[h0,h1] nfds=exact        => ret=3 rd=[3] wr=[4,6] ex=[] tv=0
    close fd=h3                                               => ret=0
    select rd=[h2] wr=[] ex=[] nfds=exact                     => ret=1 rd=[5] wr=[] ex=[] tv=0
  )"));

  // select(2): descriptors >= nfds are ignored (nfds=exact-1 equals the highest descriptor,
  // the write end, so it is dropped); a negative nfds is EINVAL and leaves the sets as they
  // were.
  v.push_back(make("select_nfds", {"SE-NFDS"}, "select(2) DESCRIPTION and ERRORS", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    write fd=h1 len=1 value=0                         => ret=1
    select rd=[h0] wr=[h1] ex=[] nfds=exact-1         => ret=1 rd=[3] wr=[] ex=[] tv=0
    select rd=[h0] wr=[h1] ex=[] nfds=-1              => -1 EINVAL rd=[3] wr=[4] ex=[]
  )"));

  // select(2) ERRORS: a set naming a closed descriptor is EBADF, unless it lies at or above
  // nfds and is therefore never looked at.
  v.push_back(make("select_ebadf", {"SE-EBADF", "SE-NFDS"}, "select(2) ERRORS (EBADF)", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    eventfd semaphore=false out=h2                    => fds=[5]
    close fd=h2                                       => ret=0
    select rd=[h0,h2] wr=[h1] ex=[] nfds=exact        => -1 EBADF rd=[3,5] wr=[4] ex=[]
    select rd=[h0,h2] wr=[h1] ex=[] nfds=exact-1      => ret=1 rd=[] wr=[4] ex=[] tv=0
  )"));

  // select(2) BUGS: Linux takes nfds beyond FD_SETSIZE with bitmaps of the caller's size.
  v.push_back(make("select_beyond_fd_setsize", {"SE-SETSIZE"}, "select(2) BUGS", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    write fd=h1 len=1 value=0                         => ret=1
    select rd=[h0] wr=[h1] ex=[] nfds=exact+2000      => ret=2 rd=[3] wr=[4] ex=[] tv=0
  )"));

  // ---- pipes ----

  // pipe(7), poll(2): the read end is POLLIN while data is buffered, POLLHUP (with POLLIN
  // while data remains) once the last writer is closed; an empty pipe reads EAGAIN with a
  // writer and 0 without.
  v.push_back(make("pipe_read_end_in_and_hup", {"RD-PIPE-IN", "RD-PIPE-HUP", "PO-REVENTS"},
                   "pipe(7) I/O on pipes; poll(2) POLLHUP", R"(
    pipe rd=h0 wr=h1                                      => fds=[3,4]
    poll entries=[h0:IN,h1:OUT] over_limit=0              => ret=1 revents=[0, OUT]
    read fd=h0 len=10                                     => -1 EAGAIN
    write fd=h1 len=10 value=0                            => ret=10
    poll entries=[h0:IN|RDNORM,h1:OUT] over_limit=0       => ret=2 revents=[IN|RDNORM, OUT]
    close fd=h1                                           => ret=0
    poll entries=[h0:IN] over_limit=0                     => ret=1 revents=[IN|HUP]
    read fd=h0 len=100                                    => ret=10 {bytes 4 10}
    poll entries=[h0:IN] over_limit=0                     => ret=1 revents=[HUP]
    read fd=h0 len=100                                    => ret=0 {none}
  )"));

  // pipe(7): with no reader the write end is POLLERR and a write fails with EPIPE (SIGPIPE
  // is ignored by the executor).
  v.push_back(make("pipe_write_end_without_reader", {"RD-PIPE-OUT", "RD-PIPE-WRITE"},
                   "pipe(7) I/O on pipes; poll(2) POLLERR", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    close fd=h0                                       => ret=0
    poll entries=[h1:OUT] over_limit=0                => ret=1 revents=[OUT|ERR]
    write fd=h1 len=1 value=0                         => -1 EPIPE
  )"));

  // pipe(7) Pipe capacity: 65536 bytes by default, counted in 16 page slots. Page-sized
  // writes fill it exactly; then the write end is not POLLOUT and a write is EAGAIN.
  v.push_back(make("pipe_fill_page_writes", {"RD-PIPE-SLOTS", "RD-PIPE-WRITE", "RD-PIPE-OUT"},
                   "pipe(7) Pipe capacity; fs/pipe.c pipe_write", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    fill fd=h1 len=4096 value=0                       => ret=65536 writes=16 err=EAGAIN
    poll entries=[h1:OUT] over_limit=0                => ret=0 revents=[0]
    write fd=h1 len=1 value=0                         => -1 EAGAIN
  )"));

  // fs/pipe.c pipe_write: 1-byte writes merge into the last page slot, so they fill the whole
  // 65536 bytes too.
  v.push_back(make("pipe_fill_byte_writes", {"RD-PIPE-SLOTS"}, "fs/pipe.c pipe_write", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    fill fd=h1 len=1 value=0                          => ret=65536 writes=65536 err=EAGAIN
  )"));

  // fs/pipe.c pipe_write: a 100-byte write merges into the last slot only if it fits whole,
  // so 40 writes (4000 bytes) fill a slot and the pipe takes 640 writes, 64000 bytes. A
  // 96-byte write still fits the last slot of the "full" pipe.
  v.push_back(make("pipe_fill_100_byte_writes", {"RD-PIPE-SLOTS", "RD-PIPE-WRITE"},
                   "fs/pipe.c pipe_write; pipe(7) PIPE_BUF", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    fill fd=h1 len=100 value=0                        => ret=64000 writes=640 err=EAGAIN
    write fd=h1 len=100 value=0                       => -1 EAGAIN
    write fd=h1 len=96 value=0                        => ret=96
    poll entries=[h1:OUT] over_limit=0                => ret=0 revents=[0]
  )"));

  // fs/pipe.c pipe_write: 5000 = one page + 904; the 904-byte remainder merges into the
  // previous write's tail slot every other write, so two writes take three slots. Ten
  // writes take 15 slots, the eleventh is cut to the last page (pipe(7): writes above
  // PIPE_BUF may be partial): 54096 bytes.
  v.push_back(make("pipe_fill_5000_byte_writes", {"RD-PIPE-SLOTS", "RD-PIPE-WRITE"},
                   "fs/pipe.c pipe_write; pipe(7) PIPE_BUF", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    fill fd=h1 len=5000 value=0                       => ret=54096 writes=11 err=EAGAIN
  )"));

  // fs/pipe.c pipe_read: readers wake the write end only when a read frees a slot of a full
  // pipe, so an edge-triggered OUT registration fires then and not before.
  v.push_back(make("pipe_et_out_when_slot_freed", {"EP-ET-WAKEUPS", "RD-PIPE-SLOTS", "EP-ET"},
                   "fs/pipe.c pipe_read; epoll(7) edge-triggered", R"(
    pipe rd=h0 wr=h1                                      => fds=[3,4]
    epoll_create1 flags=0 out=h2                          => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h1 events=OUT|ET data=1   => ret=0
    epoll_wait epfd=h2 maxevents=4                        => ret=1 [OUT data=1]
    fill fd=h1 len=4096 value=0                           => ret=65536 writes=16 err=EAGAIN
    epoll_wait epfd=h2 maxevents=4                        => ret=0 []
    read fd=h0 len=100                                    => ret=100 {bytes 5 100}
    epoll_wait epfd=h2 maxevents=4                        => ret=0 []
    read fd=h0 len=3996                                   => ret=3996 {bytes 5 100..4096}
    epoll_wait epfd=h2 maxevents=4                        => ret=1 [OUT data=1]
  )"));

  // ---- eventfd ----

  // eventfd(2): writes add to the counter, a read returns it and resets it to 0; POLLIN
  // while it is nonzero. Reads need at least 8 bytes; this kernel takes writes of exactly 8.
  v.push_back(make("eventfd_counter", {"RD-EVENTFD"}, "eventfd(2)", R"(
    eventfd semaphore=false out=h0                    => fds=[3]
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[OUT]
    read fd=h0 len=8                                  => -1 EAGAIN
    write fd=h0 len=8 value=3                         => ret=8
    write fd=h0 len=8 value=4                         => ret=8
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[IN|OUT]
    read fd=h0 len=4                                  => -1 EINVAL
    read fd=h0 len=16                                 => ret=8 {u64 7}
    read fd=h0 len=8                                  => -1 EAGAIN
    write fd=h0 len=16 value=1                        => -1 EINVAL
    write fd=h0 len=4 value=1                         => -1 EINVAL
  )"));

  // eventfd(2) EFD_SEMAPHORE: each read returns 1 and decrements the counter.
  v.push_back(make("eventfd_semaphore", {"RD-EVENTFD"}, "eventfd(2) EFD_SEMAPHORE", R"(
    eventfd semaphore=true out=h0                     => fds=[3]
    write fd=h0 len=8 value=2                         => ret=8
    read fd=h0 len=8                                  => ret=8 {u64 1}
    read fd=h0 len=8                                  => ret=8 {u64 1}
    read fd=h0 len=8                                  => -1 EAGAIN
  )"));

  // eventfd(2): the counter's maximum is 0xfffffffffffffffe; writing 0xffffffffffffffff is
  // EINVAL, a write that would overflow is EAGAIN (non-blocking), a write of 0 always works.
  v.push_back(make("eventfd_limits", {"RD-EVENTFD-LIMIT", "RD-EVENTFD"}, "eventfd(2) write(2)", R"(
    eventfd semaphore=false out=h0                    => fds=[3]
    write fd=h0 len=8 value=0xffffffffffffffff        => -1 EINVAL
    write fd=h0 len=8 value=0xfffffffffffffffe        => ret=8
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[IN]
    write fd=h0 len=8 value=1                         => -1 EAGAIN
    write fd=h0 len=8 value=0                         => ret=8
    read fd=h0 len=8                                  => ret=8 {u64 0xfffffffffffffffe}
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[OUT]
  )"));

  // eventfd(2) names EINVAL for writes of fewer than 8 bytes; current kernels refuse more than 8
  // as well (fs/eventfd.c: count != sizeof(u64)).
  v.push_back(make("eventfd_write_length", {"RD-EVENTFD-WRITE-LEN", "RD-EVENTFD"}, "eventfd(2) write(2)", R"(
    eventfd semaphore=false out=h0                    => fds=[3]
    write fd=h0 len=7 value=1                         => -1 EINVAL
    write fd=h0 len=9 value=1                         => -1 EINVAL
    write fd=h0 len=8 value=1                         => ret=8
  )"));

  // eventfd(2): initval is where the counter starts.
  v.push_back(make("eventfd_initval", {"RD-EVENTFD"}, "eventfd(2) initval", R"(
    eventfd semaphore=false out=h0 initval=7          => fds=[3]
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[IN|OUT]
    read fd=h0 len=8                                  => ret=8 {u64 7}
    eventfd semaphore=true out=h1 initval=2           => fds=[4]
    read fd=h1 len=8                                  => ret=8 {u64 1}
    read fd=h1 len=8                                  => ret=8 {u64 1}
    read fd=h1 len=8                                  => -1 EAGAIN
  )"));

  // fifo(7): opened both ways, a FIFO is a pipe (readable with data, POLLHUP once the writer
  // is gone); opening the write end with O_NONBLOCK before any reader fails with ENXIO.
  v.push_back(make("fifo_opened_both_ways_is_a_pipe", {"RD-FIFO-OPEN", "RD-PIPE-IN", "RD-PIPE-HUP"},
                   "fifo(7), open(2) ENXIO", R"(
    fifo rd=h0 wr=h1 open=writer                      => -1 ENXIO
    fifo rd=h0 wr=h1 open=both                        => fds=[3,4]
    poll entries=[h0:IN,h1:OUT] over_limit=0          => ret=1 revents=[0, OUT]
    write fd=h1 len=10 value=0                        => ret=10
    close fd=h1                                       => ret=0
    poll entries=[h0:IN] over_limit=0                 => ret=1 revents=[IN|HUP]
    read fd=h0 len=100                                => ret=10 {bytes 4 10}
    read fd=h0 len=100                                => ret=0 {none}
  )"));

  // fs/pipe.c fifo_open: a read end opened while no writer has the FIFO open does not hang up
  // until a writer has come and gone, yet its reads return 0 at once. The write end's slot is
  // left unbound, and poll ignores the -1 it names.
  v.push_back(make("fifo_reader_alone_does_not_hang_up", {"RD-FIFO-HUP", "RD-FIFO-OPEN"},
                   "fs/pipe.c fifo_open, pipe_poll", R"(
    fifo rd=h0 wr=h1 open=reader                      => fds=[3]
    poll entries=[h0:IN,h1:IN] over_limit=0           => ret=0 revents=[0, 0]
    read fd=h0 len=10                                 => ret=0 {none}
    epoll_create1 flags=0 out=h2                      => fds=[4]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=1   => ret=0
    epoll_wait epfd=h2 maxevents=4                    => ret=0 []
  )"));

  // ---- AF_UNIX sockets ----

  // shutdown(2), unix(7): after the peer's SHUT_WR reads give 0 and the reader is
  // POLLIN|POLLRDHUP; writing after one's own SHUT_WR is EPIPE while the other direction
  // still works; both directions shut is POLLHUP. shutdown on a pipe is ENOTSOCK, an
  // unknown how EINVAL.
  v.push_back(make("unix_stream_shutdown", {"RD-UNIX-SHUTDOWN", "RD-UNIX-STREAM"},
                   "shutdown(2); unix(7)", R"(
    socketpair type=stream a=h0 b=h1                      => fds=[3,4]
    shutdown fd=h0 how=wr                                 => ret=0
    read fd=h1 len=10                                     => ret=0 {none}
    write fd=h0 len=10 value=0                            => -1 EPIPE
    poll entries=[h1:IN|RDHUP,h0:IN|OUT] over_limit=0     => ret=2 revents=[IN|RDHUP, OUT]
    write fd=h1 len=10 value=0                            => ret=10
    read fd=h0 len=10                                     => ret=10 {bytes 6 10}
    shutdown fd=h1 how=wr                                 => ret=0
    poll entries=[h0:IN] over_limit=0                     => ret=1 revents=[IN|HUP]
    pipe rd=h2 wr=h3                                      => fds=[5,6]
    shutdown fd=h2 how=wr                                 => -1 ENOTSOCK
    shutdown fd=h0 how=invalid                            => -1 EINVAL
  )"));

  // net/unix/af_unix.c unix_release_sock: closing a stream end with unread data resets the
  // peer: POLLERR, one ECONNRESET, then reads of 0 (shut down both ways).
  v.push_back(make("unix_close_with_unread_data_resets_peer", {"RD-UNIX-RESET"},
                   "net/unix/af_unix.c unix_release_sock", R"(
    socketpair type=stream a=h0 b=h1                  => fds=[3,4]
    write fd=h0 len=10 value=0                        => ret=10
    close fd=h1                                       => ret=0
    poll entries=[h0:IN|OUT] over_limit=0             => ret=1 revents=[IN|OUT|ERR|HUP]
    read fd=h0 len=10                                 => -1 ECONNRESET
    read fd=h0 len=10                                 => ret=0 {none}
    poll entries=[h0:IN] over_limit=0                 => ret=1 revents=[IN|HUP]
    write fd=h0 len=10 value=0                        => -1 EPIPE
  )"));

  // unix(7), recv(2): datagrams keep their boundaries; a short read truncates and consumes
  // the message; a zero-length datagram is a message of its own (POLLIN, read returns 0).
  // A datagram write to a closed peer gives ECONNREFUSED and disconnects; shut for writing, the
  // next write gives EPIPE (Linux 6.14 on: the skb's allocation checks SEND_SHUTDOWN before the
  // peer is looked up; ENOTCONN before).
  v.push_back(make("unix_dgram_write_without_peer_shut", {"RD-UNIX-DGRAM-SEND-ORDER", "RD-UNIX-SHUTDOWN"},
                   "net/unix/af_unix.c unix_dgram_sendmsg (62c6db251e66)", R"(
    socketpair type=dgram a=h0 b=h1                   => fds=[3,4]
    close fd=h0                                       => ret=0
    write fd=h1 len=0 value=0                         => -1 ECONNREFUSED
    write fd=h1 len=1 value=0                         => -1 ENOTCONN
    shutdown fd=h1 how=wr                             => ret=0
    write fd=h1 len=0 value=0                         => -1 EPIPE
  )"));

  v.push_back(make("unix_dgram_boundaries", {"RD-UNIX-DGRAM"}, "unix(7); recv(2) MSG_TRUNC", R"(
    socketpair type=dgram a=h0 b=h1                   => fds=[3,4]
    write fd=h0 len=10 value=0                        => ret=10
    write fd=h0 len=20 value=0                        => ret=20
    read fd=h1 len=100                                => ret=10 {bytes 2 10}
    read fd=h1 len=5                                  => ret=5 {bytes 3 5}
    read fd=h1 len=100                                => -1 EAGAIN
    write fd=h0 len=0 value=0                         => ret=0
    poll entries=[h1:IN] over_limit=0                 => ret=1 revents=[IN]
    read fd=h1 len=100                                => ret=0 {none}
    poll entries=[h1:IN] over_limit=0                 => ret=0 revents=[0]
  )"));

  // socket(7) SO_SNDBUF, net/unix/af_unix.c: a sender queues while its unread skbs charge
  // less than SO_SNDBUF and is POLLOUT only while they charge at most a quarter of it.
  // (How many writes fit depends on the kernel's skb truesize; the count is what
  // FixedParams and this kernel both give.)
  v.push_back(make("unix_sndbuf_limits_queueing", {"RD-UNIX-SNDBUF", "RD-UNIX-DGRAM"},
                   "socket(7) SO_SNDBUF; net/unix/af_unix.c unix_writable", R"(
    socketpair type=dgram a=h0 b=h1                   => fds=[3,4]
    poll entries=[h0:OUT] over_limit=0                => ret=1 revents=[OUT]
    fill fd=h0 len=1000 value=0                       => ret=93000 writes=93 err=EAGAIN
    poll entries=[h0:OUT,h1:IN] over_limit=0          => ret=1 revents=[0, IN]
  )"));

  // ---- regular files and the fd table ----

  // fs/select.c vfs_poll: a file without a poll method (a memfd) is always
  // IN|OUT|RDNORM|WRNORM; epoll_ctl(2) refuses it with EPERM. memfd_create(2), read(2):
  // writes advance the offset shared by dups, so a read finds the end (0).
  v.push_back(make("memfd_regular_file", {"PO-DEFAULT-MASK", "FD-REGULAR-FILE", "EP-CTL-EPERM"},
                   "memfd_create(2); read(2); epoll_ctl(2) EPERM; fs/select.c vfs_poll", R"(
    memfd out=h0                                                  => fds=[3]
    poll entries=[h0:IN|OUT|RDNORM|WRNORM|PRI] over_limit=0       => ret=1 revents=[IN|OUT|RDNORM|WRNORM]
    select rd=[h0] wr=[h0] ex=[h0] nfds=exact                     => ret=2 rd=[3] wr=[3] ex=[] tv=0
    write fd=h0 len=100 value=0                                   => ret=100
    read fd=h0 len=100                                            => ret=0 {none}
    dup fd=h0 out=h1                                              => fds=[4]
    write fd=h1 len=10 value=0                                    => ret=10
    read fd=h0 len=100                                            => ret=0 {none}
    epoll_create1 flags=0 out=h2                                  => fds=[5]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN data=0               => -1 EPERM
  )"));

  // open(2), dup(2): every new descriptor is the lowest-numbered one not open.
  v.push_back(make("fd_lowest_reuses_closed_numbers", {"FD-LOWEST"}, "open(2); dup(2)", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    eventfd semaphore=false out=h2                    => fds=[5]
    close fd=h0                                       => ret=0
    eventfd semaphore=false out=h3                    => fds=[3]
    dup fd=h2 out=h4                                  => fds=[6]
    close fd=h1                                       => ret=0
    close fd=h3                                       => ret=0
    memfd out=h5                                      => fds=[3]
    socketpair type=stream a=h6 b=h7                  => fds=[4,7]
    epoll_create1 flags=0 out=h8                      => fds=[8]
  )"));

  // read(2), write(2) ERRORS: EBADF on an end not open for the direction, EINVAL on an epoll
  // descriptor; close(2), dup(2), shutdown(2): EBADF once the descriptor is closed.
  v.push_back(make("fd_access_mode_and_closed_descriptors", {"FD-ACCESS-MODE", "FD-CLOSE-EBADF"},
                   "read(2), write(2), close(2), dup(2) ERRORS", R"(
    pipe rd=h0 wr=h1                                  => fds=[3,4]
    write fd=h0 len=1 value=0                         => -1 EBADF
    read fd=h1 len=1                                  => -1 EBADF
    epoll_create1 flags=0 out=h2                      => fds=[5]
    read fd=h2 len=8                                  => -1 EINVAL
    write fd=h2 len=8 value=0                         => -1 EINVAL
    close fd=h0                                       => ret=0
    close fd=h0                                       => -1 EBADF
    read fd=h0 len=1                                  => -1 EBADF
    write fd=h0 len=1 value=0                         => -1 EBADF
    dup fd=h0 out=h3                                  => -1 EBADF
    shutdown fd=h0 how=rd                             => -1 EBADF
  )"));

  add_uring_scenarios(v);
  add_inet_scenarios(v);
  add_nested_scenarios(v);
  add_waiter_scenarios(v);
  return v;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = build();
  return all;
}

void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

bool names_fd_numbers(const std::string& text) {
  for (std::string_view key : {"fds=[", "rd=[", "wr=[", "ex=["}) {
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
      const std::size_t next = at + key.size();
      if (next < text.size() && text[next] >= '0' && text[next] <= '9') return true;
    }
  }
  return false;
}

}  // namespace pc
