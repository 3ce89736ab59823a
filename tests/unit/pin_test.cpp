// Pinned expectations: their text form (alone and under an op in a trace), check_pin's account
// of a mismatch, and what pin_of pins for each op kind.
#include "format/pin_check.h"
#include "vocab/pin.h"

#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "vocab/obs_fields.h"

namespace pc {

// gtest prints values through this; the text form is the readable one. (static: the other
// test files may bring their own printers into namespace pc.)
[[maybe_unused]] static void PrintTo(const Pin& p, std::ostream* os) { *os << "=> " << print_pin(p); }

namespace {

Pin pin_ok(std::string_view line) {
  auto parsed = parse_pin(line, "t.trace", 7);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << "unexpected parse error: " << err->to_string() << "\nin: " << line;
    return {};
  }
  return std::get<Pin>(std::move(parsed));
}

std::string pin_error(std::string_view line) {
  auto parsed = parse_pin(line, "t.trace", 7);
  if (auto* err = std::get_if<ParseError>(&parsed)) return err->to_string();
  ADD_FAILURE() << "expected a parse error for: " << line;
  return {};
}

std::string trace_error(std::string_view body) {
  const std::string text = "pollcheck-trace 1\nprofile linux\n" + std::string(body);
  auto parsed = parse_trace(text, "t.trace");
  if (auto* err = std::get_if<ParseError>(&parsed)) return err->to_string();
  ADD_FAILURE() << "expected a parse error for:\n" << text;
  return {};
}

// The pin printed, then parsed back as a "=>" line, is the same pin, and prints the same.
void expect_round_trip(const Pin& p) {
  const std::string text = "  => " + print_pin(p);
  const Pin back = pin_ok(text);
  EXPECT_EQ(back, p) << text;
  EXPECT_EQ("  => " + print_pin(back), text);
}

Pin ret_pin(std::int64_t ret) {
  Pin p;
  p.ret = ret;
  return p;
}

// ---- printing and round trips, one field kind at a time ----

TEST(PinFormat, PrintsNothingForAPinOfNoField) {
  EXPECT_EQ(print_pin(Pin{}), "");
  expect_round_trip(Pin{});
  EXPECT_EQ(pin_ok("=>"), Pin{});
}

TEST(PinFormat, Ret) {
  EXPECT_EQ(print_pin(ret_pin(1)), "ret=1");
  EXPECT_EQ(print_pin(ret_pin(-1)), "ret=-1");
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{65536}, INT64_MIN, INT64_MAX})
    expect_round_trip(ret_pin(v));
}

TEST(PinFormat, ErrByName) {
  Pin p;
  p.err = EAGAIN;
  EXPECT_EQ(print_pin(p), "err=EAGAIN");
  expect_round_trip(p);
  p.err = 0;  // fill stopped by a cap
  EXPECT_EQ(print_pin(p), "err=0");
  expect_round_trip(p);
  p.err = ENOTTY;  // every errno Linux defines has its name
  EXPECT_EQ(print_pin(p), "err=ENOTTY");
  expect_round_trip(p);
  p.err = 200;  // a value beyond them: a number, which reads back
  EXPECT_EQ(print_pin(p), "err=E200");
  expect_round_trip(p);
  EXPECT_EQ(errno_from_name("E5"), EIO);  // as older traces spelled errnos without a name
  for (int e : {EBADF, EINVAL, EPIPE, EEXIST, ENOENT, ENOTSOCK, EMFILE, ELOOP}) {
    p.err = e;
    expect_round_trip(p);
  }
}

TEST(PinFormat, Fds) {
  Pin p;
  p.fds = {3, 4};
  EXPECT_EQ(print_pin(p), "fds=[3,4]");
  expect_round_trip(p);
  p.fds = std::vector<int>{};
  EXPECT_EQ(print_pin(p), "fds=[]");
  expect_round_trip(p);
  p.fds = {-1, INT32_MAX, INT32_MIN};
  expect_round_trip(p);
}

TEST(PinFormat, DigestIsHex) {
  Pin p;
  p.digest = 0x1234;
  EXPECT_EQ(print_pin(p), "digest=0x1234");
  expect_round_trip(p);
  p.digest = 0;
  EXPECT_EQ(print_pin(p), "digest=0x0");
  expect_round_trip(p);
  p.digest = UINT64_MAX;
  EXPECT_EQ(print_pin(p), "digest=0xffffffffffffffff");
  expect_round_trip(p);
}

TEST(PinFormat, Writes) {
  Pin p;
  p.writes = 16;
  EXPECT_EQ(print_pin(p), "writes=16");
  expect_round_trip(p);
  p.writes = UINT32_MAX;
  expect_round_trip(p);
}

// The waiters that returned in a step: number, ret (errno when -1), then events as in events=.
TEST(PinFormat, WokeListsWaiterRetErrnoAndEvents) {
  Pin p;
  p.woke = {{0, 1, 0, {{EPOLLIN, 7}}}, {1, 2, 0, {{EPOLLIN, 1}, {EPOLLOUT, 2}}}, {2, -1, EINTR, {}}, {3, 0, 0, {}}};
  EXPECT_EQ(print_pin(p), "woke=[0:1@IN:7,1:2@IN:1+OUT:2,2:-1:EINTR,3:0]");
  expect_round_trip(p);
  p.woke = std::vector<WaiterObs>{};
  EXPECT_EQ(print_pin(p), "woke=[]");
  expect_round_trip(p);
}

TEST(PinFormat, EventsAreEpollMaskColonData) {
  Pin p;
  p.events = {{EPOLLIN | EPOLLOUT, 7}, {0, UINT64_MAX}, {EPOLLIN | 0x08000000u, 0}};
  EXPECT_EQ(print_pin(p), "events=[IN|OUT:7,0:18446744073709551615,IN|0x8000000:0]");
  expect_round_trip(p);
  p.events = std::vector<EpollEventObs>{};
  EXPECT_EQ(print_pin(p), "events=[]");
  expect_round_trip(p);
  p.events = {{EPOLLERR | EPOLLHUP | EPOLLRDHUP, 1}};
  EXPECT_EQ(print_pin(p), "events=[ERR|HUP|RDHUP:1]");
  expect_round_trip(p);
}

TEST(PinFormat, ReventsArePollMasks) {
  Pin p;
  p.revents = {POLLIN, 0, POLLNVAL, static_cast<std::uint16_t>(POLLOUT | POLLWRNORM), 0x8000};
  EXPECT_EQ(print_pin(p), "revents=[IN,0,NVAL,OUT|WRNORM,0x8000]");
  expect_round_trip(p);
  p.revents = std::vector<std::uint16_t>{};
  EXPECT_EQ(print_pin(p), "revents=[]");
  expect_round_trip(p);
}

TEST(PinFormat, CqesAreResUserDataFlagsDigest) {
  Pin p;
  p.cqes = {CqeObs{0, 7, 0, 0}, CqeObs{-125, 18446744073709551615ull, 2, 0},
            CqeObs{5, 100, 6, 0xabcull}};
  EXPECT_EQ(print_pin(p), "cqes=[0:7:0:0x0,-125:18446744073709551615:MORE:0x0,5:100:MORE|SOCK_NONEMPTY:0xabc]");
  expect_round_trip(p);
  p.cqes = std::vector<CqeObs>{};
  EXPECT_EQ(print_pin(p), "cqes=[]");
  expect_round_trip(p);
}

TEST(PinFormat, SelectSetsGoTogether) {
  Pin p;
  p.sets = {std::vector<int>{3}, std::vector<int>{}, std::vector<int>{5, 6}};
  EXPECT_EQ(print_pin(p), "rd=[3] wr=[] ex=[5,6]");
  expect_round_trip(p);
  p.sets = std::array<std::vector<int>, 3>{};
  EXPECT_EQ(print_pin(p), "rd=[] wr=[] ex=[]");
  expect_round_trip(p);
}

TEST(PinFormat, PrintsEveryFieldInPinOrder) {
  Pin p;
  p.sets = {std::vector<int>{3}, std::vector<int>{}, std::vector<int>{}};
  p.revents = {POLLOUT};
  p.events = {{EPOLLIN, 7}};
  p.writes = 2;
  p.digest = 1;
  p.fds = {3};
  p.err = EAGAIN;
  p.ret = 1;
  EXPECT_EQ(print_pin(p),
            "ret=1 err=EAGAIN fds=[3] digest=0x1 writes=2 events=[IN:7] revents=[OUT] rd=[3] wr=[] ex=[]");
  expect_round_trip(p);
}

TEST(PinFormat, AcceptsLooseInputAndPrintsItCanonically) {
  const Pin p = pin_ok("\t  =>   ex=[ ] events=[ IN|OUT:0x7 , 0|IN:0 ]  rd=[ 3,4 ] ret=1 wr=[]   digest=17 err=E11  ");
  EXPECT_EQ(print_pin(p), "ret=1 err=EAGAIN digest=0x11 events=[IN|OUT:7,IN:0] rd=[3,4] wr=[] ex=[]");
  EXPECT_EQ(print_pin(pin_ok("=>ret=0")), "ret=0");
}

// ---- pins in a trace ----

TEST(PinFormat, TraceRoundTripsWithPins) {
  Trace t;
  Pin wait;
  wait.ret = 1;
  wait.events = {{EPOLLIN, 7}};
  Pin failed;
  failed.ret = -1;
  failed.err = EAGAIN;
  t.steps = {Step{{"first"}, MakePipe{OutHandle{0}, OutHandle{1}}, ret_pin(0)},
             Step{{}, EpollWait{Handle{2}, 4}, wait},
             Step{{}, Close{Handle{5}}, std::nullopt},
             Step{{"empty pin"}, Read{Handle{0}, 8}, Pin{}},
             Step{{}, Read{Handle{0}, 8}, failed}};
  t.trailing_comments = {"end"};
  const std::string text = print_trace(t);
  EXPECT_EQ(text,
            "pollcheck-trace 1\n"
            "profile linux\n"
            "\n"
            "# first\n"
            "pipe rd=h0 wr=h1\n"
            "  => ret=0\n"
            "epoll_wait epfd=h2 maxevents=4\n"
            "  => ret=1 events=[IN:7]\n"
            "close fd=h5\n"
            "# empty pin\n"
            "read fd=h0 len=8\n"
            "  =>\n"
            "read fd=h0 len=8\n"
            "  => ret=-1 err=EAGAIN\n"
            "# end\n");
  auto back = parse_trace(text, "t.trace");
  ASSERT_TRUE(std::holds_alternative<Trace>(back)) << std::get<ParseError>(back).to_string();
  EXPECT_EQ(std::get<Trace>(back), t);
}

TEST(PinFormat, CanonicalTraceTextRoundTrips) {
  constexpr std::string_view kCanonical =
      "pollcheck-trace 1\n"
      "profile linux\n"
      "pipe rd=h0 wr=h1\n"
      "  => ret=0 fds=[3,4]\n"
      "write fd=h1 len=10 value=0\n"
      "  => ret=10\n"
      "# the read pins its data\n"
      "read fd=h0 len=100\n"
      "  => ret=10 digest=0x68c049cc200df6ac\n"
      "poll entries=[h0:IN,h1:OUT,-1:IN] over_limit=0\n"
      "  => ret=1 revents=[0,OUT,0]\n"
      "select rd=[h0] wr=[h1] ex=[] nfds=exact\n"
      "  => ret=1 rd=[] wr=[4] ex=[]\n"
      "fill fd=h1 len=4096 value=0\n"
      "  => ret=65536 err=EAGAIN writes=16\n"
      "close fd=h0\n";
  auto parsed = parse_trace(kCanonical, "t.trace");
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed)) << std::get<ParseError>(parsed).to_string();
  const Trace& t = std::get<Trace>(parsed);
  ASSERT_EQ(t.steps.size(), 7u);
  EXPECT_EQ(t.steps[2].comments, std::vector<std::string>{"the read pins its data"});
  ASSERT_TRUE(t.steps[5].pin.has_value());
  EXPECT_EQ(t.steps[5].pin->writes, 16u);
  EXPECT_FALSE(t.steps[6].pin.has_value());
  EXPECT_EQ(print_trace(t), kCanonical);
}

// ---- parse errors: where, and what was expected ----

TEST(PinFormat, ArrowLineNeedsTheOpJustAboveIt) {
  EXPECT_EQ(trace_error("=> ret=0\n"),
            "t.trace:3:1: expected an op on the line just above this '=>' line (a pin belongs to "
            "the op it follows)");
  EXPECT_EQ(trace_error("# header comment\n  => ret=0\nclose fd=h0\n"),
            "t.trace:4:3: expected an op on the line just above this '=>' line (a pin belongs to "
            "the op it follows)");
  EXPECT_EQ(trace_error("close fd=h0\n# a comment between\n  => ret=0\n"),
            "t.trace:5:3: expected an op on the line just above this '=>' line (a pin belongs to "
            "the op it follows)");
  EXPECT_EQ(trace_error("close fd=h0\n\n  => ret=0\n"),
            "t.trace:5:3: expected an op on the line just above this '=>' line (a pin belongs to "
            "the op it follows)");
}

TEST(PinFormat, SecondArrowLineForOneOpIsAnError) {
  EXPECT_EQ(trace_error("close fd=h0\n  => ret=0\n\t=> err=EBADF\n"),
            "t.trace:5:2: expected one '=>' line per op, and the op on line 3 already has one");
}

TEST(PinFormat, ErrorsInAPinLineCarryTheTraceLine) {
  EXPECT_EQ(trace_error("close fd=h0\n  => ret=0 foo=1\n"),
            "t.trace:4:12: unknown pin field \"foo\" (fields: ret, err, fds, digest, writes, "
            "events, revents, sq, cq, cqes, early, rd, wr, ex, woke)");
  EXPECT_EQ(trace_error("pipe rd=h0 wr=h1\n  => ret=0\nclose fd=h0\n  => ret=zero\n"),
            "t.trace:6:10: expected an integer, got \"zero\"");
}

struct BadPin {
  std::string_view line;
  std::string_view error;
};

TEST(PinFormat, ReportsWhereAndWhatWasExpected) {
  const BadPin cases[] = {
      {"ret=1", "t.trace:7:1: expected a pin line like '=> ret=1', got \"ret=1\""},
      {"  => foo=1", "t.trace:7:6: unknown pin field \"foo\" (fields: ret, err, fds, digest, "
                     "writes, events, revents, sq, cq, cqes, early, rd, wr, ex, woke)"},
      {"  => timeout=0", "t.trace:7:6: unknown pin field \"timeout\" (fields: ret, err, fds, "
                         "digest, writes, events, revents, sq, cq, cqes, early, rd, wr, ex, woke)"},
      {"  => ret=0 ret=1", "t.trace:7:12: duplicate pin field \"ret\""},
      {"  => cqes=[0:7]", "t.trace:7:12: expected a CQE like -125:5:MORE:0x0 (res:user_data:flags:digest), got \"0:7\""},
      {"  => cqes=[0:7:LESS:0x0]", "t.trace:7:16: expected CQE flag names like BUFFER|SOCK_NONEMPTY, 0 or a 0x hex number, got \"LESS\""},
      {"  => ret", "t.trace:7:6: expected field=value, got \"ret\""},
      {"  => =1", "t.trace:7:6: expected a field name before '='"},
      {"  => ret=0 # why", "t.trace:7:12: a comment must be on a line of its own"},
      {"  => ret=x", "t.trace:7:10: expected an integer, got \"x\""},
      {"  => ret=", "t.trace:7:10: expected an integer, got \"\""},
      {"  => ret=9223372036854775808",
       "t.trace:7:10: value out of range: \"9223372036854775808\" (expected "
       "-9223372036854775808..9223372036854775807)"},
      {"  => err=EWHAT", "t.trace:7:10: expected an errno name like EAGAIN, E<number> or 0, got \"EWHAT\""},
      {"  => err=11", "t.trace:7:10: expected an errno name like EAGAIN, E<number> or 0, got \"11\""},
      {"  => fds=3", "t.trace:7:10: expected a list like [3,4], got \"3\""},
      {"  => fds=[3", "t.trace:7:10: missing ']' to close the list"},
      {"  => fds=[3]x", "t.trace:7:13: expected a blank after ']', got \"x\""},
      {"  => fds=[3, x]", "t.trace:7:14: expected an integer, got \"x\""},
      {"  => digest=0xzz",
       "t.trace:7:13: expected an unsigned integer (decimal or 0x hex), got \"0xzz\""},
      {"  => writes=-1",
       "t.trace:7:13: expected an unsigned integer (decimal or 0x hex), got \"-1\""},
      {"  => events=[IN]", "t.trace:7:14: expected an event like IN|OUT:7, got \"IN\""},
      {"  => events=[IN:7, IN|FOO:1]",
       "t.trace:7:23: expected epoll event names like IN|OUT, 0 or a 0x hex number, got \"FOO\""},
      {"  => events=[IN:x]",
       "t.trace:7:17: expected an unsigned integer (decimal or 0x hex), got \"x\""},
      {"  => revents=[IN,ET]",
       "t.trace:7:18: expected poll event names like IN|OUT, 0 or a 0x hex number, got \"ET\""},
      {"  => revents=[0x10000]",
       "t.trace:7:15: value out of range: \"0x10000\" (poll masks are 16 bits)"},
      {"  => rd=[3] wr=[]",
       "t.trace:7:18: expected rd=, wr= and ex= together (the select sets), missing \"ex\""},
      {"  => ret=1 ex=[]  ",
       "t.trace:7:17: expected rd=, wr= and ex= together (the select sets), missing \"rd\""},
      {"  => rd=[3] wr=[] ex=[] rd=[]", "t.trace:7:25: duplicate pin field \"rd\""},
      {"  => woke=[0]",
       "t.trace:7:12: expected a waiter like 0:1@IN:0 or 1:-1:EINTR, got \"0\""},
      {"  => woke=[0:1:EBOGUS]",
       "t.trace:7:16: expected an errno name like EAGAIN, E<number> or 0, got \"EBOGUS\""},
      {"  => woke=[0:1@IN]",
       "t.trace:7:16: expected an event like IN|OUT:7, got \"IN\""},
  };
  for (const BadPin& c : cases) EXPECT_EQ(pin_error(c.line), c.error) << c.line;
}

// ---- check_pin ----

TEST(CheckPin, AgreesWhenEveryPinnedFieldMatches) {
  Observation obs;
  obs.ret = -1;
  obs.err = EAGAIN;
  EXPECT_EQ(check_pin(Pin{}, obs), "");
  Pin p = ret_pin(-1);
  EXPECT_EQ(check_pin(p, obs), "");
  p.err = EAGAIN;
  EXPECT_EQ(check_pin(p, obs), "");
  // Fields the pin leaves out are not checked.
  obs.events = {{EPOLLIN, 1}};
  obs.timeout_left_us = 5;
  EXPECT_EQ(check_pin(p, obs), "");
}

TEST(CheckPin, NamesTheDifferingFieldWithBothValues) {
  Observation obs;
  obs.ret = 2;
  EXPECT_EQ(check_pin(ret_pin(1), obs), "pinned ret: 1, observed 2");

  Pin p;
  p.err = EAGAIN;
  obs.ret = -1;
  obs.err = EBADF;
  EXPECT_EQ(check_pin(p, obs), "pinned err: EAGAIN, observed EBADF");

  p = Pin{};
  p.fds = {3, 4};
  obs.fds = {5, 6};
  EXPECT_EQ(check_pin(p, obs), "pinned fds: [3,4], observed [5,6]");

  p = Pin{};
  p.digest = 0x1234;
  EXPECT_EQ(check_pin(p, obs), "pinned digest: 0x1234, observed 0x0");

  p = Pin{};
  p.writes = 16;
  obs.writes = 15;
  EXPECT_EQ(check_pin(p, obs), "pinned writes: 16, observed 15");

  p = Pin{};
  p.events = {{EPOLLIN | EPOLLOUT, 7}};
  EXPECT_EQ(check_pin(p, obs), "pinned events: [IN|OUT:7], observed []");

  p = Pin{};
  p.revents = {POLLIN, 0};
  obs.revents = {POLLOUT, POLLNVAL};
  EXPECT_EQ(check_pin(p, obs), "pinned revents: [IN,0], observed [OUT,NVAL]");

  p = Pin{};
  p.sets = {std::vector<int>{3}, std::vector<int>{4}, std::vector<int>{}};
  obs.sets = {std::vector<int>{}, std::vector<int>{4}, std::vector<int>{5}};
  EXPECT_EQ(check_pin(p, obs), "pinned rd: [3], observed []; pinned ex: [], observed [5]");
}

TEST(CheckPin, NamesEveryDifferingField) {
  Observation obs;
  obs.ret = 0;
  obs.events = {};
  Pin p;
  p.ret = 1;
  p.err = 0;
  p.events = {{EPOLLIN, 7}};
  EXPECT_EQ(check_pin(p, obs), "pinned ret: 1, observed 0; pinned events: [IN:7], observed []");
}

// ---- pin_of ----

Observation made(std::vector<int> fds) {
  Observation o;
  o.fds = std::move(fds);
  return o;
}

Observation failed(int err) {
  Observation o;
  o.ret = -1;
  o.err = err;
  return o;
}

Observation returned(std::int64_t ret) {
  Observation o;
  o.ret = ret;
  return o;
}

// pin_of's text, and that what it pins is what it was taken from.
std::string pinned(const Op& op, const Observation& obs, bool with_fds = false) {
  const Pin p = pin_of(op, obs, with_fds);
  EXPECT_EQ(check_pin(p, obs), "") << print_op(op);
  return print_pin(p);
}

TEST(PinOf, CreatorsPinRetAndFdsOnlyWithFds) {
  const Op creators[] = {MakePipe{OutHandle{0}, OutHandle{1}},
                         MakeSocketPair{SockType::Dgram, OutHandle{0}, OutHandle{1}},
                         MakeEventFd{false, OutHandle{0}},
                         MakeRegularFile{OutHandle{0}},
                         EpollCreate1{0, OutHandle{0}},
                         EpollCreate{1, OutHandle{0}}};
  for (const Op& op : creators) {
    const Observation obs = made(op_outputs(op).size() == 2 ? std::vector<int>{3, 4} : std::vector<int>{3});
    EXPECT_EQ(pinned(op, obs), "ret=0") << print_op(op);
    EXPECT_EQ(pinned(op, obs, true), op_outputs(op).size() == 2 ? "ret=0 fds=[3,4]" : "ret=0 fds=[3]")
        << print_op(op);
  }
  EXPECT_EQ(pinned(EpollCreate{0, OutHandle{0}}, failed(EINVAL)), "ret=-1 err=EINVAL");
  EXPECT_EQ(pinned(EpollCreate1{1, OutHandle{0}}, failed(EINVAL), true), "ret=-1 err=EINVAL fds=[]");
}

TEST(PinOf, DupPinsRetAndErrAndFdsOnlyWithFds) {
  const Op dup = Dup{Handle{0}, OutHandle{1}};
  EXPECT_EQ(pinned(dup, made({7})), "ret=0");
  EXPECT_EQ(pinned(dup, made({7}), true), "ret=0 fds=[7]");
  EXPECT_EQ(pinned(dup, failed(EBADF)), "ret=-1 err=EBADF");
}

TEST(PinOf, CloseShutdownEpollCtlPinRetAndErr) {
  const Op ops[] = {Close{Handle{0}}, Shutdown{Handle{0}, ShutHow::Wr},
                    EpollCtl{Handle{0}, CtlOp::Add, Handle{1}, EpollMask{EPOLLIN}, 7}};
  for (const Op& op : ops) {
    EXPECT_EQ(pinned(op, returned(0)), "ret=0") << print_op(op);
    EXPECT_EQ(pinned(op, returned(0), true), "ret=0") << print_op(op);
    EXPECT_EQ(pinned(op, failed(EBADF)), "ret=-1 err=EBADF") << print_op(op);
  }
}

TEST(PinOf, WriteAndReadPinRetErrAndTheDataRead) {
  EXPECT_EQ(pinned(Write{Handle{1}, 10, 0}, returned(10)), "ret=10");
  EXPECT_EQ(pinned(Write{Handle{1}, 10, 0}, failed(EPIPE)), "ret=-1 err=EPIPE");
  Observation read = returned(10);
  read.digest = 0x68c049cc200df6acull;
  EXPECT_EQ(pinned(Read{Handle{0}, 100}, read), "ret=10 digest=0x68c049cc200df6ac");
  Observation eof = returned(0);
  eof.digest = 0xcbf29ce484222325ull;  // FNV-1a of nothing
  EXPECT_EQ(pinned(Read{Handle{0}, 100}, eof), "ret=0 digest=0xcbf29ce484222325");
  EXPECT_EQ(pinned(Read{Handle{0}, 100}, failed(EAGAIN)), "ret=-1 err=EAGAIN");
}

TEST(PinOf, FillPinsRetWritesAndTheErrnoThatStoppedIt) {
  Observation full = returned(65536);
  full.writes = 16;
  full.err = EAGAIN;
  EXPECT_EQ(pinned(FillWrite{Handle{1}, 4096, 0}, full), "ret=65536 err=EAGAIN writes=16");
  Observation capped = returned(1 << 20);
  capped.writes = 256;  // a cap ended it: no errno
  EXPECT_EQ(pinned(FillWrite{Handle{1}, 4096, 0}, capped), "ret=1048576 err=0 writes=256");
}

TEST(PinOf, EpollWaitPinsEvents) {
  Observation obs = returned(2);
  obs.events = {{EPOLLIN, 7}, {EPOLLOUT | EPOLLHUP, 8}};
  EXPECT_EQ(pinned(EpollWait{Handle{2}, 4}, obs), "ret=2 events=[IN:7,OUT|HUP:8]");
  EXPECT_EQ(pinned(EpollWait{Handle{2}, 4}, returned(0)), "ret=0 events=[]");
  EXPECT_EQ(pinned(EpollWait{Handle{2}, 0}, failed(EINVAL)), "ret=-1 err=EINVAL");
}

TEST(PinOf, PollPinsReventsButNotClobbered) {
  Observation obs = returned(1);
  obs.revents = {0, POLLOUT, 0};
  obs.clobbered = 1;
  const Op poll = Poll{{PollEntry{PollTarget{0}, PollMask{POLLIN}}, PollEntry{PollTarget{1}, PollMask{POLLOUT}},
                        PollEntry{PollTarget{-1}, PollMask{POLLIN}}},
                       0};
  EXPECT_EQ(pinned(poll, obs), "ret=1 revents=[0,OUT,0]");
  Observation bad = failed(EINVAL);
  bad.revents = {0, 0, 0};
  EXPECT_EQ(pinned(poll, bad), "ret=-1 err=EINVAL");
}

TEST(PinOf, SelectPinsTheSetsButNotTheTimeout) {
  Observation obs = returned(1);
  obs.sets = {std::vector<int>{}, std::vector<int>{4}, std::vector<int>{}};
  obs.timeout_left_us = 0;
  const Op select = Select{{Handle{0}}, {Handle{1}}, {}, Nfds{}};
  EXPECT_EQ(pinned(select, obs), "ret=1 rd=[] wr=[4] ex=[]");
  EXPECT_EQ(pinned(select, failed(EBADF)), "ret=-1 err=EBADF");
}

}  // namespace pc

// ---- every op kind: pin_of keeps every field the op's observation fills ----

// An observation with every field away from its default, so that a dropped field shows.
Observation everything_set(std::int64_t ret) {
  Observation o;
  o.ret = ret;
  o.err = ret == -1 ? EINVAL : 0;
  o.fds = {3, 4};
  o.digest = 0x1234;
  o.writes = 7;
  o.events = {{EPOLLIN, 9}};
  o.revents = {POLLOUT};
  o.sets = {std::vector<int>{3}, std::vector<int>{4}, std::vector<int>{}};
  o.sq_entries = 4;
  o.cq_entries = 8;
  o.cqes = {{0, 1, 0, 0}};
  o.early = true;
  o.woke = {{0, 1, 0, {{EPOLLIN, 9}}}};
  return o;
}

// Each field of the table, and how to change it so that a pin that kept it must object.
struct FieldChange {
  ObsField field;
  void (*change)(Observation&);
};
constexpr FieldChange kFieldChanges[] = {
    {kObsFds, [](Observation& o) { o.fds = {5}; }},
    {kObsDigest, [](Observation& o) { ++o.digest; }},
    {kObsWrites, [](Observation& o) { ++o.writes; }},
    {kObsEvents, [](Observation& o) { o.events[0].data++; }},
    {kObsRevents, [](Observation& o) { o.revents[0] = POLLIN; }},
    {kObsSets, [](Observation& o) { o.sets[2] = {5}; }},
    {kObsRing, [](Observation& o) { ++o.cq_entries; }},
    {kObsCqes, [](Observation& o) { o.cqes[0].res = -1; }},
    {kObsEarly, [](Observation& o) { o.early = false; }},
};

template <std::size_t... I>
std::vector<Op> one_of_each_op(std::index_sequence<I...>) {
  return {Op{std::in_place_index<I>}...};
}

TEST(PinOf, EveryOpKindKeepsEveryFieldItsObservationFills) {
  std::vector<Op> ops = one_of_each_op(std::make_index_sequence<std::variant_size_v<Op>>{});
  for (WaitApi api : {WaitApi::Poll, WaitApi::Uring}) ops.push_back(TimedWait{api, Handle{0}, 1, PollMask{}});
  for (const Op& op : ops) {
    const ObsFields fills = observed_fields(op);
    for (std::int64_t ret : {1, -1}) {
      const Observation obs = everything_set(ret);
      const Pin pin = pin_of(op, obs, /*with_fds=*/true);
      SCOPED_TRACE(fmt::format("{} ret={} pin: {}", print_op(op), ret, print_pin(pin)));
      EXPECT_EQ(check_pin(pin, obs), "");
      // The text form carries it all: what is printed parses back to the same pin.
      const auto parsed = parse_pin("=> " + print_pin(pin));
      ASSERT_TRUE(std::holds_alternative<Pin>(parsed));
      EXPECT_EQ(std::get<Pin>(parsed), pin);
      // ret and the waiters that returned are every op's; err is a failed op's (or, where the
      // table says so, every outcome's).
      Observation other = obs;
      other.ret = ret + 1;
      EXPECT_NE(check_pin(pin, other), "");
      other = obs;
      other.err = EBADF;
      EXPECT_EQ(check_pin(pin, other).empty(), ret != -1 && !fills.has(kObsAlways));
      other = obs;
      other.woke.clear();
      EXPECT_NE(check_pin(pin, other), "");
      // Every field of the op's table is kept on success, and on failure where the table says
      // the op's fields always mean something (fds: always, with_fds).
      for (const FieldChange& c : kFieldChanges) {
        if (!fills.has(c.field)) continue;
        const bool kept = ret != -1 || fills.has(kObsAlways) || c.field == kObsFds;
        other = obs;
        c.change(other);
        EXPECT_EQ(check_pin(pin, other).empty(), !kept) << "field bit " << c.field;
      }
    }
  }
}

}  // namespace

namespace pc {
namespace {

// A cqes pin fixes which CQEs come; the order is the oracle's (which has admitted the observed
// one before the pin is checked).
TEST(PinCheck, CqesPinnedInAnotherOrderAreTheSameCqes) {
  Observation obs;
  obs.ret = 2;
  obs.cqes = {CqeObs{0, 2, 0, 0}, CqeObs{4, 1, 0, 0}};
  Pin p;
  p.cqes = std::vector<CqeObs>{CqeObs{4, 1, 0, 0}, CqeObs{0, 2, 0, 0}};
  EXPECT_NE(check_pin(p, obs), "") << "checked as written, the order counts";
  EXPECT_EQ(check_pin(cqes_in_observed_order(p, obs), obs), "");
  Pin other;
  other.cqes = std::vector<CqeObs>{CqeObs{4, 1, 0, 0}, CqeObs{0, 3, 0, 0}};
  EXPECT_NE(check_pin(cqes_in_observed_order(other, obs), obs), "") << "other CQEs still differ";
  Pin fewer;
  fewer.cqes = std::vector<CqeObs>{CqeObs{4, 1, 0, 0}};
  EXPECT_NE(check_pin(cqes_in_observed_order(fewer, obs), obs), "");
}

}  // namespace
}  // namespace pc
