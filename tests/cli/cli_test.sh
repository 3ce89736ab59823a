#!/usr/bin/env bash
# The command line's contract: exit codes and messages for good and bad input.
# usage: cli_test.sh PATH/TO/pollcheck
set -u
pc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 passed=0

# expect CODE PATTERN -- CMD...: CMD must exit with CODE and print PATTERN (stdout or stderr).
expect() {
  local code=$1 pattern=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $* (exit $rc, wanted $code; pattern '$pattern')"; echo "$out" | head -5
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}

cat >"$work/good.trace" <<'T'
pollcheck-trace 1
profile linux
# a pipe watched edge-triggered: reported once per write
pipe rd=h0 wr=h1
epoll_create1 flags=0 out=h2
epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7
write fd=h1 len=10 value=0
epoll_wait epfd=h2 maxevents=4
epoll_wait epfd=h2 maxevents=4
T
printf 'pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h1\nwrite fd=h1 len=ten value=0\n' >"$work/bad.trace"
printf 'pollcheck-trace 9\nprofile linux\n' >"$work/version.trace"
printf 'pollcheck-trace 1\nprofile linux\nepoll_create1 flags=0 out=h0\nepoll_create1 flags=0 out=h1\nepoll_ctl epfd=h0 op=add fd=h1 events=IN data=0\n' >"$work/nested.trace"

expect 0 "agree" -- "$pc" replay "$work/good.trace"
expect 0 "ret=1 \[IN data=7\]" -- "$pc" replay -v "$work/good.trace"
expect 2 'bad.trace:4:17: expected an unsigned integer.*"ten"' -- "$pc" replay "$work/bad.trace"
expect 2 "version.trace:1:" -- "$pc" replay "$work/version.trace"
expect 2 "missing.trace" -- "$pc" replay "$work/missing.trace"
expect 3 "not modeled" -- "$pc" replay "$work/nested.trace"
expect 2 "bogus" -- "$pc" run --bogus
expect 2 "profile" -- "$pc" run --profile posix
expect 2 "sequences" -- "$pc" run --sequences 0
expect 2 "subcommand" -- "$pc"
expect 0 '"id": "EP-ET"' -- "$pc" rules --json
expect 0 "EP-ROUNDROBIN" -- "$pc" rules
expect 0 "0 divergences, 0 rules never checked" -- "$pc" run --seed 3 --sequences 300 --ops 100
expect 0 "0 divergences" -- "$pc" run --seed 3 --sequences 100 --ops 100 --profile doc

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
