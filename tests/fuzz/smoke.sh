#!/usr/bin/env bash
# usage: smoke.sh FUZZER SEED_CORPUS_DIR
# Runs a libFuzzer target over its seed corpus, then for a short bounded time from it. New
# inputs go to a scratch directory, so the checked-in corpus is never written. Exit: the
# fuzzer's (0: no crash, leak or timeout).
set -euo pipefail
fuzzer=$1 corpus=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every seed once (a crash on a seed is a regression).
"$fuzzer" -runs=0 -rss_limit_mb=2048 -timeout=10 "$corpus"
# A bounded run: new inputs into $work, the seeds read from $corpus. A fixed seed and a fixed
# number of runs, not a time: the same inputs on every machine and every run, so the verdict
# does not depend on the run or the machine's speed (2000 runs take 5 to 15 s a target here).
"$fuzzer" -seed=1 -runs="${POLLCHECK_FUZZ_SMOKE_RUNS:-2000}" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work" "$corpus"
