#!/usr/bin/env bash
# The whole test suite (lit: FileCheck, GoogleTest, end-to-end models, ONNX backend node tests)
# on the sanitized build: bnnc, bnnc-opt, the unit tests and the runtime with ASan and UBSan,
# and every model program the tests link for this machine too (BNNC_HOST_CFLAGS, test/lit.cfg.py).
# Cross-target programs run under qemu unsanitized. Any sanitizer report fails its test.
# Usage: scripts/sanitize.sh [lit arguments, for example a test folder]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$("$root/scripts/sanitized-build.sh")" || exit 1
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
log="$build/sanitize-results.txt"
if [ $# -eq 0 ]; then set -- "$build/test"; fi
/usr/lib/llvm-22/bin/lit -sv --time-tests "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
failed=$(grep -Eo '^ *Failed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
echo "sanitized: ${passed:-0} passed, ${failed:-0} failed"
exit $rc
