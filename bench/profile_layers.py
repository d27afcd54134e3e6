#!/usr/bin/env python3
"""Where a compiled model's time goes, per layer: perf samples of each kernel function, named by
the ONNX nodes it computes.

bnnc emits each layer's loop nest as its own function, `NAME_with_scratch_kernelN`, never
inlined, and layers of the same shape share one (bnn-outline-kernels). This script compiles the
model to a program (`--emit=exe`), runs its `--bench` loop under `perf record`, and maps every
kernel back to the ONNX nodes whose calls it serves, through the call sites' locations in
`--emit=mlir -mlir-print-debuginfo`. The cost report (`--report=json`) gives each node's MACs.

    /usr/bin/python3 bench/profile_layers.py build/bench-models/reactnet_a.onnx \\
        --input build/bench-models/reactnet_a.in0.npy --bnnc-arg=-mcpu=native

Needs `perf` (linux-perf) allowed to sample user code. Run it alone and pinned (--cpu), as the
benchmark.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"profile_layers: {' '.join(cmd)} failed:\n{r.stderr.strip()}")
    return r


def kernel_nodes(mlir_text):
    """{kernel symbol: [ONNX node names of its call sites]} from the LLVM-dialect module."""
    locs = dict(re.findall(r'^(#loc\d+) = loc\((.*)\)$', mlir_text, re.M))

    def name(ref, depth=0):
        v = locs.get(ref, ref)
        m = re.match(r'"([^"]+)"', v)
        if m:
            return m.group(1)
        m = re.search(r'(#loc\d+)', v)
        return name(m.group(1), depth + 1) if m and depth < 8 else v

    calls = {}
    for m in re.finditer(r'llvm\.call @(\w+_kernel\d+)\(.*?loc\((#loc\d+)\)', mlir_text):
        calls.setdefault(m.group(1), []).append(name(m.group(2)))
    return calls


def node_macs(report):
    """{ONNX node: (MACs, binary)} of the report's conv/matmul layers."""
    out = {}
    for layer in report.get("layers", []):
        macs = layer["bops"] if layer.get("binary") else layer.get("macs", 0)
        if not macs:
            continue
        for n in layer["nodes"]:
            out[n] = (macs, bool(layer.get("binary")))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--input", action="append", default=[], help=".npy input (one per model input)")
    ap.add_argument("--bnnc", default=os.path.join(REPO, "build", "bin", "bnnc"))
    ap.add_argument("--bnnc-arg", action="append", default=[], help="extra bnnc argument, e.g. -mcpu=native")
    ap.add_argument("--runs", type=int, default=200, help="runs of the --bench loop under perf")
    ap.add_argument("--cpu", default="1", help="CPU to pin to (taskset -c); empty for none")
    ap.add_argument("--top", type=int, default=30, help="rows to print")
    ap.add_argument("--json", help="write the rows as JSON here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bnnc-profile-") as wd:
        exe = os.path.join(wd, "model.exe")
        run([args.bnnc, args.model, "--emit=exe", "-o", exe] + args.bnnc_arg)
        mlir = run([args.bnnc, args.model, "--emit=mlir", "-mlir-print-debuginfo", "-o", "-"] + args.bnnc_arg).stdout
        report = json.loads(run([args.bnnc, args.model, "--report=json", "-o", "-"] + args.bnnc_arg).stdout)
        data = os.path.join(wd, "perf.data")
        pin = ["taskset", "-c", args.cpu] if args.cpu else []
        bench = run(pin + ["perf", "record", "-q", "-o", data, exe, "--bench", str(args.runs)] + args.input)
        m = re.search(r"min ([0-9.]+) ms\s+median ([0-9.]+) ms", bench.stdout)
        if not m:
            sys.exit(f"profile_layers: no timing in the program's output:\n{bench.stdout}")
        tmin, tmed = float(m.group(1)), float(m.group(2))
        rep = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol"]).stdout

    shares = {}
    for line in rep.splitlines():
        m = re.match(r"\s*([0-9.]+)%\s+\[[.k]\]\s+(\S+)", line)
        if m:
            shares[m.group(2)] = shares.get(m.group(2), 0.0) + float(m.group(1))
    calls = kernel_nodes(mlir)
    macs = node_macs(report)
    rows = []
    for sym, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        nodes = calls.get(sym, [])
        unique = list(dict.fromkeys(nodes))
        layer_macs = sum(macs.get(n, (0, False))[0] for n in nodes)
        binary = any(macs.get(n, (0, False))[1] for n in nodes)
        rows.append({"symbol": sym, "share_pct": share, "ms_at_median": share / 100 * tmed,
                     "calls": len(nodes), "nodes": unique, "macs": layer_macs,
                     "binary": binary})

    print(f"{os.path.basename(args.model)}: min {tmin} ms, median {tmed} ms per run; "
          f"shares of the perf samples, ms = share x median")
    print(f"{'share':>6}  {'ms':>7}  {'calls':>5}  {'G MACs':>7}  kernel / ONNX nodes")
    for r in rows[:args.top]:
        who = r["nodes"][0] + (f" (+{len(r['nodes']) - 1} more)" if len(r["nodes"]) > 1 else "") if r["nodes"] else r["symbol"]
        kind = "bin" if r["binary"] else ("flt" if r["macs"] else "")
        gm = f"{r['macs'] / 1e9:.3f}" if r["macs"] else "-"
        print(f"{r['share_pct']:5.1f}%  {r['ms_at_median']:7.3f}  {r['calls']:5d}  {gm:>7} {kind:3} {who}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"model": args.model, "min_ms": tmin, "median_ms": tmed, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
