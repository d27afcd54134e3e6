"""The binary kernel's inner loop on AArch64 cores we cannot time on, by LLVM's machine-code
analyser: binary MACs per cycle of the densest popcount loop of a compiled binary layer.

    /usr/bin/python3 bench/mca_aarch64.py [--bnnc build/bin/bnnc] [--model M.onnx]
                                          [--bnnc-arg=-mcpu=cortex-a55 ...]

Compiles the model (default: the benchmark's binary 3x3 conv 256 -> 256 @ 14,
build/bench-models/bconv3x3_256_14.onnx, made by bench/run_bench.py or gen_bench_models.py) with
`bnnc -target=aarch64 --emit=asm`, takes the innermost loop with the most `cnt` per instruction
(the bipolar XNOR-popcount loop), runs `llvm-mca-22 -mcpu=cortex-a72` and `-mcpu=cortex-a55` on
it (200 iterations) and prints cycles per iteration and binary MACs per cycle: each `cnt` counts
the bits of 16 bytes, 128 binary MACs.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def innermost_popcount_loop(asm):
    lines = asm.split("\n")
    labels = {}
    for i, line in enumerate(lines):
        m = re.match(r"^(\.LBB[\w]+):", line)
        if m:
            labels[m.group(1)] = i
    best = None
    for i, line in enumerate(lines):
        m = re.match(r"^\s+(?:b(?:\.\w+)?|cbnz|cbz)\s+(?:\w+,\s*)*(\.LBB\w+)\s*$", line)
        if not m or m.group(1) not in labels or labels[m.group(1)] >= i:
            continue
        body = [x for x in lines[labels[m.group(1)] + 1:i + 1]
                if x.strip() and not x.strip().startswith((".", "//"))]
        cnt = sum(1 for x in body if re.match(r"^\s+cnt\s", x))
        if cnt and (best is None or cnt / len(body) > best[0] / len(best[1])):
            best = (cnt, body)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bnnc", default=os.path.join(REPO, "build", "bin", "bnnc"))
    ap.add_argument("--model", default=os.path.join(REPO, "build", "bench-models", "bconv3x3_256_14.onnx"))
    ap.add_argument("--bnnc-arg", action="append", default=[])
    ap.add_argument("--mca", default="llvm-mca-22")
    args = ap.parse_args(argv)
    if not os.path.exists(args.model):
        sys.exit(f"mca_aarch64: no {args.model}; run bench/run_bench.py once (it makes the models)")
    with tempfile.TemporaryDirectory() as tmp:
        asm_path = os.path.join(tmp, "layer.s")
        subprocess.run([args.bnnc, args.model, "-target=aarch64", "--emit=asm", "-o", asm_path]
                       + args.bnnc_arg, check=True)
        found = innermost_popcount_loop(open(asm_path).read())
    if not found:
        sys.exit("mca_aarch64: no loop with cnt in the compiled layer")
    cnt, body = found
    print(f"{os.path.basename(args.model)} {' '.join(args.bnnc_arg)}: inner loop of "
          f"{len(body)} instructions, {cnt} cnt ({cnt * 128} binary MACs) per iteration")
    for cpu in ("cortex-a72", "cortex-a55"):
        out = subprocess.run([args.mca, "-mtriple=aarch64", f"-mcpu={cpu}", "-iterations=200"],
                             input="\n".join(body), capture_output=True, text=True, check=True).stdout
        cycles = int(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / 200
        print(f"  {cpu:11s} {cycles:6.1f} cycles/iteration  {cnt * 128 / cycles:5.1f} binary MACs/cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
