// What a campaign leaves out (--mechanisms, --leave-out, calibration) the generator never makes,
// and with nothing left out a seed makes the sequences it always made.
#include <variant>

#include <gtest/gtest.h>

#include "gen/chooser.h"
#include "gen/generator.h"

namespace pc {
namespace {

// The calls an op makes, as the mechanisms a campaign names.
struct Calls {
  bool epoll = false, poll = false, select = false, uring = false, threads = false;
};

Calls calls_of(const Op& op) {
  Calls c;
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, EpollCreate1> || std::is_same_v<T, EpollCreate> ||
                      std::is_same_v<T, EpollCtl> || std::is_same_v<T, EpollWait>)
          c.epoll = true;
        else if constexpr (std::is_same_v<T, Poll>) c.poll = true;
        else if constexpr (std::is_same_v<T, Select>) c.select = true;
        else if constexpr (std::is_same_v<T, UringSetup> || std::is_same_v<T, UringPrep> ||
                           std::is_same_v<T, UringSubmit> || std::is_same_v<T, UringReap>)
          c.uring = true;
        else if constexpr (std::is_same_v<T, Waiters> || std::is_same_v<T, TimedWait>) {
          c.threads = std::is_same_v<T, Waiters>;
          c.epoll = o.api == WaitApi::Epoll;
          c.poll = o.api == WaitApi::Poll;
          c.uring = o.api == WaitApi::Uring;
        } else if constexpr (std::is_same_v<T, Fanout>) {
          c.epoll = o.mode == FanoutMode::Epoll;
          c.poll = o.mode == FanoutMode::Poll;
          c.select = o.mode == FanoutMode::Select;
        }
      },
      op);
  return c;
}

Calls calls_in(const GenOptions& options, std::size_t sequences) {
  Calls all;
  for (std::uint64_t seed = 1; seed <= sequences; ++seed) {
    RandomChooser chooser(seed);
    for (const Step& s : generate_trace(chooser, 100, Profile::Linux, options).steps) {
      const Calls c = calls_of(s.op);
      all.epoll |= c.epoll, all.poll |= c.poll, all.select |= c.select, all.uring |= c.uring, all.threads |= c.threads;
    }
  }
  return all;
}

TEST(GeneratorOptions, EveryCallIsMadeWithNothingLeftOut) {
  const Calls c = calls_in(GenOptions{}, 50);
  EXPECT_TRUE(c.epoll && c.poll && c.select && c.uring && c.threads);
}

TEST(GeneratorOptions, ACallLeftOutIsNeverMade) {
  GenOptions no_epoll;
  no_epoll.epoll = false;
  const Calls a = calls_in(no_epoll, 200);
  EXPECT_FALSE(a.epoll);
  EXPECT_TRUE(a.poll && a.select && a.uring && a.threads) << "the rest still run";

  GenOptions only_select;
  only_select.epoll = only_select.poll = only_select.uring = only_select.waiters = false;
  const Calls b = calls_in(only_select, 200);
  EXPECT_FALSE(b.epoll || b.poll || b.uring || b.threads);
  EXPECT_TRUE(b.select);

  GenOptions only_uring;
  only_uring.epoll = only_uring.poll = only_uring.select = false;
  const Calls u = calls_in(only_uring, 200);
  EXPECT_FALSE(u.epoll || u.poll || u.select);
  EXPECT_TRUE(u.uring && u.threads) << "threads block in io_uring alone";
}

}  // namespace
}  // namespace pc
