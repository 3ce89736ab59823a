#!/usr/bin/env bash
# One regression trace as a standalone C reproducer: emitted by pollcheck, compiled as a kernel
# developer would (-std=c99 -Wall -Wextra -Werror), and run against this kernel. Exit 0 when every
# step matches, 77 (a skip) when the kernel lacks what it needs, anything else a failure.
# usage: repro_trace.sh PATH/TO/pollcheck TRACE
set -u
pc=$1 trace=$2
cc=${CC_FOR_REPRO:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$pc" repro "$trace" -o "$work/repro.c" >"$work/emit.log" 2>&1; then
  echo "pollcheck repro failed:"; cat "$work/emit.log"; exit 1
fi
flags=()
grep -q '#include <liburing.h>' "$work/repro.c" && flags+=(-luring)
grep -q '#include <pthread.h>' "$work/repro.c" && flags=(-pthread "${flags[@]}")
if ! "$cc" -std=c99 -Wall -Wextra -Werror -o "$work/repro" "$work/repro.c" "${flags[@]}" 2>"$work/cc.log"; then
  echo "the reproducer does not compile:"; cat "$work/cc.log"; exit 1
fi
timeout 120 "$work/repro"
