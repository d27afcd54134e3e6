#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite (lit: FileCheck, GoogleTest,
# end-to-end models against onnxruntime, ONNX backend node tests).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" || exit 1
build="${BNNC_BUILD_DIR:-$root/build}"
cmake --build "$build" --target bnnc-e2e-models bnnc-e2e-binarizers || exit 1
exec "$root/scripts/run-lit.sh" "$build/test-results.txt" -- "$build/test"
