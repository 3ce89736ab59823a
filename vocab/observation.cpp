// Payload construction and the human-readable rendering of observations.
#include "vocab/observation.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join, which newer {fmt} keeps here

#include "vocab/mask_names.h"

namespace pc {

namespace {

struct ErrnoName {
  int err;
  std::string_view name;
};

// The one table of errno names: every errno Linux defines (asm-generic/errno-base.h and
// errno.h), by value, without the aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP). A value beyond it
// is printed as "E<number>", which errno_from_name also reads back. The reproducer's table is
// written from this one (repro/c_emitter.cpp).
#define X(e) {e, #e}
constexpr ErrnoName kErrnoNames[] = {
    X(EPERM), X(ENOENT), X(ESRCH), X(EINTR), X(EIO), X(ENXIO), X(E2BIG), X(ENOEXEC), X(EBADF),
    X(ECHILD), X(EAGAIN), X(ENOMEM), X(EACCES), X(EFAULT), X(ENOTBLK), X(EBUSY), X(EEXIST),
    X(EXDEV), X(ENODEV), X(ENOTDIR), X(EISDIR), X(EINVAL), X(ENFILE), X(EMFILE), X(ENOTTY),
    X(ETXTBSY), X(EFBIG), X(ENOSPC), X(ESPIPE), X(EROFS), X(EMLINK), X(EPIPE), X(EDOM), X(ERANGE),
    X(EDEADLK), X(ENAMETOOLONG), X(ENOLCK), X(ENOSYS), X(ENOTEMPTY), X(ELOOP), X(ENOMSG), X(EIDRM),
    X(ECHRNG), X(EL2NSYNC), X(EL3HLT), X(EL3RST), X(ELNRNG), X(EUNATCH), X(ENOCSI), X(EL2HLT),
    X(EBADE), X(EBADR), X(EXFULL), X(ENOANO), X(EBADRQC), X(EBADSLT), X(EBFONT), X(ENOSTR),
    X(ENODATA), X(ETIME), X(ENOSR), X(ENONET), X(ENOPKG), X(EREMOTE), X(ENOLINK), X(EADV),
    X(ESRMNT), X(ECOMM), X(EPROTO), X(EMULTIHOP), X(EDOTDOT), X(EBADMSG), X(EOVERFLOW), X(ENOTUNIQ),
    X(EBADFD), X(EREMCHG), X(ELIBACC), X(ELIBBAD), X(ELIBSCN), X(ELIBMAX), X(ELIBEXEC), X(EILSEQ),
    X(ERESTART), X(ESTRPIPE), X(EUSERS), X(ENOTSOCK), X(EDESTADDRREQ), X(EMSGSIZE), X(EPROTOTYPE),
    X(ENOPROTOOPT), X(EPROTONOSUPPORT), X(ESOCKTNOSUPPORT), X(EOPNOTSUPP), X(EPFNOSUPPORT),
    X(EAFNOSUPPORT), X(EADDRINUSE), X(EADDRNOTAVAIL), X(ENETDOWN), X(ENETUNREACH), X(ENETRESET),
    X(ECONNABORTED), X(ECONNRESET), X(ENOBUFS), X(EISCONN), X(ENOTCONN), X(ESHUTDOWN),
    X(ETOOMANYREFS), X(ETIMEDOUT), X(ECONNREFUSED), X(EHOSTDOWN), X(EHOSTUNREACH), X(EALREADY),
    X(EINPROGRESS), X(ESTALE), X(EUCLEAN), X(ENOTNAM), X(ENAVAIL), X(EISNAM), X(EREMOTEIO),
    X(EDQUOT), X(ENOMEDIUM), X(EMEDIUMTYPE), X(ECANCELED), X(ENOKEY), X(EKEYEXPIRED),
    X(EKEYREVOKED), X(EKEYREJECTED), X(EOWNERDEAD), X(ENOTRECOVERABLE), X(ERFKILL), X(EHWPOISON),
};
#undef X

}  // namespace

std::string_view errno_symbol(int err) {
  for (const ErrnoName& e : kErrnoNames)
    if (e.err == err) return e.name;
  return {};
}

std::string errno_name(int err) {
  if (err == 0) return "0";  // "no error", as fill reports when a cap ended it
  if (const std::string_view name = errno_symbol(err); !name.empty()) return std::string(name);
  return fmt::format("E{}", err);
}

std::string errno_text(int err) {
  if (err == 0) return "0";
  return fmt::format("{} ({})", errno_name(err), std::strerror(err));
}

int errno_from_name(std::string_view name) {
  for (const ErrnoName& e : kErrnoNames)
    if (e.name == name) return e.err;
  if (name.size() < 2 || name[0] != 'E') return 0;
  int err = 0;
  const char* first = name.data() + 1;
  const char* last = name.data() + name.size();
  const auto [ptr, ec] = std::from_chars(first, last, err);
  return (ec == std::errc{} && ptr == last) ? err : 0;
}

std::string epoll_mask_name(std::uint32_t bits) { return mask_to_names(bits, kEpollBitNames); }

std::string poll_mask_name(std::uint16_t bits) { return mask_to_names(bits, kPollBitNames); }

std::string cqe_flags_name(std::uint32_t bits) { return mask_to_names(bits, kCqeFlagNames); }

std::string cqe_list(const std::vector<CqeObs>& cqes) {
  std::string out = "[";
  for (std::size_t i = 0; i < cqes.size(); ++i) {
    const CqeObs& c = cqes[i];
    if (i > 0) out += ", ";
    out += c.res < 0 ? "-" + errno_name(-c.res) : fmt::format("{}", c.res);
    out += fmt::format(":{}", c.user_data);
    if (c.flags) out += " " + cqe_flags_name(c.flags);
    if (c.digest) out += fmt::format(" digest={:#x}", c.digest);
  }
  return out + "]";
}

namespace {

std::string fd_list(const std::vector<int>& fds) { return fmt::format("[{}]", fmt::join(fds, ",")); }

std::string epoll_events_list(const std::vector<EpollEventObs>& events) {
  std::string out = "[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{} data={}", epoll_mask_name(events[i].events), events[i].data);
  }
  return out + "]";
}

std::string revents_list(const std::vector<std::uint16_t>& revents) {
  std::string out = "[";
  for (std::size_t i = 0; i < revents.size(); ++i) {
    if (i > 0) out += ", ";
    out += poll_mask_name(revents[i]);
  }
  return out + "]";
}

}  // namespace

std::string woke_list(const std::vector<WaiterObs>& woke) {
  std::string out = "[";
  for (std::size_t i = 0; i < woke.size(); ++i) {
    const WaiterObs& w = woke[i];
    out += fmt::format("{}{}:{}", i ? ", " : "", w.waiter, w.ret);
    if (w.ret == -1) out += " " + errno_name(w.err);
    for (std::size_t k = 0; k < w.events.size(); ++k) {
      out += k ? "+" : ":";
      out += epoll_mask_name(w.events[k].events);
      if (w.events[k].data != 0) out += fmt::format("/{}", w.events[k].data);
    }
  }
  return out + "]";
}

namespace {

std::string select_sets(const Observation& obs) {
  return fmt::format("rd={} wr={} ex={}", fd_list(obs.sets[0]), fd_list(obs.sets[1]),
                     fd_list(obs.sets[2]));
}

// Which fields of the observation the op-specific part of the line already shows.
struct Shown {
  bool ret = false, err = false, fds = false, digest = false, writes = false, events = false,
       revents = false, sets = false, tv = false, clobbered = false, rings = false, cqes = false;
};

template <class T>
constexpr bool is_op(const Op& op) {
  return std::holds_alternative<T>(op);
}

}  // namespace

std::string describe_observation(const Op& op, const Observation& obs) {
  std::string line;
  Shown shown;
  const bool failed = obs.ret == -1;
  if (is_op<FillWrite>(op)) {
    // fill "fails" only by stopping; its ret and errno are meaningful together.
    line = fmt::format("ret={} writes={}", obs.ret, obs.writes);
    if (obs.err != 0) line += fmt::format(" err={}", errno_name(obs.err));
    shown.ret = shown.writes = shown.err = true;
  } else if (failed) {
    line = fmt::format("-1 {}", errno_name(obs.err));
    shown.ret = shown.err = true;
  } else if (!op_outputs(op).empty()) {
    line = fmt::format("fds={}", fd_list(obs.fds));
    shown.fds = true;
    if (is_op<UringSetup>(op)) {
      line += fmt::format(" sq={} cq={}", obs.sq_entries, obs.cq_entries);
      shown.rings = true;
    }
  } else {
    line = fmt::format("ret={}", obs.ret);
    shown.ret = true;
    if (is_op<Read>(op) || is_op<Recv>(op)) {
      line += fmt::format(" digest={:#018x}", obs.digest);
      shown.digest = true;
    } else if (is_op<EpollWait>(op) ||
               (is_op<TimedWait>(op) && std::get<TimedWait>(op).api == WaitApi::Epoll)) {
      line += " " + epoll_events_list(obs.events);
      shown.events = true;
    } else if (is_op<Poll>(op) ||
               (is_op<TimedWait>(op) && std::get<TimedWait>(op).api == WaitApi::Poll)) {
      line += " revents=" + revents_list(obs.revents);
      if (obs.clobbered != 0) line += fmt::format(" clobbered={}", obs.clobbered);
      shown.revents = shown.clobbered = true;
    } else if (is_op<Select>(op)) {
      line += fmt::format(" {} tv={}", select_sets(obs), obs.timeout_left_us);
      shown.sets = shown.tv = true;
    } else if (is_op<UringReap>(op)) {
      if (obs.err != 0) line += fmt::format(" wait={}", errno_name(obs.err));
      line += " " + cqe_list(obs.cqes);
      shown.err = shown.cqes = true;
    }
  }

  // Observations compare exactly, so two that differ must never render alike: anything the
  // op-specific part left out but that is not at its default is appended.
  const Observation def;
  if (!shown.ret && obs.ret != def.ret) line += fmt::format(" ret={}", obs.ret);
  if (!shown.err && obs.err != def.err) line += fmt::format(" err={}", errno_name(obs.err));
  if (!shown.fds && obs.fds != def.fds) line += " fds=" + fd_list(obs.fds);
  if (!shown.digest && obs.digest != def.digest) line += fmt::format(" digest={:#018x}", obs.digest);
  if (!shown.writes && obs.writes != def.writes) line += fmt::format(" writes={}", obs.writes);
  if (!shown.events && obs.events != def.events) line += " events=" + epoll_events_list(obs.events);
  if (!shown.revents && obs.revents != def.revents) line += " revents=" + revents_list(obs.revents);
  if (!shown.sets && obs.sets != def.sets) line += " " + select_sets(obs);
  if (!shown.tv && obs.timeout_left_us != def.timeout_left_us)
    line += fmt::format(" tv={}", obs.timeout_left_us);
  if (!shown.clobbered && obs.clobbered != def.clobbered)
    line += fmt::format(" clobbered={}", obs.clobbered);
  if (!shown.rings && (obs.sq_entries != def.sq_entries || obs.cq_entries != def.cq_entries))
    line += fmt::format(" sq={} cq={}", obs.sq_entries, obs.cq_entries);
  if (!shown.cqes && obs.cqes != def.cqes) line += " cqes=" + cqe_list(obs.cqes);
  if (obs.early) line += " EARLY (returned 0 before its timeout)";
  if (!obs.woke.empty()) line += " woke=" + woke_list(obs.woke);
  if (obs.unsettled) line += " UNSETTLED (" + unsettled_what(obs.unsettled) + " still moving after the bounded wait)";
  return line;
}

std::string unsettled_what(std::uint8_t bits) {
  std::string s;
  if (bits & kUnsettledInet) s = "loopback traffic";
  if (bits & kUnsettledWaiters) s += std::string(s.empty() ? "" : " and ") + "waiter threads";
  return s.empty() ? "nothing" : s;
}

}  // namespace pc
