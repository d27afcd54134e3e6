#!/usr/bin/env bash
# Configures (once) and builds the sanitized build of bnnc: ASan, UBSan and libFuzzer's coverage
# instrumentation on everything built here (tools, tests, runtime), in build-fuzz/ or
# $BNNC_SANITIZED_BUILD_DIR. Used by scripts/sanitize.sh and scripts/fuzz.sh, which share it.
# Usage: scripts/sanitized-build.sh [ninja targets]    (prints the build folder last)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BNNC_SANITIZED_BUILD_DIR:-$root/build-fuzz}"
"$root/scripts/setup.sh" --no-build >&2
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS=-gline-tables-only -DCMAKE_CXX_FLAGS=-gline-tables-only \
    -DLLVM_USE_SANITIZER="Address;Undefined" -DLLVM_USE_SANITIZE_COVERAGE=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >&2
fi
cmake --build "$build" ${1:+--target "$@"} >&2
echo "$build"
