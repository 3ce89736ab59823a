// What some kernel tests take away from a process of their own (a forked child, before it runs
// or execs what is tested) to see how pollcheck and its reproducers behave where it is missing.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace pc {

// The child's exit code when the sandbox cannot be made here: the test skips.
inline constexpr int kNoSandbox = 90;

// io_uring_setup gives EPERM from here on, in this process and what it execs (as
// kernel.io_uring_disabled=2 or Docker's default seccomp profile make it); everything else is
// allowed.
inline bool refuse_io_uring() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

// From here on this process sees an empty /proc (a tmpfs over it, in a mount namespace of its
// own): no /proc/self/task, no /proc/net. False where that cannot be made (no CAP_SYS_ADMIN).
inline bool hide_proc() {
  return ::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
         ::mount("none", "/proc", "tmpfs", 0, nullptr) == 0;
}

// Runs body in a forked child, after sandbox when one is given (kNoSandbox if it cannot be
// made): the child's exit code, or -1 if it did not exit.
template <class Body>
int in_child(Body body, bool (*sandbox)() = nullptr) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (sandbox && !sandbox()) ::_exit(kNoSandbox);
    ::_exit(body());
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace pc
