#!/usr/bin/env bash
# The implementation matrix, short: one kernel from the cache booted under qemu, and gVisor, each
# running a small campaign through ci/kernel-matrix, then the matrix read back. Skipped (77) where
# no kernel is cached (ci/debian-kernel 6.12 fetches one), or qemu or runsc is missing.
# usage: matrix_test.sh SOURCE_DIR
set -u
src=$1
cache=${POLLCHECK_CACHE:-$HOME/.cache/pollcheck}
kernel=$(ls "$cache"/kernels/*.vmlinuz 2>/dev/null | sort -V | tail -1)
[[ -n $kernel ]] || { echo "SKIP: no kernel in $cache/kernels (ci/debian-kernel 6.12 fetches one)"; exit 77; }
for tool in qemu-system-x86_64 busybox cpio runsc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing (ci/deps matrix gvisor)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 passed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failed=$((failed + 1)); fi
}

"$src/ci/kernel-matrix" --targets host,gvisor --kernel "$kernel" --sequences 20 --reduce-time 20 --out "$work/m" \
  >"$work/matrix.out" 2>&1
status=$?
check "the matrix exits 0 or 1 (no target differs, or some do)" [ $status -le 1 ]
check "it writes matrix.json, .md and .html" [ -s "$work/m/matrix.json" -a -s "$work/m/matrix.md" -a -s "$work/m/matrix.html" ]
check "the booted kernel ran its campaign and says its release" \
  grep -q "^| kernel-1 | $(basename "$kernel" .vmlinuz | sed 's/^linux-image-//; s/-unsigned$//; s/-amd64$//')" "$work/m/matrix.md"
check "gVisor ran, and gives its own release" grep -q '^| gvisor | 4\.' "$work/m/matrix.md"
check "the host ran directly" grep -q "^| host | $(uname -r) | directly |" "$work/m/matrix.md"
check "it shows every release-conditioned rule on every target" \
  grep -q '^| RD-EVENTFD-WRITE-LEN | .* | 6.9 | .* | .*program .* | .*program .* | .*program .* |$' "$work/m/matrix.md"
check "the regression corpus ran as programs too" \
  bash -c 'for t in host gvisor kernel-1; do [ -s "$1/targets/$t/regress-repro-exits.tsv" ] || exit 1; done' - "$work/m"
check "every target's campaign left a report" bash -c 'for t in host gvisor kernel-1; do [ -s "$1/targets/$t/campaign/report.json" ] || exit 1; done' - "$work/m"
if [ $status -eq 1 ]; then
  check "a difference's reproducer ran on every target" \
    bash -c 'for t in host gvisor kernel-1; do [ -s "$1/targets/$t/repro-exits.tsv" ] || exit 1; done' - "$work/m"
fi
echo "matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
