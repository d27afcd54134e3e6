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
# bnnc's objects see LLVM's headers as an ASan build (LLVM_ADDRESS_SANITIZER_BUILD), so their
# inlined allocator code poisons memory that Debian's uninstrumented libMLIR then reads: false
# use-after-poison reports. Manual poisoning is switched off; ASan's own checks stay.
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ $# -eq 0 ]; then set -- "$build/test"; fi
exec "$root/scripts/run-lit.sh" "$build/sanitize-results.txt" sanitized: -- "$@"
