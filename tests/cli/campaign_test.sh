#!/usr/bin/env bash
# pollcheck campaign's contract: exit codes, the findings folders and the reports it leaves, a
# second run into the same place, and a stop by signal; and pollcheck mutants' score.
# usage: campaign_test.sh PATH/TO/pollcheck
set -u
pc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 passed=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failed=$((failed + 1)); fi
}

"$pc" campaign --time 5x --out "$work/x" >"$work/bad.out" 2>&1
check "a bad --time exits 2 and says what it expected" \
  bash -c '[ $1 -eq 2 ] && grep -q "expected a positive number of seconds" "$2"' - $? "$work/bad.out"

"$pc" campaign --sequences 40 --ops 50 --out "$work/clean" >"$work/clean.out" 2>&1
check "a clean campaign exits 0" [ $? -eq 0 ]
check "it reports the sequences it ran" grep -q '"sequences": 40' "$work/clean/report.json"
check "report.json names its schema" grep -q '"schema": "pollcheck-campaign-report/1"' "$work/clean/report.json"
check "report.md lists the rules" grep -q '^| epoll | EP-ET | doc |' "$work/clean/report.md"
check "report.html is one file that fetches nothing" bash -c 'grep -q "<svg" "$1" && ! grep -qE "(src|href)=\"https?:" "$1"' - "$work/clean/report.html"
check "report.ktap is KTAP with a test per mechanism" bash -c 'head -1 "$1" | grep -qx "KTAP version 1" && grep -q "^ok [0-9]* epoll$" "$1"' - "$work/clean/report.ktap"
check "a log (not a terminal) gets plain progress lines" grep -qE '^[0-9]+s elapsed, .* rules checked [0-9]+/[0-9]+$' "$work/clean.out"
check "the report carries the bug zoo's score, run after the campaign" \
  bash -c 'grep -q "^## Mutation score" "$1/report.md" && grep -q "\"reproduced\": " "$1/report.json"' - "$work/clean"

"$pc" campaign --sequences 40 --ops 50 --leave-out io_uring --mutants-time-each 0 --out "$work/no-uring" >/dev/null 2>&1
check "--leave-out leaves a mechanism out, and the report says so" \
  bash -c 'grep -q "left out by request" "$1/report.json" && ! grep -q "opcode=" "$1/report.md" &&
           grep -q "UR-SETUP # SKIP io_uring left out" "$1/report.ktap"' - "$work/no-uring"
check "--mutants-time-each 0 runs no zoo" bash -c '! grep -q "^## Mutation score" "$1/report.md"' - "$work/no-uring"

"$pc" campaign --sequences 40 --ops 50 --mechanisms select,poll,threads --mutants-time-each 0 --out "$work/some" \
  >/dev/null 2>&1
check "--mechanisms runs only those: the others are left out, and their rules skipped" \
  bash -c 'for m in epoll io_uring inet fifo unix; do grep -q "^- $m: left out by request" "$1/report.md" || exit 1; done
           grep -q "EP-CTL-EBADF # SKIP epoll left out" "$1/report.ktap" &&
           ! grep -qE "^- (select|poll|waiters): left out" "$1/report.md" &&
           grep -qE "^\| epoll \| EP-CTL-EBADF \| doc \| left out" "$1/report.md"' - "$work/some"
"$pc" campaign --mechanisms inet,threads --out "$work/x" >"$work/none.out" 2>&1
check "--mechanisms without a call that watches descriptors exits 2 and says why" \
  bash -c '[ $1 -eq 2 ] && grep -q "nothing left to watch descriptors with" "$2"' - $? "$work/none.out"

out="$work/mutant"
"$pc" campaign --mutant oneshot-no-disarm --sequences 200 --max-findings 1 --reduce-time 10 --out "$out" \
  >"$work/mutant.out" 2>&1
check "a campaign with findings exits 1" [ $? -eq 1 ]
folder=$(ls -d "$out"/findings/divergence-* 2>/dev/null | head -1)
check "the finding has its folder" [ -n "$folder" ]
for f in README.md first.trace reduced.trace repro.c repro.exit repro.out repro-mutant.out; do
  check "the folder holds $f" [ -s "$folder/$f" ]
done
check "the reduced trace is shorter than the first" \
  bash -c '[ $(grep -vc "^#" "$1/reduced.trace") -lt $(grep -vc "^#" "$1/first.trace") ]' - "$folder"
check "the reduced trace still diverges under the mutant" \
  bash -c '"$1" replay "$2/reduced.trace" >/dev/null 2>&1; [ $? -eq 1 ]' - "$pc" "$folder"
check "the README says what was expected and observed" grep -q '^  expected: ' "$folder/README.md"
check "the reproducer exits 1 under the mutant's conditions, 0 on the kernel alone" \
  bash -c 'head -1 "$1/repro.exit" | grep -qx 1 && grep -q "exits 0 on the kernel alone" "$1/repro.exit" &&
           grep -q "expected .*, observed " "$1/repro-mutant.out"' - "$folder"
check "report.ktap fails the rule the finding names" grep -q "^    not ok [0-9]* $(sed -n 's/^divergence-[a-z_]*-\([A-Z-]*[A-Z]\)-.*/\1/p' <<<"$(basename "$folder")") " "$out/report.ktap"
check "report.json links the folder" grep -q "\"folder\": \"findings/$(basename "$folder")\"" "$out/report.json"

"$pc" campaign --mutant oneshot-no-disarm --sequences 200 --max-findings 1 --reduce-time 10 --out "$out" \
  >"$work/again.out" 2>&1
check "run again into the same place, the folder is kept" grep -q "was there already, kept" "$work/again.out"
check "and the earlier report is kept under history/" bash -c 'ls "$1"/history/*/report.json >/dev/null' - "$out"

"$pc" campaign --time 60s --out "$work/stopped" >"$work/stopped.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q elapsed "$work/stopped.out" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
wait $pid
check "Ctrl-C stops it with 130" [ $? -eq 130 ]
check "and it still writes its report" grep -q '"stopped": "stopped by Interrupt"' "$work/stopped/report.json"

n=$("$pc" mutants --list | grep -c '^[a-z]')
"$pc" mutants --time-each 20s --out "$work" >"$work/mutants.out" 2>&1
check "pollcheck mutants detects every mutant of the zoo, and every reproducer fails under its mutant" \
  bash -c '[ $1 -eq 0 ] && grep -q "^Mutation score: $2 of $2 mutants detected, and $2 reproducers fail" "$3"' \
  - $? "$n" "$work/mutants.out"
check "and writes its table" grep -q '^| et-no-refire | .* | yes |' "$work/mutants.md"

echo "campaign contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
