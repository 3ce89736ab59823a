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
printf 'pollcheck-trace 1\nprofile linux\nsocketpair type=stream a=h0 b=h1\nrecv fd=h0 len=0 peek=false\n' >"$work/unmodeled.trace"

expect 0 "agree" -- "$pc" replay "$work/good.trace"
expect 0 "ret=1 \[IN data=7\]" -- "$pc" replay -v "$work/good.trace"
expect 2 'bad.trace:4:17: expected an unsigned integer.*"ten"' -- "$pc" replay "$work/bad.trace"
expect 2 "version.trace:1:" -- "$pc" replay "$work/version.trace"
expect 2 "missing.trace" -- "$pc" replay "$work/missing.trace"
expect 3 "not modeled" -- "$pc" replay "$work/unmodeled.trace"
expect 2 "bogus" -- "$pc" run --bogus
expect 2 "profile" -- "$pc" run --profile posix
expect 2 "sequences" -- "$pc" run --sequences 0
expect 2 "^--sequences: Value -1 not in range 1 to 1000000000$" -- "$pc" run --sequences -1
expect 2 "max-findings" -- "$pc" run --max-findings -1
expect 2 "seed" -- "$pc" run --seed -1
expect 2 "time-each 0s: expected a positive number" -- "$pc" mutants --time-each 0s
printf 'pollcheck-trace 1\nprofile linux\npipe rd=h0 wr=h0\n' >"$work/twice.trace"
expect 2 "twice.trace:3:15: h0 is bound by another field of this pipe already" -- "$pc" replay "$work/twice.trace"
expect 2 "subcommand" -- "$pc"
expect 0 '"id": "EP-ET"' -- "$pc" rules --json
expect 0 "EP-ROUNDROBIN" -- "$pc" rules
expect 0 "0 findings, 0 rules never checked" -- "$pc" run --seed 3 --sequences 300 --ops 100
expect 0 "0 findings" -- "$pc" run --seed 3 --sequences 100 --ops 100 --profile doc
# a run too short to weigh the harness against the kernel says so instead of giving a ratio
expect 0 "too little for a harness/raw ratio" -- "$pc" run --seed 1 --sequences 1 --ops 8

# pin: a trace that agrees is written back with every step's outcome pinned, and replays clean.
expect 0 "6 steps agree, pinned into" -- "$pc" pin "$work/good.trace" -o "$work/pinned.trace"
expect 0 '^  => ret=1 events=\[IN:7\]$' -- cat "$work/pinned.trace"
expect 0 "agree" -- "$pc" replay "$work/pinned.trace"
# a wrong pin is a divergence at its step, naming the field; pin then writes nothing.
sed 's/=> ret=1 events=\[IN:7\]/=> ret=1 events=[IN:8]/' "$work/pinned.trace" >"$work/wrongpin.trace"
expect 1 'step 5: epoll_wait epfd=h2 maxevents=4' -- "$pc" replay "$work/wrongpin.trace"
expect 1 'because: +pinned events: \[IN:8\], observed \[IN:7\]' -- "$pc" replay "$work/wrongpin.trace"
expect 1 "nothing written" -- "$pc" pin "$work/wrongpin.trace" -o "$work/never.trace"
expect 1 '^$' -- test -e "$work/never.trace"

# reduce and repro: bad input is exit 2 with file:line:col; a trace that agrees has nothing to reduce.
expect 2 'bad.trace:4:17: expected an unsigned integer' -- "$pc" reduce "$work/bad.trace" -o "$work/r.trace"
expect 2 'bad.trace:4:17: expected an unsigned integer' -- "$pc" repro "$work/bad.trace" -o "$work/r.c"
expect 2 "missing.trace: cannot open" -- "$pc" reduce "$work/missing.trace" -o "$work/r.trace"
expect 2 "missing.trace: cannot open" -- "$pc" repro "$work/missing.trace" -o "$work/r.c"
expect 1 "nothing to reduce: not a finding: all 6 steps agree" -- "$pc" reduce "$work/good.trace" -o "$work/r.trace"
expect 2 'unknown mutant "bogus"' -- "$pc" run --mutant bogus
expect 0 "^et-no-refire " -- "$pc" mutants --list
# a mutant is found, saved with its name, reduced against it, and written as C that compiles.
expect 1 "findings [1-9]" -- "$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 --save-failures "$work/found" --max-findings 1
# findings group by signature: one block per distinct finding, with its count and its saved trace
expect 1 "stopped    at --max-findings 1: 1 distinct finding after [0-9]+ of 200 sequences" -- "$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 --max-findings 1
expect 1 "^FINDING 1 of [0-9]+ \(divergence\): epoll_wait " -- "$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100
expect 1 "^  found in [0-9]+ of 200 sequences; the first, sequence [0-9]+ \(seed [0-9]+\):" -- "$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100
expect 1 "^  saved:    $work/found2/seed-1-seq-[0-9]+.trace" -- "$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 --save-failures "$work/found2"
# only the first trace of each distinct finding is saved: as many files as FINDING blocks
blocks=$("$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 | grep -c '^FINDING')
expect 0 "^$blocks\$" -- bash -c "ls '$work/found2' | wc -l"
expect 2 "jobs" -- "$pc" run --jobs 0
# --jobs changes who runs a sequence, not what is found: the same FINDING blocks with 1 and 2
one=$("$pc" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 --jobs 1 | grep -A1 '^FINDING')
expect 0 "^same$" -- bash -c "[ \"\$(\"$pc\" run --mutant oneshot-no-disarm --seed 1 --sequences 200 --ops 100 --jobs 2 | grep -A1 '^FINDING')\" = \"\$1\" ] && echo same" - "$one"
# Ctrl-C or SIGTERM stops a campaign with the summary of what ran, and its workers with it
for sig in INT TERM; do
  "$pc" run --seed 1 --sequences 1000000 --jobs 2 >"$work/stopped.out" 2>&1 &
  runner=$!
  for _ in $(seq 100); do grep -q "^pollcheck run" "$work/stopped.out" && break; sleep 0.1; done
  sleep 1
  kill -"$sig" "$runner"
  wait "$runner"; rc=$?
  expect 0 "^stopped    by .* after [0-9]+ of 1000000 sequences" -- cat "$work/stopped.out"
  expect 0 "^ops        [0-9]+ in" -- cat "$work/stopped.out"
  expect 0 "^$((128 + $(kill -l "$sig")))\$" -- echo "$rc"
  # (the workers are gone once the campaign returns: it waited for each)
  expect 0 "^0\$" -- bash -c "pgrep -c -f -- '[-]-sequences 1000000 --jobs 2' || true"
done
found=$(ls "$work"/found/*.trace | head -1)
expect 0 "^mutant oneshot-no-disarm$" -- cat "$found"
expect 0 "^finding step=[0-9]+ op=[a-z_0-9]+ rule=[A-Z-]+ fields=" -- cat "$found"
expect 0 "^reduced [0-9]+ -> [0-9]+ ops" -- "$pc" reduce "$found" -o "$work/reduced.trace"
# (the stale event shows in an epoll_wait, poll or select, or in what a blocked thread got)
expect 1 "step [0-9]+: (epoll_wait|poll|select)|expected: .*woke=" -- "$pc" replay --mutant oneshot-no-disarm "$work/reduced.trace"
expect 0 "steps checked" -- "$pc" repro "$work/reduced.trace" -o "$work/repro.c"
if command -v cc >/dev/null; then
  expect 0 "" -- cc -std=c99 -Wall -Wextra -Werror -pthread -o "$work/repro" "$work/repro.c" -luring
  expect 0 "steps match" -- "$work/repro"
fi

# import-fuzz: fuzz_ops input bytes become a trace that replays; a missing input is exit 2.
printf '\001\005\007\011\200\003\002\001\033\044\300\017' >"$work/input.bin"
expect 0 "input.bin -> .*: 3 ops" -- "$pc" import-fuzz "$work/input.bin" -o "$work/imported.trace"
expect 0 "3 steps agree" -- "$pc" replay "$work/imported.trace"
expect 2 "missing.bin: cannot open" -- "$pc" import-fuzz "$work/missing.bin" -o "$work/never.trace"
# fuzz_traffic inputs decode with their own encoding; an unknown target is exit 2.
expect 0 "input.bin -> .*: [0-9]+ ops" -- "$pc" import-fuzz --target fuzz_traffic "$work/input.bin" -o "$work/traffic.trace"
expect 0 "steps agree" -- "$pc" replay "$work/traffic.trace"
expect 2 "expected fuzz_ops or fuzz_traffic" -- "$pc" import-fuzz --target fuzz_nope "$work/input.bin" -o "$work/never.trace"

# pollcheck matrix over two made-up targets: one finding on "old" only, whose reproducer exits 1
# there and 0 on "new"; a third target left out; a folder of recorded differences naming it.
m=$work/matrix
report() {  # report DIR RELEASE [FINDING-JSON]: a campaign report as pollcheck campaign writes it
  mkdir -p "$1/campaign"
  printf '{"kernel": "%s", "totals": {"sequences": 10, "ops": 1000, "wall_seconds": 1.5},
    "left_out": [], "uring_opcodes": [{"name": "nop", "supported": true}],
    "rules": [{"id": "RD-EVENTFD", "checked": 7, "findings": %s, "left_out": null}],
    "findings": [%s]}\n' "$2" "$([ -n "${3:-}" ] && echo 1 || echo 0)" "${3:-}" >"$1/campaign/report.json"
}
finding='{"verdict": "divergence", "op": "write", "rule": "RD-EVENTFD", "difference": "ret+errno", "count": 3,
  "folder": "findings/divergence-write-RD-EVENTFD-ret+errno", "reduced_ops": 7}'
report "$m/old" 6.1.0 "$finding"
mkdir -p "$m/old/campaign/findings/divergence-write-RD-EVENTFD-ret+errno"
printf '  expected: -1 EINVAL\n  observed: ret=8\n' >"$m/old/campaign/findings/divergence-write-RD-EVENTFD-ret+errno/README.md"
printf 'divergence-write-RD-EVENTFD-ret+errno\t1\n' >"$m/old/repro-exits.tsv"
report "$m/new" 6.18.0
printf 'divergence-write-RD-EVENTFD-ret+errno\t0\n' >"$m/new/repro-exits.tsv"
mkdir -p "$m/gone" "$m/known"
echo "qemu is missing" >"$m/gone/left-out"
printf '# gVisor differs from Linux: write RD-EVENTFD ret+errno (cause Z: a made-up cause).\n' >"$m/known/z.trace"
expect 1 "1 differences between targets" -- "$pc" matrix --out "$m" --known "$m/known" old="$m/old" new="$m/new" gone="$m/gone"
expect 0 "" -- grep -q '^| divergence write RD-EVENTFD ret+errno | old | new | -1 EINVAL / ret=8 | 1 (differs) | 0 (matches) |' "$m/matrix.md"
expect 0 "" -- grep -q '^1 of 1 shown by their reproducer' "$m/matrix.md"
expect 0 "" -- grep -q 'Recorded before: z.trace: cause Z: a made-up cause' "$m/matrix.md"
expect 0 "" -- grep -q '^| gone |.*not run: qemu is missing |' "$m/matrix.md"
expect 0 "" -- grep -q '"shown_by_reproducer": true' "$m/matrix.json"
expect 0 "" -- grep -q '<!DOCTYPE html>' "$m/matrix.html"
expect 2 "expected NAME=DIR" -- "$pc" matrix --out "$m" nodir

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
