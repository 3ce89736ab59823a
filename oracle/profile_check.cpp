#include "oracle/profile_check.h"

#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "oracle/expectation.h"
#include "oracle/model.h"

namespace pc {
namespace {

constexpr std::uint32_t kPipeBuf = 4096;  // PIPE_BUF: writes up to it are atomic (pipe(7))
constexpr std::uint32_t kSelectIn = EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR;
constexpr std::uint32_t kSelectOut = EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR;

using Check = std::function<std::string(const Observation&)>;

// What a profile leaves open beyond Linux's semantics.
struct Leeway {
  const Model& pre;
  bool doc;  // doc: also what only the man pages leave open; compat: buffer accounting alone
  // The prediction used an accounting rule (one only the linux profile judges exactly): it
  // asked whether a buffer had room.
  bool capacity_checked;
  std::uint32_t slack(int ofd) const { return doc ? pre.doc_slack(ofd) : pre.capacity_slack(ofd); }
};

Check exact(const Observation& expected) {
  return [expected](const Observation& o) { return diff_observations(expected, o); };
}

std::optional<int> ofd_of_handle(const Model& m, Handle h) {
  return m.ofd_of_fd(m.fd_of(h));
}

// Where a write reached a room check on an AF_UNIX socket that the implementation has not
// found full: the error Linux gives once there is room, which an implementation with room by
// its own accounting gives where the model's nominal count found none (0: none).
int error_with_room(const Leeway& leeway, std::optional<int> ofd) {
  if (!ofd || !leeway.capacity_checked) return 0;
  const OpenFile& f = leeway.pre.file(*ofd);
  if (f.kind != Kind::Socket || leeway.pre.found_full(f.object, f.side)) return 0;
  return leeway.pre.unix_error_past_room(f.object, f.side);
}

// write: how many bytes the documentation lets the implementation take, where the prediction
// reached a capacity check (Leeway::capacity_checked): up to that point the outcome is Linux's
// semantics; from there on, a full buffer (EAGAIN) may come first, and the count is free within
// what the documentation allows.
Check write_check(const Leeway& leeway, const Write& w, const Observation& linux_outcome) {
  const Model& pre = leeway.pre;
  auto ofd = ofd_of_handle(pre, w.fd);
  if (ofd && pre.file(*ofd).kind == Kind::EventFd && w.len > 8) {
    // RD-EVENTFD-WRITE-LEN: earlier kernels wrote the first eight bytes, and eventfd(2) names
    // EINVAL only for fewer than eight.
    return [linux_outcome](const Observation& o) -> std::string {
      if (o == linux_outcome || (o.ret == 8 && o.err == 0)) return {};
      return fmt::format("eventfd write of more than 8 bytes returned {} ({}): allowed are 8 or {} {}",
                         o.ret, errno_name(o.err), linux_outcome.ret, errno_name(linux_outcome.err));
    };
  }
  if (!ofd || !leeway.capacity_checked) return exact(linux_outcome);
  const OpenFile& f = pre.file(*ofd);
  const std::int64_t len = w.len;
  if (f.kind == Kind::Pipe) {
    const bool empty = pre.capacity_slack(*ofd) == 0;  // nothing buffered: at least a page is free
    return [len, empty, linux_outcome](const Observation& o) -> std::string {
      if (o == linux_outcome) return {};
      if (o.ret == -1 && o.err == EAGAIN) {
        if (empty && len <= kPipeBuf) return "an empty pipe must take a write of up to PIPE_BUF bytes";
        return {};
      }
      if (o.ret == len) return {};
      if (len > kPipeBuf && o.ret > 0 && o.ret < len) return {};
      return fmt::format("write of {} bytes returned {} ({}): pipe(7) allows {} or EAGAIN", len,
                         o.ret, errno_name(o.err), len <= kPipeBuf ? "all" : "a partial count");
    };
  }
  if (f.kind == Kind::Socket) {
    // unix(7), socket(7): a datagram is sent whole or not at all; a stream may take part.
    const bool stream = pre.sock_type(f.object) == SockType::Stream;
    const int with_room = error_with_room(leeway, ofd);
    return [len, stream, with_room, linux_outcome](const Observation& o) -> std::string {
      if (o == linux_outcome) return {};
      if (o.ret == -1 && (o.err == EAGAIN || (with_room && o.err == with_room))) return {};
      if (o.ret == len) return {};
      if (stream && o.ret > 0 && o.ret < len) return {};
      return fmt::format("{} write of {} returned {} ({}): allowed are {}, EAGAIN or {} {}",
                         stream ? "stream" : "datagram", len, o.ret, errno_name(o.err),
                         stream ? "a count up to it" : "all", linux_outcome.ret,
                         errno_name(linux_outcome.err));
    };
  }
  return exact(linux_outcome);
}

Check poll_check(const Leeway& leeway, const Poll& p, const Observation& linux_outcome) {
  std::vector<std::uint16_t> slack;
  for (const PollEntry& e : p.entries) {
    std::optional<int> ofd;
    if (e.target.is_handle()) ofd = ofd_of_handle(leeway.pre, e.target.handle());
    slack.push_back(ofd ? static_cast<std::uint16_t>(leeway.slack(*ofd)) : 0);
  }
  return [slack, linux_outcome](const Observation& o) -> std::string {
    if (o.ret < 0 || linux_outcome.ret < 0 || o.revents.size() != slack.size())
      return diff_observations(linux_outcome, o);
    std::int64_t count = 0;
    for (std::size_t i = 0; i < slack.size(); ++i) {
      if ((o.revents[i] ^ linux_outcome.revents[i]) & ~slack[i])
        return fmt::format("entry {}: revents {} where the documentation requires {} (up to {})", i,
                           poll_mask_name(o.revents[i]), poll_mask_name(linux_outcome.revents[i]),
                           poll_mask_name(slack[i]));
      count += o.revents[i] != 0;
    }
    if (o.ret != count) return fmt::format("poll returned {} but {} entries have revents", o.ret, count);
    if (o.clobbered) return "poll wrote an events field";
    return {};
  };
}

Check select_check(const Leeway& leeway, const Select& s, const Observation& linux_outcome) {
  const Model& pre = leeway.pre;
  // Per set, the fds whose membership the profile leaves open: a writable buffer that holds
  // data, an epoll instance whose readiness hangs on one.
  const std::uint32_t set_bits[3] = {kSelectIn, kSelectOut, 0};
  const std::vector<Handle>* handles[3] = {&s.rd, &s.wr, &s.ex};
  std::array<std::vector<int>, 3> slack;
  for (int k = 0; k < 3; ++k)
    for (Handle h : *handles[k])
      if (auto ofd = ofd_of_handle(pre, h); ofd && (leeway.slack(*ofd) & set_bits[k]))
        slack[k].push_back(pre.fd_of(h));
  return [slack, linux_outcome](const Observation& o) -> std::string {
    if (o.ret < 0 || linux_outcome.ret < 0 || o.timeout_left_us != 0)
      return diff_observations(linux_outcome, o);
    std::int64_t ret = linux_outcome.ret;
    for (int k = 0; k < 3; ++k) {
      std::vector<int> sym;
      std::set_symmetric_difference(o.sets[k].begin(), o.sets[k].end(), linux_outcome.sets[k].begin(),
                                    linux_outcome.sets[k].end(), std::back_inserter(sym));
      for (int fd : sym) {
        if (std::find(slack[k].begin(), slack[k].end(), fd) == slack[k].end())
          return diff_observations(linux_outcome, o);
        ret += std::binary_search(o.sets[k].begin(), o.sets[k].end(), fd) ? 1 : -1;
      }
    }
    if (o.ret != ret) return fmt::format("select returned {} with {} bits ready", o.ret, ret);
    return {};
  };
}

// epoll_wait: each report must come from a distinct registration that is ready (EP-ONCE,
// EP-MASK); level-triggered ready entries and edge-triggered entries with a fresh edge must
// all be reported unless maxevents ran out (EP-LT, EP-ET); other queued entries may be. Under
// compat, the registrations whose readiness does not depend on accounting are reported exactly
// as Linux reports them, in Linux's order (EP-ORDER).
Check epoll_wait_check(const Leeway& leeway, const EpollWait& w, const Observation& linux_outcome) {
  const Model& pre = leeway.pre;
  auto ofd = ofd_of_handle(pre, w.epfd);
  if (!ofd && w.maxevents <= 0) {
    // epoll_wait(2) names both errors without an order between them, and Linux changed its
    // own in 6.15 (EP-WAIT-CHECK-ORDER).
    return [](const Observation& o) -> std::string {
      if (o.ret == -1 && (o.err == EBADF || o.err == EINVAL)) return {};
      return fmt::format("expected EBADF or EINVAL, observed {} {}", o.ret, errno_name(o.err));
    };
  }
  if (linux_outcome.ret < 0 || !ofd) return exact(linux_outcome);
  struct Candidate {
    std::uint32_t mask, slack;
    std::uint64_t data;
    bool must;
  };
  std::vector<Candidate> cands;
  std::vector<std::uint64_t> slack_data;  // data of registrations whose report is free
  const EpollObj& ep = pre.epolls().at(pre.file(*ofd).object);
  for (std::size_t i = 0; i < ep.items.size(); ++i) {
    const EpItem& it = ep.items[i];
    const std::uint32_t ready = pre.readiness(it.ofd) & it.events;
    const std::uint32_t slack = leeway.slack(it.ofd) & it.events;
    if (slack) slack_data.push_back(it.data);
    const bool queued = std::find(ep.ready.begin(), ep.ready.end(), i) != ep.ready.end();
    const bool enabled = (it.events & ~(EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE | EPOLLWAKEUP)) != 0;
    if (!enabled || (!ready && !slack)) continue;
    const bool level = !(it.events & (EPOLLET | EPOLLONESHOT));
    const bool firm = (ready & ~slack) != 0;
    if (!level && !queued && !slack) continue;
    // epoll_ctl(2) EPOLLEXCLUSIVE: "one or more" of the instances receive an event, so an
    // exclusive entry an event passed by is not owed a report (EP-EXCLUSIVE).
    const bool exclusive = (it.events & EPOLLEXCLUSIVE) != 0;
    // An epoll descriptor is documented to become readable, POLLIN, and nothing more
    // (EP-NEST-READY): interest in it without EPOLLIN (EPOLLRDNORM alone) asks for an event no
    // man page promises. Linux wakes watchers of an epoll file with the key EPOLLIN only, so
    // such an entry is not queued when the inner instance becomes ready.
    const bool undocumented = pre.file(it.ofd).kind == Kind::Epoll && !(it.events & EPOLLIN);
    // compat: Linux's own list of reports, compared below, says which registrations are owed
    // (an exclusive wakeup can leave a ready level-triggered one off the ready list).
    const bool owed = leeway.doc && firm && (level || it.edge) && !exclusive && !undocumented;
    cands.push_back({ready, slack, it.data, owed});
  }
  const std::size_t max = static_cast<std::size_t>(w.maxevents);
  // The reports of registrations with no free bits, in order.
  auto firm_reports = [slack_data](const std::vector<EpollEventObs>& evs) {
    std::vector<EpollEventObs> out;
    for (const EpollEventObs& ev : evs)
      if (std::find(slack_data.begin(), slack_data.end(), ev.data) == slack_data.end()) out.push_back(ev);
    return out;
  };
  const bool compat = !leeway.doc;
  if (compat && slack_data.empty()) return exact(linux_outcome);
  const std::vector<EpollEventObs> linux_firm = firm_reports(linux_outcome.events);
  return [cands, max, compat, linux_firm, linux_full = linux_outcome.events.size() >= max,
          firm_reports](const Observation& o) -> std::string {
    if (o.ret < 0) return fmt::format("epoll_wait failed with {}", errno_name(o.err));
    if (o.events.size() > max || o.ret != static_cast<std::int64_t>(o.events.size()))
      return "more events than maxevents";
    std::vector<bool> used(cands.size(), false);
    for (const EpollEventObs& ev : o.events) {
      bool matched = false;
      // Registrations may share their data: a report goes to one that is owed a report before
      // one that is not, so that a report of either cannot leave the owed one unmatched.
      for (bool owed_pass : {true, false})
        for (std::size_t i = 0; i < cands.size() && !matched; ++i) {
          if (used[i] || cands[i].must != owed_pass || cands[i].data != ev.data) continue;
          if ((ev.events ^ cands[i].mask) & ~cands[i].slack) continue;
          used[i] = matched = true;
        }
      if (!matched)
        return fmt::format("event {} data={} matches no ready registration",
                           epoll_mask_name(ev.events), ev.data);
    }
    if (o.events.size() < max)
      for (std::size_t i = 0; i < cands.size(); ++i)
        if (cands[i].must && !used[i])
          return fmt::format("ready registration data={} ({}) was not reported", cands[i].data,
                             epoll_mask_name(cands[i].mask));
    // Which registrations maxevents cut off depends on where the free ones stood.
    if (compat && !linux_full && o.events.size() < max && firm_reports(o.events) != linux_firm)
      return fmt::format("the registrations whose readiness no buffer decides were reported as {}, "
                         "where Linux reports them as {} (in this order)",
                         epoll_events_text(firm_reports(o.events)), epoll_events_text(linux_firm));
    return {};
  };
}
}  // namespace

std::function<std::string(const Observation&)> make_profile_check(Profile profile, const Model& pre,
                                                                  const Op& op,
                                                                  const Observation& linux_outcome,
                                                                  bool capacity_checked) {
  const Leeway leeway{pre, profile == Profile::Doc, capacity_checked};
  return std::visit(
      [&](const auto& x) -> Check {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Write>) return write_check(leeway, x, linux_outcome);
        else if constexpr (std::is_same_v<T, Poll>) return poll_check(leeway, x, linux_outcome);
        else if constexpr (std::is_same_v<T, Select>) return select_check(leeway, x, linux_outcome);
        else if constexpr (std::is_same_v<T, EpollWait>) return epoll_wait_check(leeway, x, linux_outcome);
        else if constexpr (std::is_same_v<T, FillWrite>) {
          // Capacity is the implementation's choice. Nothing but what a fill queues changes
          // between its writes, so when the prediction reached a room check (capacity_checked),
          // every write did: the implementation's accounting may find the buffer full at any
          // count, before an error Linux finds only past that check (a datagram peer shut for
          // reading: EPIPE), or the fill may end at the harness's own bound on writes and bytes.
          const bool full = leeway.capacity_checked;
          // RD-EVENTFD-WRITE-LEN: earlier kernels took eight bytes of each longer write.
          const auto ofd = ofd_of_handle(pre, x.fd);
          if (ofd && pre.file(*ofd).kind == Kind::EventFd && x.len > 8)
            return [linux_outcome, len = x.len](const Observation& o) -> std::string {
              if (o == linux_outcome) return {};
              if (o.ret >= 0 && o.ret == 8 * static_cast<std::int64_t>(o.writes) &&
                  (o.err == EAGAIN || (o.err == 0 && o.writes == kFillMaxWrites)))
                return {};
              return fmt::format("eventfd fill of {}-byte writes: {} writes, {} bytes ({}): allowed "
                                 "are Linux's outcome or eight bytes a write",
                                 len, o.writes, o.ret, errno_name(o.err));
            };
          // Where the model's nominal count found no room, the implementation's may have had it.
          const int with_room = error_with_room(leeway, ofd);
          return [full, with_room, linux_outcome](const Observation& o) -> std::string {
            if (full && o.ret >= 0 && o.err == EAGAIN) return {};
            if (with_room && o.ret == 0 && o.writes == 0 && o.err == with_room) return {};
            if (full && o.ret >= 0 && o.err == 0 &&
                (o.writes == kFillMaxWrites || static_cast<std::uint64_t>(o.ret) >= kFillMaxBytes))
              return {};
            return diff_observations(linux_outcome, o);
          };
        } else return exact(linux_outcome);
      },
      op);
}

}  // namespace pc
