#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite (lit: FileCheck, GoogleTest,
# end-to-end models against onnxruntime, ONNX backend node tests).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" || exit 1
build="${BNNC_BUILD_DIR:-$root/build}"
cmake --build "$build" --target bnnc-e2e-models bnnc-e2e-binarizers || exit 1
log="$build/test-results.txt"
/usr/lib/llvm-22/bin/lit -sv --time-tests "$build/test" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
failed=$(grep -Eo '^ *Failed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -1)
echo "${passed:-0} passed, ${failed:-0} failed"
exit $rc
