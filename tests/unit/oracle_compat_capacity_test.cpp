// The compat profile leaves buffer accounting to the implementation, but not its consistency:
// a sender the implementation found full stays full until room is freed, and a write then
// meets the room check (EAGAIN) before any error Linux finds past it; a sender it never found
// full may have room, where the model's nominal count found none, and then meets that error.
#include <cerrno>
#include <string_view>
#include <variant>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/params.h"

namespace pc {
namespace {

Op op_of(std::string_view line) {
  auto parsed = parse_trace("pollcheck-trace 1\nprofile compat\n" + std::string(line) + "\n", "t.trace");
  EXPECT_TRUE(std::holds_alternative<Trace>(parsed)) << std::get<ParseError>(parsed).to_string();
  return std::get<Trace>(parsed).steps.at(0).op;
}

Observation failed(int err) {
  Observation o;
  o.ret = -1;
  o.err = err;
  return o;
}

Observation fill_of(std::uint32_t writes, int err) {
  Observation o;
  o.ret = writes;  // 1-byte writes
  o.writes = writes;
  o.err = err;
  return o;
}

// A datagram pair, a fill of 1-byte writes from h1 that ended as `fill_end` says, h0 shut for
// reading; then what the oracle admits for a write from h1.
Expectation write_after_fill(const Observation& fill_end) {
  FixedParams fixed;
  LearnedParams params(fixed);
  Oracle oracle(Profile::Compat, params, {0, 1, 2});
  std::size_t step = 0;
  auto run = [&](std::string_view line, const Observation* observed) {
    const Op op = op_of(line);
    const Expectation e = oracle.expect(op, ++step);
    const Observation o = observed ? *observed : e.allowed.front();
    EXPECT_TRUE(e.admits(o)) << line << ": " << e.why_not(o);
    oracle.commit(op, step, o);
  };
  run("socketpair type=dgram a=h0 b=h1", nullptr);
  run("fill fd=h1 len=1 value=0", &fill_end);
  run("shutdown fd=h0 how=rd", nullptr);
  return oracle.expect(op_of("write fd=h1 len=1 value=0"), ++step);
}

TEST(OracleCompatCapacity, ASenderFoundFullGetsEagainBeforeThePeersShutdown) {
  // Far fewer writes than the nominal count holds: the implementation's accounting decides.
  const Expectation e = write_after_fill(fill_of(278, EAGAIN));
  EXPECT_TRUE(e.admits(failed(EAGAIN))) << e.why_not(failed(EAGAIN));
  EXPECT_FALSE(e.admits(failed(EPIPE))) << "nothing was freed since it found the sender full";
}

TEST(OracleCompatCapacity, ASenderNeverFoundFullMayHaveRoomPastTheNominalCount) {
  // The fill ended at the harness's bound, far past what the nominal count holds.
  const Expectation e = write_after_fill(fill_of(kFillMaxWrites, 0));
  EXPECT_TRUE(e.admits(failed(EPIPE))) << e.why_not(failed(EPIPE));
  EXPECT_TRUE(e.admits(failed(EAGAIN))) << e.why_not(failed(EAGAIN));
  EXPECT_FALSE(e.admits(failed(ECONNREFUSED))) << "the peer is alive";
}

}  // namespace
}  // namespace pc
