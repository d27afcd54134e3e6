#!/usr/bin/env bash
# Builds bnnc-fuzz with libFuzzer, ASan and UBSan (the sanitized build, scripts/sanitized-build.sh)
# and runs it on a corpus seeded with every model of the test suite (docs/fuzzing.md).
#
# Usage: scripts/fuzz.sh [libFuzzer flags]     for example
#   scripts/fuzz.sh -runs=1000000              one million executions
#   scripts/fuzz.sh -max_total_time=3600       one hour
#   BNNC_FUZZ_LOWER=1 scripts/fuzz.sh ...      also lower each model that binarizes
#
# The corpus (build-fuzz/corpus) is kept between runs. Crashes, leaks and timeouts (an input
# that takes more than 10 s) land in build-fuzz/crashes/; replay one with
#   build-fuzz/bin/bnnc-fuzz build-fuzz/crashes/crash-...
# and add it to test/tools/bnnc-fuzz/inputs/ once fixed (test/tools/bnnc-fuzz/replay.test runs
# them all).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$("$root/scripts/sanitized-build.sh" bnnc-fuzz bnnc-e2e-models bnnc-e2e-binarizers)"

# Seeds: the generated end-to-end models, the ONNX backend node tests' models and the text
# models of the lit tests (converted to binary; those that do not parse are skipped).
seeds="$build/seeds"
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds.tmp"
  cp "$build"/test/e2e-models/*.onnx "$build"/test/e2e-binarizers/*.onnx "$seeds.tmp/"
  for m in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
    cp "$m" "$seeds.tmp/node-$(basename "$(dirname "$m")").onnx"
  done
  /usr/bin/python3 - "$root/test" "$seeds.tmp" <<'PY'
import pathlib, sys
import onnx.parser
out = pathlib.Path(sys.argv[2])
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.onnxtxt")):
    try:
        m = onnx.parser.parse_model(p.read_text())
    except Exception:
        continue
    (out / ("lit-" + p.stem + ".onnx")).write_bytes(m.SerializeToString())
PY
  mv "$seeds.tmp" "$seeds"
fi
# Models the generators gained since the seeds were made.
cp -u "$build"/test/e2e-models/*.onnx "$build"/test/e2e-binarizers/*.onnx "$seeds/"

mkdir -p "$build/corpus" "$build/crashes"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
# bnnc's objects see LLVM's headers as an ASan build (LLVM_ADDRESS_SANITIZER_BUILD), so their
# inlined allocator code poisons memory that Debian's uninstrumented libMLIR then reads: false
# use-after-poison reports. Manual poisoning is switched off; ASan's own checks stay.
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
exec "$build/bin/bnnc-fuzz" "$build/corpus" "$seeds" \
  -timeout=10 -rss_limit_mb=4096 -max_len=131072 -print_final_stats=1 \
  -artifact_prefix="$build/crashes/" "$@"
