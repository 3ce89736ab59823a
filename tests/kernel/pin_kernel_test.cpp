// Pinned expectations against the real kernel: a trace pinned with the true outcomes agrees,
// one wrong pinned value is a divergence at its step naming the field, and what pin_of takes
// from a run pins that run again.
#include <cerrno>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "format/pin_check.h"
#include "harness/differ.h"
#include "kernel/kernel_params.h"
#include "vocab/observation.h"
#include "vocab/pin.h"
#include "format/trace_format.h"
#include "oracle/params.h"

namespace pc {
namespace {

Trace parse_ok(const std::string& text) {
  auto parsed = parse_trace(text, "pin.trace");
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string() << "\nin:\n" << text;
    return {};
  }
  return std::get<Trace>(std::move(parsed));
}

TraceResult run(const Trace& trace, const StepObserver& on_step = {}) {
  KernelParams probe;
  LearnedParams params(probe);
  return run_trace(trace, params, nullptr, on_step);
}

std::string explain(const TraceResult& r) {
  return fmt::format("{}\n{}", verdict_name(r.verdict),
                     r.divergence ? describe_divergence(*r.divergence) : r.message);
}

// The digest of what a read returns after `write fd=h1 len=10 value=0` at step 4.
std::uint64_t digest_of_step4_write() {
  unsigned char buf[10];
  fill_payload(buf, sizeof buf, 4, 0);
  return fnv1a(buf, sizeof buf);
}

// A pipe watched by epoll, written once, waited on, read dry, polled; every step pinned with
// what Linux does (descriptor numbers left out).
std::string pinned_trace_text(std::string_view wait_pin = "ret=1 events=[IN:7]",
                              std::string_view dry_read_pin = "ret=-1 err=EAGAIN") {
  return fmt::format(
      "pollcheck-trace 1\n"
      "profile linux\n"
      "pipe rd=h0 wr=h1\n"
      "  => ret=0\n"
      "epoll_create1 flags=0 out=h2\n"
      "  => ret=0\n"
      "epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7\n"
      "  => ret=0\n"
      "write fd=h1 len=10 value=0\n"
      "  => ret=10\n"
      "epoll_wait epfd=h2 maxevents=4\n"
      "  => {}\n"
      "read fd=h0 len=100\n"
      "  => ret=10 digest={:#x}\n"
      "read fd=h0 len=100\n"
      "  => {}\n"
      "poll entries=[h0:IN,h1:OUT] over_limit=0\n"
      "  => ret=1 revents=[0,OUT]\n"
      "close fd=h1\n"
      "  => ret=0 err=0\n"
      "poll entries=[h0:IN] over_limit=0\n"
      "  => ret=1 revents=[HUP]\n",
      wait_pin, digest_of_step4_write(), dry_read_pin);
}

TEST(PinKernel, TrueValuesAgree) {
  const Trace trace = parse_ok(pinned_trace_text());
  for (const Step& s : trace.steps) ASSERT_TRUE(s.pin.has_value()) << print_op(s.op);
  const TraceResult r = run(trace);
  ASSERT_EQ(r.verdict, Verdict::Agree) << explain(r);
  EXPECT_EQ(r.steps_run, trace.steps.size());
  EXPECT_EQ(r.skipped, 0u) << r.message;
}

struct Altered {
  std::string_view wait_pin, dry_read_pin;
  std::size_t step;
  std::string_view reason;
};

TEST(PinKernel, OneAlteredValueDivergesAtItsStepNamingTheField) {
  const Altered cases[] = {
      {"ret=2 events=[IN:7]", "ret=-1 err=EAGAIN", 5, "pinned ret: 2, observed 1"},
      {"ret=1 events=[IN:8]", "ret=-1 err=EAGAIN", 5, "pinned events: [IN:8], observed [IN:7]"},
      {"ret=1 events=[IN|HUP:7]", "ret=-1 err=EAGAIN", 5,
       "pinned events: [IN|HUP:7], observed [IN:7]"},
      {"ret=1 events=[IN:7]", "ret=-1 err=EBADF", 7, "pinned err: EBADF, observed EAGAIN"},
      {"ret=1 events=[IN:7]", "ret=0 err=EAGAIN", 7, "pinned ret: 0, observed -1"},
  };
  for (const Altered& c : cases) {
    SCOPED_TRACE(fmt::format("{} / {}", c.wait_pin, c.dry_read_pin));
    const Trace trace = parse_ok(pinned_trace_text(c.wait_pin, c.dry_read_pin));
    const TraceResult r = run(trace);
    ASSERT_EQ(r.verdict, Verdict::Diverge) << explain(r);
    ASSERT_TRUE(r.divergence.has_value());
    const Divergence& d = *r.divergence;
    EXPECT_EQ(d.step, c.step);
    EXPECT_EQ(d.reason, c.reason);
    EXPECT_TRUE(d.reason.starts_with("pinned "));
    ASSERT_TRUE(d.pin.has_value());
    // The kernel did what the oracle admits: only the pin disagrees.
    EXPECT_TRUE(d.expected.admits(d.observed));
    const std::string text = describe_divergence(d);
    EXPECT_NE(text.find(fmt::format("  pinned:   {}\n", print_pin(*d.pin))), std::string::npos) << text;
    EXPECT_NE(text.find(fmt::format("  because:  {}\n", c.reason)), std::string::npos) << text;
  }
}

TEST(PinKernel, OracleComesFirst) {
  // A pin that agrees with a buggy kernel does not hide the bug: the oracle's objection is the
  // reason, and the step's pin is shown alongside.
  const Trace trace = parse_ok(
      "pollcheck-trace 1\n"
      "profile linux\n"
      "pipe rd=h0 wr=h1\n"
      "epoll_create1 flags=0 out=h2\n"
      "epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7\n"
      "epoll_ctl epfd=h2 op=add fd=h0 events=IN data=7\n"
      "  => ret=0\n");
  KernelParams probe;
  LearnedParams params(probe);
  const TraceResult r = run_trace(trace, params, nullptr, {}, Mutant::DoubleAddOk);
  ASSERT_EQ(r.verdict, Verdict::Diverge) << explain(r);
  const Divergence& d = *r.divergence;
  EXPECT_EQ(d.step, 4u);
  EXPECT_FALSE(d.reason.starts_with("pinned ")) << d.reason;
  EXPECT_EQ(check_pin(*trace.steps[3].pin, d.observed), "");
  EXPECT_NE(describe_divergence(d).find("  pinned:   ret=0\n"), std::string::npos)
      << describe_divergence(d);
}

// Several kinds of op, none pinned: pin_of takes every pin from one run, and the pinned trace
// then agrees on a second run (and survives the text format).
constexpr std::string_view kUnpinned =
    "pollcheck-trace 1\n"
    "profile linux\n"
    "pipe rd=h0 wr=h1\n"
    "socketpair type=stream a=h3 b=h4\n"
    "eventfd semaphore=true out=h5\n"
    "epoll_create1 flags=0 out=h2\n"
    "epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7\n"
    "epoll_ctl epfd=h2 op=add fd=h3 events=IN|OUT data=9\n"
    "epoll_ctl epfd=h2 op=add fd=h0 events=IN data=1\n"
    "write fd=h1 len=10 value=0\n"
    "write fd=h5 len=8 value=3\n"
    "epoll_wait epfd=h2 maxevents=4\n"
    "epoll_wait epfd=h2 maxevents=4\n"
    "read fd=h0 len=4\n"
    "read fd=h5 len=8\n"
    "fill fd=h4 len=4096 value=0\n"
    "poll entries=[h0:IN,h1:OUT,h3:IN|OUT,-1:IN] over_limit=0\n"
    "select rd=[h0,h5] wr=[h1,h4] ex=[] nfds=exact\n"
    "dup fd=h0 out=h6\n"
    "shutdown fd=h3 how=wr\n"
    "shutdown fd=h0 how=wr\n"
    "close fd=h6\n"
    "close fd=h6\n"
    "read fd=h4 len=100\n"
    "epoll_wait epfd=h2 maxevents=0\n";

void expect_pin_of_rechecks_clean(bool with_fds) {
  Trace trace = parse_ok(std::string(kUnpinned));
  std::vector<std::optional<Pin>> pins(trace.steps.size());
  const TraceResult first =
      run(trace, [&](std::size_t step, const Op& op, const Expectation&, const Observation& obs) {
        pins[step - 1] = pin_of(op, obs, with_fds);
        EXPECT_EQ(check_pin(*pins[step - 1], obs), "") << print_op(op);
      });
  ASSERT_EQ(first.verdict, Verdict::Agree) << explain(first);
  ASSERT_EQ(first.skipped, 0u) << first.message;
  for (std::size_t i = 0; i < trace.steps.size(); ++i) {
    ASSERT_TRUE(pins[i].has_value()) << "step " << i + 1 << " was not observed";
    EXPECT_EQ(pins[i]->fds.has_value(), with_fds && !op_outputs(trace.steps[i].op).empty())
        << print_op(trace.steps[i].op);
    trace.steps[i].pin = pins[i];
  }

  const Trace reparsed = parse_ok(print_trace(trace));
  EXPECT_EQ(reparsed, trace);
  const TraceResult second = run(reparsed);
  ASSERT_EQ(second.verdict, Verdict::Agree) << explain(second) << print_trace(trace);
  EXPECT_EQ(second.steps_run, trace.steps.size());
}

TEST(PinKernel, PinOfARealRunRechecksClean) { expect_pin_of_rechecks_clean(false); }
TEST(PinKernel, PinOfARealRunWithFdsRechecksClean) { expect_pin_of_rechecks_clean(true); }

}  // namespace
}  // namespace pc
