#!/usr/bin/env bash
# The binarizer end-to-end models (BUILD/test/e2e-binarizers) on every target, under qemu-user
# for the foreign ones: QONNX models against the numpy reference, the others against
# onnxruntime. Prints one line per model and target, then a summary. See docs/targets.md.
# Usage: scripts/test-targets-binarizers.sh [TARGET ...] (as scripts/test-targets.sh; `native`
# is this machine with -mcpu=native)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BNNC_BUILD_DIR:-$root/build}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64 aarch64 armv7 riscv64 riscv64-rvv native)
models="$build/test/e2e-binarizers"
cmake --build "$build" --target bnnc-e2e-binarizers >/dev/null || exit 1 # regenerated when its script changed
export BNNC_RUNTIME_DIR="${BNNC_RUNTIME_DIR:-$root/runtime}"
node="$(command -v node || command -v nodejs)"
work="$build/test-targets-binarizers"
pass=0 fail=0
start=$(date +%s)
for onnx in "$models"/*.onnx; do
  name="$(basename "$onnx" .onnx)"
  for t in "${targets[@]}"; do
    if [[ "$name" == qonnx_* ]]; then
      checker=("$root/test/e2e/check_qonnx.py")
    else
      checker=("$root/test/e2e/check_model.py" --node "$node" --ort-runner "$root/test/reference/run_ort.js")
    fi
    # check_model.py's --target also picks the qemu runner; `native` is the host, -mcpu=native.
    if [ "$t" = native ]; then flags=(--bnnc-arg=-mcpu=native); else flags=(--target "$t"); fi
    line=$(/usr/bin/python3 "${checker[@]}" --bnnc "$build/bin/bnnc" "${flags[@]}" "$onnx" \
             --inputs "$models/$name.in0.npy" --workdir "$work/$name/$t" 2>&1 | head -1)
    if [[ "$line" == PASS* ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    printf '%-12s %s\n' "$t" "$line"
  done
done
echo "binarizer models x targets: $pass passed, $fail failed in $(( $(date +%s) - start )) s"
[ "$fail" -eq 0 ]
