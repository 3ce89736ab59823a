#include "format/trace_format.h"

#include <sys/epoll.h>
#include <poll.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <gtest/gtest.h>

namespace pc {

// gtest prints values through these; the text format is the readable form.
void PrintTo(const Trace& t, std::ostream* os) { *os << "\n" << print_trace(t); }
void PrintTo(const Op& op, std::ostream* os) { *os << print_op(op); }

namespace {

Trace parse_ok(std::string_view text) {
  auto parsed = parse_trace(text, "t.trace");
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << "unexpected parse error: " << err->to_string() << "\nin:\n" << text;
    return {};
  }
  return std::get<Trace>(std::move(parsed));
}

ParseError parse_err(std::string_view text) {
  auto parsed = parse_trace(text, "t.trace");
  if (auto* err = std::get_if<ParseError>(&parsed)) return *err;
  ADD_FAILURE() << "expected a parse error for:\n" << text;
  return {};
}

void expect_round_trip(const Trace& t) {
  const std::string text = print_trace(t);
  const Trace back = parse_ok(text);
  EXPECT_EQ(back, t) << text;
  EXPECT_EQ(print_trace(back), text);
}

Step step(Op op, std::vector<std::string> comments = {}) { return Step{std::move(comments), std::move(op), std::nullopt}; }

// Every op kind, with field values at and away from their edges.
Trace every_op_trace() {
  Trace t;
  t.profile = Profile::Doc;
  t.kernel = "6.18.44-custom #1 SMP";
  t.comments = {"seed 1234", "", "  indented", "#hash", "trailing space "};
  t.steps = {
      step(MakePipe{OutHandle{0}, OutHandle{1}}, {"first op's comment"}),
      step(MakeSocketPair{SockType::Stream, OutHandle{2}, OutHandle{3}}),
      step(MakeSocketPair{SockType::Dgram, OutHandle{4}, OutHandle{5}}),
      step(MakeSocketPair{SockType::Seqpacket, OutHandle{6}, OutHandle{7}}),
      step(MakeSocketPair{SockType::Tcp, OutHandle{2}, OutHandle{3}}),
      step(MakeSocketPair{SockType::Udp, OutHandle{4}, OutHandle{5}}),
      step(MakeEventFd{true, OutHandle{7}}),
      step(MakeEventFd{false, OutHandle{15}}),
      step(MakeRegularFile{OutHandle{8}}, {"a", "b"}),
      step(EpollCreate1{0x80000, OutHandle{9}}),
      step(EpollCreate1{UINT32_MAX, OutHandle{10}}),
      step(EpollCreate{0, OutHandle{11}}),
      step(EpollCreate{INT32_MIN, OutHandle{12}}),
      step(Dup{Handle{0}, OutHandle{13}}),
      step(DupFd{Handle{0}, 1024, OutHandle{13}}),
      step(DupFd{Handle{1}, INT32_MIN, OutHandle{14}}),
      step(Close{Handle{14}}),
      step(Write{Handle{1}, 100, 0}),
      step(Write{Handle{7}, 8, UINT64_MAX}),
      step(FillWrite{Handle{3}, 65536, 0x0102030405060708ull}),
      step(Read{Handle{0}, 0}),
      step(Read{Handle{2}, UINT32_MAX}),
      step(Recv{Handle{2}, 1, true}),
      step(Recv{Handle{3}, UINT32_MAX, false}),
      step(Shutdown{Handle{2}, ShutHow::Rd}),
      step(TcpListen{OutHandle{10}}),
      step(TcpConnect{Handle{10}, OutHandle{11}}),
      step(Accept{Handle{10}, OutHandle{12}}),
      step(LingerZero{Handle{11}}),
      step(SoError{Handle{12}}),
      step(Shutdown{Handle{3}, ShutHow::Wr}),
      step(Shutdown{Handle{4}, ShutHow::RdWr}),
      step(Shutdown{Handle{5}, ShutHow::Invalid}),
      step(EpollCtl{Handle{9}, CtlOp::Add, Handle{0}, EpollMask{EPOLLIN | EPOLLET}, 7}),
      step(EpollCtl{Handle{9}, CtlOp::Mod, Handle{0}, EpollMask{0}, UINT64_MAX}),
      step(EpollCtl{Handle{9}, CtlOp::Del, Handle{1}, EpollMask{0xffffffffu}, 0}),
      step(EpollCtl{Handle{9}, CtlOp::Invalid, Handle{9}, EpollMask{EPOLLOUT | 0x08000000u}, 1}),
      step(EpollWait{Handle{9}, 4}),
      step(EpollWait{Handle{9}, -1}),
      step(EpollWait{Handle{9}, INT32_MAX}),
      step(Poll{{}, 0}),
      step(Poll{{PollEntry{PollTarget{0}, PollMask{POLLIN | POLLOUT}},
                 PollEntry{PollTarget{-1}, PollMask{POLLIN}},
                 PollEntry{PollTarget{-128}, PollMask{0}},
                 PollEntry{PollTarget{15}, PollMask{0xffff}},
                 PollEntry{PollTarget{3}, PollMask{static_cast<std::uint16_t>(POLLRDHUP | 0x8000)}}},
                -5}),
      step(Select{{}, {}, {}, Nfds{true, 0}}),
      step(Select{{Handle{0}, Handle{1}}, {Handle{15}}, {Handle{0}, Handle{0}}, Nfds{true, 3}}),
      step(Select{{Handle{2}}, {}, {}, Nfds{true, -1}}),
      step(Select{{}, {Handle{1}}, {}, Nfds{true, INT32_MIN}}),
      step(Select{{}, {}, {Handle{1}}, Nfds{false, -1}}),
      step(Select{{}, {}, {}, Nfds{false, INT32_MAX}}),
      step(UringSetup{0, UringSetupMask{(1u << 3) | (1u << 13) | (1u << 20)}, 2, OutHandle{15}}),
      step(UringPrep{Handle{15}, UringOpcode::PollUpdate, Handle{3}, 600000, PollMask{POLLIN | POLLRDHUP},
                     ~std::uint64_t{0}, 5, 6, SqeFlagMask{(1u << 2) | 0x80}, UringOpFlags{0x3f}}),
      step(UringPrep{Handle{0}, UringOpcode::LinkTimeout, Handle{0}, 0, PollMask{0}, 0, 0, 0, SqeFlagMask{0},
                     UringOpFlags{0}}),
      step(UringSubmit{Handle{1}}),
      step(UringReap{Handle{2}, 7}),
      step(Waiters{WaitApi::Poll, Handle{3}, 4, -2, PollMask{POLLIN | POLLRDHUP}}),
      step(Waiters{WaitApi::Uring, Handle{15}, 0, 1, PollMask{0}}),
      step(JoinWaiters{}),
      step(SendOob{Handle{4}, 0}),
      step(RecvOob{Handle{15}}),
      step(Fanout{FanoutMode::Select, Handle{1}, Handle{2}, 4000, EpollMask{EPOLLIN | EPOLLET}, -3}),
      step(TimedWait{WaitApi::Epoll, Handle{2}, 4000000000u, PollMask{0xffff}}),
      step(MakeEventFd{false, OutHandle{3}, 0xffffffffu}),
      step(MakeFifo{OutHandle{14}, OutHandle{15}, FifoOpen::Reader}),
  };
  t.trailing_comments = {"the end", ""};
  return t;
}

TEST(TraceFormat, RoundTripsEveryOpKind) {
  const Trace t = every_op_trace();
  std::set<std::size_t> kinds;
  for (const Step& s : t.steps) kinds.insert(s.op.index());
  EXPECT_EQ(kinds.size(), std::variant_size_v<Op>) << "the trace should hold every op kind";
  expect_round_trip(t);
}

TEST(TraceFormat, RoundTripsCommentPlacement) {
  Trace t;
  expect_round_trip(t);  // header only

  t.comments = {"header"};
  expect_round_trip(t);

  t.trailing_comments = {"trailing"};
  expect_round_trip(t);  // no ops: header and trailing comments stay apart

  t.comments.clear();
  expect_round_trip(t);  // no ops, trailing comments only

  t.trailing_comments.clear();
  t.steps = {step(Close{Handle{0}}, {"on the first op"})};
  expect_round_trip(t);  // first op's comments are not header comments

  t.comments = {"header"};
  t.steps.push_back(step(Close{Handle{1}}, {"on the second op"}));
  t.trailing_comments = {"trailing"};
  expect_round_trip(t);
}

TEST(TraceFormat, PrintsOneOpPerLine) {
  EXPECT_EQ(print_op(EpollCtl{Handle{2}, CtlOp::Add, Handle{0}, EpollMask{EPOLLIN | EPOLLET}, 7}),
            "epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7");
  EXPECT_EQ(print_op(Poll{{PollEntry{PollTarget{0}, PollMask{POLLIN | POLLOUT}},
                           PollEntry{PollTarget{-1}, PollMask{POLLIN}},
                           PollEntry{PollTarget{3}, PollMask{0}}},
                          0}),
            "poll entries=[h0:IN|OUT,-1:IN,h3:0] over_limit=0");
  EXPECT_EQ(print_op(EpollCtl{Handle{1}, CtlOp::Mod, Handle{0}, EpollMask{EPOLLIN | 0x08000000u}, 0}),
            "epoll_ctl epfd=h1 op=mod fd=h0 events=IN|0x8000000 data=0");
  EXPECT_EQ(print_op(Select{{}, {}, {}, Nfds{true, -2}}), "select rd=[] wr=[] ex=[] nfds=exact-2");
  EXPECT_EQ(print_op(Select{{}, {}, {}, Nfds{false, 5}}), "select rd=[] wr=[] ex=[] nfds=5");
}

constexpr std::string_view kCanonical =
    "pollcheck-trace 1\n"
    "profile linux\n"
    "kernel 6.18.44\n"
    "# a comment line (header comments come right after the header lines)\n"
    "pipe rd=h0 wr=h1\n"
    "# comments above an op belong to that op\n"
    "write fd=h1 len=100 value=0\n"
    "epoll_create1 flags=0 out=h2\n"
    "epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7\n"
    "epoll_wait epfd=h2 maxevents=4\n"
    "poll entries=[h0:IN|OUT,-1:IN,h3:0] over_limit=0\n"
    "select rd=[h0,h1] wr=[] ex=[h2] nfds=exact\n"
    "socketpair type=stream a=h3 b=h4\n"
    "eventfd semaphore=false out=h5\n"
    "shutdown fd=h3 how=wr\n"
    "# trailing comments at the end belong to the trace\n";

TEST(TraceFormat, CanonicalTextRoundTrips) {
  const Trace t = parse_ok(kCanonical);
  EXPECT_EQ(print_trace(t), kCanonical);
  EXPECT_EQ(t.kernel, "6.18.44");
  EXPECT_EQ(t.comments, std::vector<std::string>{
                            "a comment line (header comments come right after the header lines)"});
  ASSERT_EQ(t.steps.size(), 10u);
  EXPECT_TRUE(t.steps[0].comments.empty());
  EXPECT_EQ(t.steps[1].comments, std::vector<std::string>{"comments above an op belong to that op"});
  EXPECT_EQ(std::get<EpollCtl>(t.steps[3].op).events.bits, std::uint32_t{EPOLLIN | EPOLLET});
  EXPECT_EQ(std::get<Poll>(t.steps[5].op).entries[1].target.value, -1);
  EXPECT_EQ(t.trailing_comments,
            std::vector<std::string>{"trailing comments at the end belong to the trace"});
}

// A finding carries its divergence and its mutant as header lines, not as prose in comments.
TEST(TraceFormat, FindingAndMutantHeaderLinesRoundTrip) {
  const Trace t = parse_ok(
      "pollcheck-trace 1\nprofile linux\nkernel 6.18.44\nmutant lt-lost\n"
      "finding step=2 op=epoll_wait rule=EP-LT fields=ret+events\n# why\n"
      "pipe rd=h0 wr=h1\nepoll_wait epfd=h0 maxevents=1\n");
  EXPECT_EQ(t.mutant, "lt-lost");
  ASSERT_TRUE(t.finding.has_value());
  EXPECT_EQ(t.finding->step, 2u);
  EXPECT_EQ(t.finding->signature, (Signature{"epoll_wait", "EP-LT", "ret+events"}));
  expect_round_trip(t);
  Trace no_rule = t;
  no_rule.finding->signature.rule.clear();
  EXPECT_NE(print_trace(no_rule).find("rule=- "), std::string::npos);
  expect_round_trip(no_rule);
}

// A field added after traces were saved is optional: left out, it keeps the default, and at the
// default it is not printed, so older traces read and print as they did.
TEST(TraceFormat, OptionalFieldsMayBeLeftOutAndArePrintedOnlyAwayFromTheirDefault) {
  const auto old = parse_op("eventfd semaphore=false out=h2");
  ASSERT_TRUE(std::holds_alternative<Op>(old));
  EXPECT_EQ(std::get<MakeEventFd>(std::get<Op>(old)).initval, 0u);
  EXPECT_EQ(print_op(std::get<Op>(old)), "eventfd semaphore=false out=h2");
  EXPECT_EQ(print_op(MakeEventFd{true, OutHandle{2}, 5}), "eventfd semaphore=true out=h2 initval=5");
}

TEST(TraceFormat, AnOpThatBindsOneSlotTwiceIsRefused) {
  EXPECT_EQ(parse_err("pollcheck-trace 1\nprofile linux\nsocketpair type=stream a=h3 b=h3\n").to_string(),
            "t.trace:3:31: h3 is bound by another field of this socketpair already: each descriptor "
            "it makes needs its own slot");
}

TEST(TraceFormat, MalformedFindingLinesSayWhatWasExpected) {
  EXPECT_EQ(parse_err("pollcheck-trace 1\nprofile linux\nfinding step=0 op=x rule=- fields=ret\n").to_string(),
            "t.trace:3:14: expected a step number from 1, got \"0\"");
  EXPECT_EQ(parse_err("pollcheck-trace 1\nprofile linux\nfinding step=1 op=x\n").to_string(),
            "t.trace:3:1: expected 'finding step=N op=OP rule=RULE fields=F+G' (rule=- when none), "
            "got \"finding step=1 op=x\"");
  EXPECT_EQ(parse_err("pollcheck-trace 1\nprofile linux\nmutant a b\n").to_string(),
            "t.trace:3:1: expected 'mutant NAME', got \"mutant a b\"");
  // Out of place, they are header lines all the same.
  EXPECT_EQ(parse_err("pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\nmutant x\n").line, 4);
}

// The descriptors the harness held when a sequence ran: a reproducer holds the same numbers.
TEST(TraceFormat, HeldDescriptorsRoundTripAndRefuseWhatIsNoList) {
  const Trace t = parse_ok(
      "pollcheck-trace 1\nprofile linux\nkernel 4.4.0\nfinding step=1 op=select rule=SE-NFDS fields=rd\n"
      "held 3,4,7\npipe rd=h0 wr=h1\n");
  EXPECT_EQ(t.held, (std::vector<int>{3, 4, 7}));
  EXPECT_NE(print_trace(t).find("\nheld 3,4,7\n"), std::string::npos);
  expect_round_trip(t);
  EXPECT_TRUE(parse_ok("pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\n").held.empty());
  for (const char* bad : {"held 2,3", "held 4,3", "held 3,,4", "held x", "held 3 4"})
    EXPECT_EQ(parse_err(std::string("pollcheck-trace 1\nprofile linux\n") + bad + "\n").to_string().rfind(
                  "t.trace:3:", 0),
              0u)
        << bad;
  EXPECT_NE(parse_err("pollcheck-trace 1\nprofile linux\nheld 4,3\n").to_string().find(
                "expected 'held FD,FD,...' (descriptors above 2, rising)"),
            std::string::npos);
}

TEST(TraceFormat, AcceptsLooseInputAndPrintsItCanonically) {
  const Trace t = parse_ok(
      "pollcheck-trace 1\r\n"
      "profile   doc\r\n"
      "#no space\r\n"
      "\r\n"
      "   # indented comment goes to the first op\n"
      "\n"
      "  write value=0x10 len=3 fd=h1   \n"
      "select nfds=exact+0 ex=[ ] wr=[ h1 , h2 ] rd=[]\n"
      "poll over_limit=-1 entries=[ h0:IN , -128:0x8000|OUT ]\n"
      "epoll_ctl data=0xffffffffffffffff fd=h0 events=0|IN|IN op=del epfd=h1\n"
      "\n");
  EXPECT_EQ(print_trace(t),
            "pollcheck-trace 1\n"
            "profile doc\n"
            "# no space\n"
            "\n"
            "# indented comment goes to the first op\n"
            "write fd=h1 len=3 value=16\n"
            "select rd=[] wr=[h1,h2] ex=[] nfds=exact\n"
            "poll entries=[h0:IN,-128:OUT|0x8000] over_limit=-1\n"
            "epoll_ctl epfd=h1 op=del fd=h0 events=IN data=18446744073709551615\n");
  EXPECT_EQ(t.comments, std::vector<std::string>{"no space"});
}

TEST(TraceFormat, ParsesASingleOp) {
  auto op = parse_op("dup fd=h3 out=h4");
  ASSERT_TRUE(std::holds_alternative<Op>(op));
  EXPECT_EQ(std::get<Op>(op), Op(Dup{Handle{3}, OutHandle{4}}));

  auto err = parse_op("dup fd=h3", "cli", 7);
  ASSERT_TRUE(std::holds_alternative<ParseError>(err));
  EXPECT_EQ(std::get<ParseError>(err).to_string(), "cli:7:10: missing field \"out\" for dup");
}

struct Malformed {
  std::string text;
  int line, col;
  std::string message;  // must occur in the error message
};

constexpr std::string_view kHead = "pollcheck-trace 1\nprofile linux\n";

std::vector<Malformed> malformed_cases() {
  const std::string h(kHead);
  return {
      // header
      {"", 1, 1, "expected 'pollcheck-trace 1' header, got end of file"},
      {"hello\n", 1, 1, "expected 'pollcheck-trace 1' header, got \"hello\""},
      {"pollcheck-trace\n", 1, 1, "expected 'pollcheck-trace 1' header"},
      {"pollcheck-trace one\n", 1, 1, "expected 'pollcheck-trace 1' header"},
      {"pollcheck-trace 2\nprofile linux\n", 1, 17, "unsupported trace format version 2"},
      {"pollcheck-trace 1\n", 2, 1, "expected 'profile' and one of linux, doc or compat, got end of file"},
      {"pollcheck-trace 1\nprofile bsd\n", 2, 1, "expected 'profile' and one of linux, doc or compat"},
      {"pollcheck-trace 1\n# comment\nprofile linux\n", 2, 1, "expected 'profile' and one of"},
      {h + "pipe rd=h0 wr=h1\nkernel 6.1\n", 4, 1, "'kernel' belongs in the header"},
      // ops
      {h + "pipez rd=h0 wr=h1\n", 3, 1, "unknown op \"pipez\" (expected one of: pipe, socketpair"},
      {h + "pipe rd=x wr=h1\n", 3, 9, "expected a handle like h3, got \"x\""},
      {h + "pipe rd=h0 wr=h1 extra=1\n", 3, 18, "unknown field \"extra\" for pipe (fields: rd, wr)"},
      {h + "write fd=h1 value=0\n", 3, 20, "missing field \"len\" for write"},
      {h + "write fd=h1 len=1 len=2 value=0\n", 3, 19, "duplicate field \"len\""},
      {h + "write fd=h1 len=4294967296 value=0\n", 3, 17, "value out of range"},
      {h + "write fd=h1 len=-1 value=0\n", 3, 17, "expected an unsigned integer"},
      {h + "write fd=h1 len=1 value=18446744073709551616\n", 3, 25, "value out of range"},
      {h + "write fd=h1 len=1 value=0x\n", 3, 25, "expected an unsigned integer"},
      {h + "epoll_create size=2147483648 out=h0\n", 3, 19, "value out of range"},
      {h + "close fd=h16\n", 3, 10, "value out of range: \"h16\" (handles are h0..h15)"},
      {h + "close fd=h\n", 3, 10, "expected a handle like h3"},
      {h + "close fd=H1\n", 3, 10, "expected a handle like h3"},
      {h + "close fd=h1x\n", 3, 10, "expected a handle like h3"},
      {h + "close fd=\n", 3, 10, "expected a handle like h3, got \"\""},
      {h + "close =h1\n", 3, 7, "expected a field name before '='"},
      {h + "pipe rd=h0 wr\n", 3, 12, "expected field=value, got \"wr\""},
      {h + "pipe rd=h0 wr=h1 # note\n", 3, 18, "a comment must be on a line of its own"},
      {h + "eventfd semaphore=yes out=h0\n", 3, 19, "expected true or false, got \"yes\""},
      {h + "socketpair type=raw a=h0 b=h1\n", 3, 17, "expected stream, dgram, seqpacket, tcp or udp"},
      {h + "shutdown fd=h0 how=both\n", 3, 20, "expected rd, wr, rdwr or invalid"},
      {h + "epoll_ctl epfd=h2 op=ADD fd=h0 events=IN data=0\n", 3, 22, "expected add, mod, del or invalid"},
      {h + "epoll_ctl epfd=h2 op=add fd=h0 events=IN|FOO data=7\n", 3, 42,
       "expected epoll event names like IN|OUT, 0 or a 0x hex number, got \"FOO\""},
      {h + "epoll_ctl epfd=h2 op=add fd=h0 events=IN||OUT data=7\n", 3, 42, "got \"\""},
      {h + "epoll_ctl epfd=h2 op=add fd=h0 events=0x100000000 data=7\n", 3, 39,
       "value out of range: \"0x100000000\" (epoll masks are 32 bits)"},
      {h + "epoll_ctl epfd=h2 op=add fd=h0 events=NVAL data=7\n", 3, 39, "expected epoll event names"},
      {h + "poll entries=[h0:IN, x:OUT] over_limit=0\n", 3, 22,
       "expected a handle like h3 or a negative fd like -1, got \"x\""},
      {h + "poll entries=[h0:IN,-129:IN] over_limit=0\n", 3, 21, "value out of range"},
      {h + "poll entries=[-0:IN] over_limit=0\n", 3, 15, "negative fd like -1"},
      {h + "poll entries=[h0] over_limit=0\n", 3, 15, "expected an entry like h0:IN or -1:IN"},
      {h + "poll entries=[h0:ET] over_limit=0\n", 3, 18, "expected poll event names"},
      {h + "poll entries=[h0:0x10000] over_limit=0\n", 3, 18, "(poll masks are 16 bits)"},
      {h + "poll entries=[h0:IN over_limit=0\n", 3, 14, "missing ']' to close the list"},
      {h + "poll entries=[h0:IN]x over_limit=0\n", 3, 21, "expected a blank after ']'"},
      {h + "poll entries=h0:IN over_limit=0\n", 3, 14, "expected a list like [h0:IN,-1:OUT]"},
      {h + "select rd=[h0,] wr=[] ex=[] nfds=exact\n", 3, 15, "expected a handle like h3, got \"\""},
      {h + "select rd=[] wr=[] ex=[] nfds=exactly\n", 3, 31, "expected exact, exact+N, exact-N or an integer"},
      {h + "select rd=[] wr=[] ex=[] nfds=exact+\n", 3, 31, "expected exact, exact+N"},
      {h + "select rd=[] wr=[] ex=[] nfds=exact-2147483649\n", 3, 31, "value out of range"},
      {h + "select rd=[] wr=[] ex=[] nfds=2147483648\n", 3, 31, "value out of range"},
      // positions count blank lines, comments and leading blanks
      {h + "# c\n\npipe rd=h0 wr=h1\n\t  close fd=q\n", 6, 13, "expected a handle like h3, got \"q\""},
      {h + "close fd=h1\x01\n", 3, 10, "got \"h1\\x01\""},
  };
}

TEST(TraceFormat, ReportsWhereAndWhatWasExpected) {
  for (const Malformed& m : malformed_cases()) {
    SCOPED_TRACE(m.text);
    const ParseError err = parse_err(m.text);
    EXPECT_EQ(err.file, "t.trace");
    EXPECT_EQ(err.line, m.line);
    EXPECT_EQ(err.col, m.col);
    EXPECT_NE(err.message.find(m.message), std::string::npos) << err.message;
  }
}

TEST(TraceFormat, ErrorToStringIsFileLineColMessage) {
  const ParseError err =
      parse_err("pollcheck-trace 1\nprofile linux\nkernel 6.1\npipe rd=h0 wr=h1\n  close fd=x\n");
  EXPECT_EQ(err.to_string(), "t.trace:5:12: expected a handle like h3, got \"x\"");
}

TEST(TraceFormat, LongGarbageIsQuotedShort) {
  const ParseError err = parse_err(std::string(kHead) + "close fd=" + std::string(10000, 'z') + "\n");
  EXPECT_LT(err.message.size(), 120u);
}

// A cheap stand-in for the fuzzer until it exists: mutated traces must either fail cleanly or
// round-trip.
TEST(TraceFormat, MutatedInputNeverBreaksRoundTrip) {
  const std::string seed_text = print_trace(every_op_trace());
  const std::string alphabet = "h0123456789-+x[],:|= \t\n\r#IN_OUTETexact";
  std::mt19937 rng(12345);
  int parsed = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = seed_text;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(pos, 1 + rng() % 8); break;
        case 2: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 3: text[pos] = static_cast<char>(rng() % 256); break;
      }
    }
    auto result = parse_trace(text, "fuzz");
    if (auto* t = std::get_if<Trace>(&result)) {
      ++parsed;
      const std::string printed = print_trace(*t);
      auto again = parse_trace(printed, "fuzz");
      ASSERT_TRUE(std::holds_alternative<Trace>(again)) << text;
      EXPECT_EQ(std::get<Trace>(again), *t) << text;
      EXPECT_EQ(print_trace(std::get<Trace>(again)), printed);
    } else {
      const ParseError& err = std::get<ParseError>(result);
      EXPECT_GE(err.line, 1);
      EXPECT_GE(err.col, 1);
      EXPECT_FALSE(err.message.empty());
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST(TraceFormat, PrinterKeepsLineStructureOfOddComments) {
  Trace t;
  t.kernel = "6.1\nclose fd=h0";
  t.comments = {"two\nlines"};
  t.steps = {step(Close{Handle{0}}, {"cr\rinside"})};
  const Trace back = parse_ok(print_trace(t));
  EXPECT_EQ(back.kernel, "6.1 close fd=h0");
  EXPECT_EQ(back.comments, std::vector<std::string>{"two lines"});
  ASSERT_EQ(back.steps.size(), 1u);
  EXPECT_EQ(back.steps[0].comments, std::vector<std::string>{"cr inside"});
}

class TraceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "trace_file_test.XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(TraceFileTest, LoadOfMissingFileIsAnErrorAtLineZero) {
  const std::string path = dir_ + "/missing.trace";
  auto loaded = load_trace_file(path);
  ASSERT_TRUE(std::holds_alternative<ParseError>(loaded));
  const ParseError& err = std::get<ParseError>(loaded);
  EXPECT_EQ(err.file, path);
  EXPECT_EQ(err.line, 0);
  EXPECT_EQ(err.to_string(), path + ": cannot open: ENOENT (No such file or directory)");
}

TEST_F(TraceFileTest, LoadOfDirectoryIsAnError) {
  auto loaded = load_trace_file(dir_);
  ASSERT_TRUE(std::holds_alternative<ParseError>(loaded));
  EXPECT_EQ(std::get<ParseError>(loaded).line, 0);
}

TEST_F(TraceFileTest, SaveThenLoadRoundTrips) {
  const std::string path = dir_ + "/every.trace";
  const Trace t = every_op_trace();
  std::string error;
  ASSERT_TRUE(save_trace_file_atomic(path, t, &error)) << error;
  ASSERT_TRUE(save_trace_file_atomic(path, t, &error)) << error;  // replaces an existing file
  auto loaded = load_trace_file(path);
  ASSERT_TRUE(std::holds_alternative<Trace>(loaded)) << std::get<ParseError>(loaded).to_string();
  EXPECT_EQ(std::get<Trace>(loaded), t);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1) << "no temporary file may be left behind";
}

TEST_F(TraceFileTest, LoadReportsParseErrorsWithThePath) {
  const std::string path = dir_ + "/bad.trace";
  std::ofstream(path) << kHead << "pipez\n";
  auto loaded = load_trace_file(path);
  ASSERT_TRUE(std::holds_alternative<ParseError>(loaded));
  const ParseError& err = std::get<ParseError>(loaded);
  EXPECT_EQ(err.file, path);
  EXPECT_EQ(err.line, 3);
  EXPECT_EQ(err.col, 1);
}

TEST_F(TraceFileTest, SaveIntoMissingDirectoryFails) {
  std::string error;
  EXPECT_FALSE(save_trace_file_atomic(dir_ + "/no/such/dir/x.trace", Trace{}, &error));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_FALSE(save_trace_file_atomic(dir_ + "/no/such/dir/x.trace", Trace{}, nullptr));
}

}  // namespace
}  // namespace pc
