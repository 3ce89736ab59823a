// The C reproducer end to end: emitted, compiled with the system's cc under -Werror, and run.
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/util/parse_or_fail.h"
#include "repro/c_emitter.h"
#include "harness/campaign.h"
#include "kernel/kernel_params.h"
#include "kernel/kernel_release.h"
#include "format/trace_format.h"
#include "oracle/oracle.h"
#include "oracle/unmodeled.h"
#include "tests/util/sandbox.h"

namespace pc {
namespace {

namespace fs = std::filesystem;

// The first `name` on PATH that is an executable file, if any.
std::optional<std::string> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate;
  }
  return std::nullopt;
}

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or by the timeout
  bool timed_out = false;
  std::string output;  // stdout and stderr together
};

// Runs argv with stdin from /dev/null and stdout+stderr into output_path; kills it after timeout.
// sandbox (if given) runs in the child before the exec; where it fails the child exits kNoSandbox.
// env: "NAME=value" settings added to the environment.
RunResult run_process(const std::vector<std::string>& argv, const std::string& output_path,
                      std::chrono::seconds timeout, bool (*sandbox)() = nullptr,
                      const std::vector<std::string>& env = {}) {
  RunResult r;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || in < 0) {
    r.output = "cannot open the output file or /dev/null";
    if (out >= 0) ::close(out);
    if (in >= 0) ::close(in);
    return r;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    if (sandbox && !sandbox()) ::_exit(kNoSandbox);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(in);
  if (pid < 0) {
    r.output = "fork failed";
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  std::ifstream f(output_path);
  std::stringstream ss;
  ss << f.rdbuf();
  r.output = ss.str();
  return r;
}

class ReproTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = find_on_path("cc");
    if (!cc_) GTEST_SKIP() << "no cc on PATH: the C reproducer cannot be compiled here";
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/pollcheck-repro-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    dir_ = pattern;
  }
  // The programs stay for inspection when a test failed or POLLCHECK_KEEP_REPRO is set.
  void TearDown() override {
    if (dir_.empty()) return;
    if (HasFailure() || std::getenv("POLLCHECK_KEEP_REPRO")) {
      std::fprintf(stderr, "reproducers kept in %s\n", dir_.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string emit(const Trace& trace, CEmitStats* stats = nullptr) {
    KernelParams source;
    LearnedParams params(source);
    return emit_c_reproducer(trace, params, kernel_release(), stats);
  }

  // Writes the program, compiles it as a kernel developer would (warnings are errors) and runs
  // it. A compile failure fails the test and gives nullopt.
  std::optional<RunResult> build_and_run(const std::string& name, const std::string& program,
                                         bool (*sandbox)() = nullptr, const std::vector<std::string>& env = {}) {
    const std::string src = dir_ + "/" + name + ".c";
    const std::string bin = dir_ + "/" + name;
    std::ofstream(src) << program;
    std::vector<std::string> cmd = {*cc_, "-std=c99", "-Wall", "-Wextra", "-Werror", "-o", bin, src};
    // A program with io_uring steps needs liburing, as its header comment says.
    if (program.find("#include <liburing.h>") != std::string::npos) cmd.push_back("-luring");
    if (program.find("#include <pthread.h>") != std::string::npos) cmd.push_back("-pthread");
    const RunResult built = run_process(cmd, dir_ + "/" + name + ".cc.log", std::chrono::seconds(120));
    if (built.exit_code != 0) {
      ADD_FAILURE() << name << ".c does not compile (exit " << built.exit_code << "):\n"
                    << built.output << "\n--- program ---\n"
                    << program;
      return std::nullopt;
    }
    return run_process({bin}, dir_ + "/" + name + ".log", std::chrono::seconds(60), sandbox, env);
  }

  std::optional<std::string> cc_;
  std::string dir_;
};

TEST_F(ReproTest, RandomTracesCompileAndMatchTheKernel) {
  for (std::size_t i = 0; i < 30; ++i) {
    const std::uint64_t seed = sequence_seed(4242, i);
    const Trace trace = make_sequence(seed, 60, Profile::Linux);
    CEmitStats stats;
    const std::string program = emit(trace, &stats);
    const auto run = build_and_run(fmt::format("random-{}", i), program);
    if (!run) continue;
    EXPECT_FALSE(run->timed_out) << "seed " << seed;
    EXPECT_EQ(run->exit_code, 0) << "seed " << seed << ": " << run->output << "\n--- trace ---\n"
                                 << print_trace(trace);
    EXPECT_NE(run->output.find(fmt::format("all {} steps match", stats.checked)), std::string::npos)
        << run->output;
    EXPECT_EQ(stats.checked + stats.skipped, trace.steps.size());
  }
}


constexpr std::string_view kPipeTrace = R"(pollcheck-trace 1
profile linux
pipe rd=h0 wr=h1
epoll_create1 flags=0 out=h2
epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7
write fd=h1 len=10 value=0
epoll_wait epfd=h2 maxevents=4
read fd=h0 len=100
poll entries=[h0:IN,h1:OUT] over_limit=0
select rd=[h0] wr=[h1] ex=[] nfds=exact
)";

TEST_F(ReproTest, PinnedValuesThatHoldPass) {
  Trace trace = parse_or_fail(kPipeTrace);
  ASSERT_EQ(trace.steps.size(), 8u);
  Pin read_pin;
  read_pin.ret = 10;
  trace.steps[5].pin = read_pin;  // step 6: the read returns the ten bytes written
  Pin wait_pin;
  wait_pin.ret = 1;
  wait_pin.events = std::vector<EpollEventObs>{{EPOLLIN, 7}};
  trace.steps[4].pin = wait_pin;
  const auto run = build_and_run("pinned-ok", emit(trace));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_NE(run->output.find("all 8 steps match"), std::string::npos) << run->output;
}

TEST_F(ReproTest, AWrongPinFailsAtItsStep) {
  Trace trace = parse_or_fail(kPipeTrace);
  ASSERT_EQ(trace.steps.size(), 8u);
  Pin wrong;
  wrong.ret = 11;  // the read returns 10
  trace.steps[5].pin = wrong;
  const std::string program = emit(trace);
  const auto run = build_and_run("pinned-wrong", program);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 1) << run->output;
  EXPECT_NE(run->output.find("step 6: read fd=h0 len=100: expected ret=11 (pinned), observed ret=10"),
            std::string::npos)
      << run->output;
}

TEST_F(ReproTest, AWrongPinInARandomTraceFailsAtItsStep) {
  const Trace base = make_sequence(sequence_seed(99, 3), 60, Profile::Linux);
  // Pin the middle step the oracle models to a ret it does not predict.
  std::size_t target = 0;
  Observation predicted;
  {
    KernelParams source;
    LearnedParams params(source);
    Oracle oracle(Profile::Linux, params, {0, 1, 2});
    for (std::size_t i = 0; i < base.steps.size(); ++i) {
      Expectation e;
      try {
        e = oracle.expect(base.steps[i].op, i + 1);
      } catch (const Unmodeled&) {
        continue;
      }
      oracle.commit(base.steps[i].op, i + 1, e.allowed.front());
      if (i + 1 >= base.steps.size() / 2) {
        target = i + 1;
        predicted = e.allowed.front();
        break;
      }
    }
  }
  ASSERT_NE(target, 0u);
  Trace trace = base;
  Pin wrong;
  wrong.ret = predicted.ret + 1000;
  trace.steps[target - 1].pin = wrong;
  const auto run = build_and_run("random-pinned-wrong", emit(trace));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 1) << run->output;
  EXPECT_EQ(run->output.rfind(fmt::format("step {}: {}: expected ret={} (pinned)", target,
                                          print_op(trace.steps[target - 1].op), predicted.ret + 1000),
                              0),
            0u)
      << run->output;
}

TEST_F(ReproTest, UnmodeledStepsStayAsCommentsAndTheRestRuns) {
  const Trace trace = parse_or_fail(R"(pollcheck-trace 1
profile linux
# a zero-length recv: not modeled
pipe rd=h2 wr=h3
socketpair type=stream a=h0 b=h1
recv fd=h0 len=0 peek=false
epoll_create1 flags=0 out=h4
epoll_ctl epfd=h4 op=add fd=h2 events=IN data=5
write fd=h3 len=3 value=0
epoll_wait epfd=h4 maxevents=2
close fd=h4
)");
  CEmitStats stats;
  const std::string program = emit(trace, &stats);
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.checked, 7u);
  EXPECT_NE(program.find("step 3: recv fd=h0 len=0 peek=false\n   * not run"),
            std::string::npos)
      << program;
  const auto run = build_and_run("unmodeled", program);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_NE(run->output.find("all 7 steps match"), std::string::npos) << run->output;
}

TEST_F(ReproTest, HeaderNamesTheTraceRulesAndKernels) {
  Trace trace = parse_or_fail(kPipeTrace);
  trace.kernel = "6.1.0-test";
  trace.finding = FindingHeader{5, {"epoll_wait", "EP-LT", "events"}};
  trace.comments = {"sequence seed 1: divergence", "step 5: epoll_wait epfd=h2 maxevents=4",
                    "  because:  a */ comment /* with ?\?/ odd bytes"};
  const std::string program = emit(trace);
  EXPECT_NE(program.find("Trace recorded on kernel: 6.1.0-test"), std::string::npos);
  EXPECT_NE(program.find("Emitted on kernel:        " + kernel_release()), std::string::npos);
  EXPECT_NE(program.find("Rules of step 5 (where the trace diverged): "), std::string::npos) << program;
  EXPECT_NE(program.find("FD-LOWEST"), std::string::npos);
  EXPECT_NE(program.find("step 5: epoll_wait epfd=h2 maxevents=4"), std::string::npos);
  const auto run = build_and_run("header", program);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 0) << run->output;
}

// What the program needs of the implementation it probes before the first step; where that is
// missing it says what and exits 77, a skip, never a failure.
TEST_F(ReproTest, WhereIoUringIsRefusedTheProgramSkipsAndSaysWhy) {
  const Trace trace = parse_or_fail(R"(pollcheck-trace 1
profile linux
pipe rd=h0 wr=h1
uring_setup entries=4 flags=0 cq_entries=0 out=h2
uring_prep ring=h2 opcode=poll_add fd=h0 len=0 mask=IN user_data=1 target=0 new_data=0 flags=0 op_flags=0
uring_submit ring=h2
write fd=h1 len=1 value=0
uring_reap ring=h2 wait=1
)");
  const std::string program = emit(trace);
  EXPECT_NE(program.find("{6u, \"IORING_OP_POLL_ADD\"}"), std::string::npos) << "the opcode the trace uses";
  EXPECT_NE(program.find("{0x2u, \"IORING_FEAT_NODROP\"}"), std::string::npos) << "a feature the oracle needs";
  const auto native = build_and_run("uring", program);
  ASSERT_TRUE(native);
  EXPECT_EQ(native->exit_code, 0) << native->output;
  const auto refused = run_process({dir_ + "/uring"}, dir_ + "/uring-refused.log", std::chrono::seconds(60),
                                   refuse_io_uring);
  if (refused.exit_code == kNoSandbox) GTEST_SKIP() << "no seccomp filter here";
  EXPECT_EQ(refused.exit_code, 77) << refused.output;
  EXPECT_EQ(refused.output, "io_uring_setup is refused (EPERM): skipped\n");
}

TEST_F(ReproTest, WithoutASettleSignalWaiterThreadsAreSkippedWithTheReason) {
  const Trace trace = parse_or_fail(R"(pollcheck-trace 1
profile linux
pipe rd=h0 wr=h1
waiters api=poll fd=h0 n=1 maxevents=1 events=IN
write fd=h1 len=1 value=0
join
)");
  const std::string program = emit(trace);
  const auto native = build_and_run("waiters", program);
  ASSERT_TRUE(native);
  EXPECT_EQ(native->exit_code, 0) << native->output;
  // Without /proc there is no /proc/self/task/TID/status to settle by.
  const auto hidden = run_process({dir_ + "/waiters"}, dir_ + "/waiters-noproc.log", std::chrono::seconds(60),
                                  hide_proc);
  if (hidden.exit_code == kNoSandbox) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(hidden.exit_code, 77) << hidden.output;
  EXPECT_EQ(hidden.output.rfind("waiter threads cannot be settled here (/proc/self/task/TID/stat cannot be read", 0),
            0u)
      << hidden.output;
}

// Reduced findings of a campaign against mutant et-no-refire (a pipe write into a non-empty
// pipe wakes nobody): one checked by an epoll_wait's events, one by the waiters a step saw
// return, one by the CQEs of a multishot poll.
constexpr std::string_view kEtNoRefireTraces[] = {
    R"(pollcheck-trace 1
profile linux
mutant et-no-refire
pipe rd=h0 wr=h1
epoll_create1 flags=0 out=h2
epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=0
write fd=h1 len=1 value=0
epoll_wait epfd=h2 maxevents=1
write fd=h1 len=1 value=0
epoll_wait epfd=h2 maxevents=1
)",
    R"(pollcheck-trace 1
profile linux
mutant et-no-refire
pipe rd=h0 wr=h1
epoll_create1 flags=0 out=h2
epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=0
waiters api=epoll fd=h2 n=1 maxevents=1 events=0
write fd=h1 len=1 value=0
write fd=h1 len=1 value=0
waiters api=epoll fd=h2 n=1 maxevents=1 events=0
)",
    R"(pollcheck-trace 1
profile linux
mutant et-no-refire
uring_setup entries=2 flags=CQSIZE cq_entries=2 out=h0
uring_prep ring=h0 opcode=nop fd=h0 len=0 mask=0 user_data=0 target=0 new_data=0 flags=0 op_flags=0
pipe rd=h1 wr=h2
write fd=h2 len=1 value=0
uring_prep ring=h0 opcode=poll_add fd=h1 len=0 mask=IN user_data=0 target=0 new_data=0 flags=0 op_flags=MULTI
uring_submit ring=h0
write fd=h2 len=1 value=0
uring_reap ring=h0 wait=0
)"};

// The program checks the real kernel, which lacks the bug; under the mutant's conditions it
// puts the buggy kernel's answers in place and its checks catch them at the step the campaign
// found.
TEST_F(ReproTest, UnderItsMutantTheProgramFailsWhereTheCampaignDid) {
  const char* where[] = {"step 7: epoll_wait", "step 7: waiters", "step 8: uring_reap"};
  for (std::size_t i = 0; i < std::size(kEtNoRefireTraces); ++i) {
    const Trace trace = parse_or_fail(kEtNoRefireTraces[i]);
    const std::string program = emit(trace);
    EXPECT_NE(program.find("if (decorated)"), std::string::npos) << program;
    const auto alone = build_and_run(fmt::format("mutant-{}", i), program);
    ASSERT_TRUE(alone);
    if (alone->exit_code == 77) continue;  // this kernel lacks io_uring or a settle signal
    EXPECT_EQ(alone->exit_code, 0) << alone->output;
    const auto under = build_and_run(fmt::format("mutant-{}", i), program, nullptr, {"POLLCHECK_MUTANT=et-no-refire"});
    ASSERT_TRUE(under);
    EXPECT_EQ(under->exit_code, 1) << under->output;
    EXPECT_NE(under->output.find(where[i]), std::string::npos) << under->output;
    const auto other = build_and_run(fmt::format("mutant-{}", i), program, nullptr, {"POLLCHECK_MUTANT=lt-lost"});
    ASSERT_TRUE(other);
    EXPECT_EQ(other->exit_code, 2) << "a mutant the program does not carry is a usage error: " << other->output;
  }
}

// Without a mutant line there is nothing to put in place: no decoration in the program.
TEST_F(ReproTest, AProgramOfTheKernelsOwnFindingCarriesNoMutant) {
  EXPECT_EQ(emit(parse_or_fail(kPipeTrace)).find("decorated"), std::string::npos);
}

}  // namespace
}  // namespace pc
