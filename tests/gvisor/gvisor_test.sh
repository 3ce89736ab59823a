#!/usr/bin/env bash
# The gVisor tests (ctest label gvisor): pollcheck inside runsc, through ci/gvisor.
#
#   gvisor_test.sh campaign POLLCHECK [PROFILE]
#       a small campaign (seed 1, 50 sequences x 60 ops) at PROFILE (default: $GVISOR_PROFILE,
#       else compat). Findings are allowed: they are what gVisor does differently. Harness
#       artifacts are not: a finding of verdict bad-parameter, unsettled or skip, or one whose
#       signature says unsettled. The first trace of each finding is saved in ./gvisor-findings.
#   gvisor_test.sh replay POLLCHECK TRACE KNOWN
#       replays TRACE: exit 0 passes, 77 is a skip (gVisor lacks what the trace needs), 1 passes
#       only when TRACE is listed in KNOWN (tests/gvisor/known_differences.txt) and the output
#       shows no harness artifact; anything else fails.
#   gvisor_test.sh difference POLLCHECK TRACE
#       replays a trace of corpus/gvisor, a recorded difference: exit 1 passes (it still
#       differs), 0 fails (gVisor changed: the record is stale), 77 is a skip.
#
# Exit 77 (ctest: skipped) where runsc is missing or cannot start a sandbox (ci/gvisor says so).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
gvisor="$here/../../ci/gvisor"
mode=${1:?usage: gvisor_test.sh campaign|replay|difference POLLCHECK ...}
export POLLCHECK=${2:?usage: gvisor_test.sh campaign|replay|difference POLLCHECK ...}

# Harness artifacts in pollcheck's output: its own failures, never gVisor's behaviour.
#   run:    "FINDING 1 of 2 (bad-parameter): ...", "  new finding 1 (unsettled) in ...", a skip
#           counted as a finding ("FINDING 1 of 1 (skip): ..."), "unsettled  no verdict: ..."
#   replay: "X.trace: bad-parameter: step 4: ...", "X.trace: unsettled, no verdict: ...",
#           "observed: ret=2 UNSETTLED (...)"
artifacts() {
  grep -iE '(FINDING|new finding) [0-9]+( of [0-9]+)? \((bad-parameter|unsettled|skip[a-z]*)\)|(FINDING|new finding) .*\bunsettled\b|^unsettled +no verdict|^[^ ]+\.trace: (bad-parameter|unsettled)[:,]|\bUNSETTLED\b' <<<"$1"
}
# A replay that says it skipped ("X.trace: skipped: this implementation lacks ...") must exit 77.
# Replays TRACE under gVisor and prints what it said; sets out and rc, and fails the test on a
# harness artifact.
replay_without_artifacts() {
  out=$("$gvisor" pollcheck replay "$1" 2>&1)
  rc=$?
  echo "$out"
  if found=$(artifacts "$out"); then
    echo "FAIL: harness artifacts under gVisor (not gVisor's behaviour: pollcheck's own):"
    echo "$found"
    exit 1
  fi
}
skip_said() { grep -E '^[^ ]+\.trace: skip[a-z]*:' <<<"$1"; }

case "$mode" in
  campaign)
    profile=${3:-${GVISOR_PROFILE:-compat}}
    # The first trace of each finding, for a look afterwards (under ctest: in the build folder).
    saved_dir="$PWD/gvisor-findings"
    rm -rf "$saved_dir"
    out=$("$gvisor" pollcheck run --profile "$profile" --seed 1 --sequences 50 --ops 60 \
          --save-failures "$saved_dir" 2>&1)
    rc=$?
    echo "$out"
    if ((rc == 77)); then exit 77; fi
    if found=$(artifacts "$out"); then
      echo "FAIL: harness artifacts under gVisor (not gVisor's behaviour: pollcheck's own):"
      echo "$found"
      exit 1
    fi
    if ((rc != 0 && rc != 1)); then
      echo "FAIL: pollcheck run --profile $profile exited $rc under gVisor (0 or 1 expected)"
      exit 1
    fi
    echo "PASS: campaign at profile $profile under gVisor, exit $rc, no harness artifact"
    ;;
  replay)
    trace=${3:?replay needs TRACE}
    known=${4:?replay needs the known differences file}
    name=$(basename "$trace")
    # One line per trace: its file name, then '#' and why gVisor differs there.
    why=$(awk -v n="$name" '
      $1 == n { found = 1; at = index($0, "#"); why = at ? substr($0, at + 1) : ""
                sub(/^[ \t]+/, "", why); print why; exit }
      END { if (!found) exit 1 }' "$known")
    listed=$?
    if ((listed == 0)) && [[ -z $why ]]; then
      echo "FAIL: $known lists $name without saying why (NAME  # why)"
      exit 1
    fi
    replay_without_artifacts "$trace"
    if ((rc != 77)) && found=$(skip_said "$out"); then
      echo "FAIL: a skip reported as exit $rc, not 77:"
      echo "$found"
      exit 1
    fi
    case $rc in
      0) ((listed == 0)) && echo "note: $name agrees under gVisor: take it out of $known"
         exit 0 ;;
      77) exit 77 ;;
      1) if ((listed == 0)); then
           echo "PASS: a known gVisor difference: $why"
           exit 0
         fi
         echo "FAIL: $name diverges under gVisor; if gVisor is what differs, list it in $known with why"
         exit 1 ;;
      *) echo "FAIL: replay exited $rc under gVisor (0, 77, or 1 for a known difference)"
         exit 1 ;;
    esac
    ;;
  difference)
    # A trace of corpus/gvisor: a recorded difference, which must still show under gVisor.
    trace=${3:?difference needs TRACE}
    replay_without_artifacts "$trace"
    case $rc in
      1) echo "PASS: still a difference: $(sed -n 's/^# gVisor differs from Linux: //p' "$trace")"
         exit 0 ;;
      77) exit 77 ;;
      0) echo "FAIL: $(basename "$trace") no longer differs under this gVisor: take it out of corpus/gvisor"
         exit 1 ;;
      *) echo "FAIL: replay exited $rc under gVisor (1 expected: a recorded difference)"
         exit 1 ;;
    esac
    ;;
  *)
    echo "gvisor_test.sh: unknown mode $mode (campaign, replay or difference)" >&2
    exit 2 ;;
esac
