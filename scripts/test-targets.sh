#!/usr/bin/env bash
# Runs every end-to-end model (BUILD/test/e2e-models, plus the digits example) for every target:
# compiled by bnnc with --emit=exe, run natively or under qemu-user, outputs compared with
# onnxruntime's (test/e2e/check_model.py; digits: examples/digits/check_predictions.py).
# Prints a models x targets table and the run time. See docs/targets.md.
#
# Usage: scripts/test-targets.sh [-j JOBS] [TARGET ...]
#   default targets: x86_64 aarch64 armv7 riscv64 riscv64-rvv native; JOBS: the number of CPUs.
#   `native` is this machine with -mcpu=native (AVX-512 kernels where the CPU has them).
# Needs a built bnnc and the generated models (scripts/setup.sh, then
# cmake --build build --target bnnc-e2e-models) and the cross packages setup.sh installs.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BNNC_BUILD_DIR:-$root/build}"
jobs="$(nproc 2>/dev/null || echo 2)"
if [ "${1:-}" = "-j" ]; then jobs="$2"; shift 2; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64 aarch64 armv7 riscv64 riscv64-rvv native)

bnnc="$build/bin/bnnc"
models="$build/test/e2e-models"
python=/usr/bin/python3 # Debian's: it sees python3-numpy/onnx
node="$(command -v node || command -v nodejs)"
out="$build/test-targets"
[ -x "$bnnc" ] || { echo "test-targets: no $bnnc; build bnnc first" >&2; exit 1; }
[ -f "$models/manifest.json" ] || cmake --build "$build" --target bnnc-e2e-models || exit 1
export BNNC_RUNTIME_DIR="${BNNC_RUNTIME_DIR:-$root/runtime}"

# The qemu-user command for a target (empty: this machine runs it).
runner() {
  case "$1" in
    aarch64*) echo "qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
    arm*) echo "qemu-arm -L /usr/arm-linux-gnueabihf" ;;
    riscv64*) echo "qemu-riscv64 -L /usr/riscv64-linux-gnu -cpu rv64,v=true,zbb=true,vext_spec=v1.0,vlen=128" ;;
    *) echo "" ;;
  esac
}

# One cell: MODEL TARGET -> $out/MODEL/TARGET/{log,status}.
# bnnc's target flags, and check_model.py's (its --target also picks the qemu runner): `native`
# is the host with -mcpu=native.
target_flags() {
  if [ "$1" = native ]; then echo "-mcpu=native"; else echo "-target=$1"; fi
}
checker_flags() {
  if [ "$1" = native ]; then echo "--bnnc-arg=-mcpu=native"; else echo "--target $1"; fi
}

cell() {
  local model="$1" target="$2" dir="$out/$1/$2" start status
  rm -rf "$dir" && mkdir -p "$dir"
  start=$(date +%s%N)
  if [ "$model" = digits ]; then
    {
      "$bnnc" "$root/examples/digits/digits.onnx" --emit=exe "$(target_flags "$target")" -o "$dir/prog" &&
        $(runner "$target") "$dir/prog" "$root/examples/digits/test_inputs.npy" -o "$dir/logits.npy" &&
        "$python" "$root/examples/digits/check_predictions.py" --logits "$dir/logits.npy"
    } > "$dir/log" 2>&1
  else
    local inputs=("$models/$model".in*.npy)
    "$python" "$root/test/e2e/check_model.py" --bnnc "$bnnc" --node "$node" \
      --ort-runner "$root/test/reference/run_ort.js" "$models/$model.onnx" \
      --inputs "${inputs[@]}" --workdir "$dir/work" $(checker_flags "$target") > "$dir/log" 2>&1
  fi
  status=$?
  awk -v s="$([ $status = 0 ] && echo PASS || echo FAIL)" -v t0="$start" -v t1="$(date +%s%N)" \
    'BEGIN { printf "%s %.1f\n", s, (t1 - t0) / 1e9 }' > "$dir/status"
}
export -f cell runner target_flags checker_flags
export root bnnc models python node out

names=()
for f in "$models"/*.onnx; do names+=("$(basename "$f" .onnx)"); done
names+=(digits)

start=$(date +%s)
for m in "${names[@]}"; do for t in "${targets[@]}"; do echo "$m $t"; done; done |
  xargs -P "$jobs" -n 2 bash -c 'cell "$0" "$1"'
elapsed=$(( $(date +%s) - start ))

# The table: PASS/FAIL and seconds per cell.
width=16
printf "%-${width}s" "model"
for t in "${targets[@]}"; do printf " %-13s" "$t"; done
echo
pass=0 fail=0
for m in "${names[@]}"; do
  printf "%-${width}s" "$m"
  for t in "${targets[@]}"; do
    read -r s secs < "$out/$m/$t/status" 2>/dev/null || { s=FAIL; secs=0; }
    [ "$s" = PASS ] && pass=$((pass + 1)) || fail=$((fail + 1))
    printf " %-13s" "$s ${secs}s"
  done
  echo
done
echo
echo "$pass passed, $fail failed; ${elapsed}s with $jobs jobs (logs: $out/MODEL/TARGET/log)"
if [ $fail -gt 0 ]; then
  for m in "${names[@]}"; do for t in "${targets[@]}"; do
    if ! grep -q PASS "$out/$m/$t/status" 2>/dev/null; then
      echo "--- $m [$t]"; tail -15 "$out/$m/$t/log"
    fi
  done; done
  exit 1
fi
