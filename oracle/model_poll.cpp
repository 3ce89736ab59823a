// poll and select over the modeled files (fs/select.c).
#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>

#include "oracle/model.h"
#include "oracle/unmodeled.h"

namespace pc {
namespace {
constexpr int kBitsPerWord = 64;
}  // namespace

std::uint32_t Model::vfs_poll(int ofd, RuleLog& log) {
  log_readiness(ofd, log);
  const OpenFile& f = files_.at(ofd);
  if (f.kind == Kind::Epoll) return epoll_file_poll(f.object, log);
  if (f.kind == Kind::Ring) {
    log.use(RuleId::UR_POLL_RING);
    if (!rings_.at(f.object).async.empty())
      throw Unmodeled("poll on a ring that io-wq may post to at any moment is not modeled");
  }
  return readiness(ofd);
}

Observation Model::op(const Poll& p, std::size_t, RuleLog& log, const Observation*) {
  Observation o;
  std::uint64_t nfds = p.entries.size();
  if (p.over_limit != 0) {
    const std::int64_t padded = static_cast<std::int64_t>(params_->nofile_limit()) + p.over_limit;
    nfds = std::max<std::int64_t>(padded, static_cast<std::int64_t>(nfds));
  }
  log.use(RuleId::PO_LIMIT);
  if (nfds > params_->nofile_limit()) {
    o.ret = -1;
    o.err = EINVAL;
    o.revents.assign(p.entries.size(), 0);  // nothing is copied back
    return o;
  }
  log.use(RuleId::PO_EVENTS_UNTOUCHED);
  log.use(RuleId::PO_RESULT);
  for (const PollEntry& e : p.entries) {
    const int fd = e.target.is_handle() ? fd_of(e.target.handle()) : e.target.value;
    std::uint16_t revents = 0;
    if (fd < 0) {
      log.use(RuleId::PO_NEGFD);
    } else if (auto ofd = ofd_of_fd(fd)) {
      log.use(RuleId::PO_REVENTS);
      const std::uint32_t filter = e.events.bits | POLLERR | POLLHUP;
      revents = static_cast<std::uint16_t>(vfs_poll(*ofd, log) & filter);
    } else if (occupied_.contains(fd)) {
      throw Unmodeled("poll on a descriptor the sequence does not own");
    } else {
      log.use(RuleId::PO_NVAL);
      revents = mutant_ == Mutant::NoPollnval ? 0 : POLLNVAL;
    }
    o.revents.push_back(revents);
    if (revents) ++o.ret;
  }
  return o;
}

Observation Model::op(const Select& s, std::size_t, RuleLog& log, const Observation*) {
  Observation o;
  const HandleList* sets[3] = {&s.rd, &s.wr, &s.ex};
  std::array<std::vector<int>, 3> in;
  int highest = -1;
  for (int k = 0; k < 3; ++k) {
    for (Handle h : *sets[k]) {
      const int fd = fd_of(h);
      if (fd < 0) continue;
      in[k].push_back(fd);
      highest = std::max(highest, fd);
    }
    std::sort(in[k].begin(), in[k].end());
    in[k].erase(std::unique(in[k].begin(), in[k].end()), in[k].end());
  }
  const std::int64_t nfds = s.nfds.relative ? highest + 1 + s.nfds.value : s.nfds.value;
  log.use(RuleId::SE_NFDS);
  log.use(RuleId::SE_TIMEOUT);
  auto fail = [&](int err) {
    o.ret = -1;
    o.err = err;
    o.sets = in;  // an error writes nothing back
    return o;
  };
  if (nfds < 0) return fail(EINVAL);
  if (nfds > 1024) log.use(RuleId::SE_SETSIZE);

  log.use(RuleId::SE_EBADF);
  for (const auto& set : in)
    for (int fd : set)
      if (fd < nfds && !fds_.contains(fd) && !occupied_.contains(fd)) return fail(EBADF);

  log.use(RuleId::SE_SETS);
  log.use(RuleId::SE_RESULT);
  // Only the words that cover nfds are written back; a bit past nfds inside them is cleared,
  // one in a higher word comes back as it went in.
  const std::int64_t covered = (nfds + kBitsPerWord - 1) / kBitsPerWord * kBitsPerWord;
  std::vector<int> all;
  for (const auto& set : in) all.insert(all.end(), set.begin(), set.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (int fd : all) {
    if (fd >= nfds) {
      if (fd >= covered) {
        log.use(RuleId::SE_SETSIZE);
        for (int k = 0; k < 3; ++k)
          if (std::binary_search(in[k].begin(), in[k].end(), fd)) o.sets[k].push_back(fd);
      } else {
        log.use(RuleId::SE_NFDS);
      }
      continue;
    }
    const std::uint32_t mask = vfs_poll(fds_.at(fd), log);
    const std::uint32_t want[3] = {kPollInSet, kPollOutSet, kPollExSet};
    for (int k = 0; k < 3; ++k) {
      if (!std::binary_search(in[k].begin(), in[k].end(), fd)) continue;
      if (mask & want[k]) {
        o.sets[k].push_back(fd);
        ++o.ret;
      } else if (k == 0 && mutant_ == Mutant::SelectStaleBit) {
        o.sets[k].push_back(fd);
      }
    }
  }
  return o;
}

}  // namespace pc
