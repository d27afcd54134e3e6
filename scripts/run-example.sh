#!/usr/bin/env bash
# Sets everything up, compiles the bundled digits BNN with bnnc and runs it on the 450 held-out
# digits, checking its predictions against PyTorch's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="${BNNC_BUILD_DIR:-$root/build}"
out="$build/example"
mkdir -p "$out"
ex="$root/examples/digits"

echo "== bnnc examples/digits/digits.onnx -> object + header"
"$build/bin/bnnc" "$ex/digits.onnx" -o "$out/digits.o"
ls -l "$out/digits.o" "$out/digits.h"

echo "== bnnc --emit=exe, run on the 450 held-out digits"
"$build/bin/bnnc" "$ex/digits.onnx" --emit=exe -o "$out/digits"
"$out/digits" "$ex/test_inputs.npy" -o "$out/logits.npy"
/usr/bin/python3 "$ex/check_predictions.py" --logits "$out/logits.npy"
echo "== latency (450 images per run)"
"$out/digits" --bench 20 "$ex/test_inputs.npy"
