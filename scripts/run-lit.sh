#!/usr/bin/env bash
# Runs lit over the given tests, keeps its output in LOG, and prints the closing
# "N passed, N failed" line that CI reads. Exit status: lit's.
# Usage: scripts/run-lit.sh LOG [PREFIX] -- LIT_ARGUMENTS...
set -uo pipefail
log="$1"; shift
prefix=""
if [ "${1:-}" != "--" ]; then prefix="$1 "; shift; fi
shift # --
/usr/lib/llvm-22/bin/lit -sv --time-tests "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
failed=$(grep -Eo '^ *Failed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
echo "${prefix}${passed:-0} passed, ${failed:-0} failed"
exit $rc
