"""Storage of a bnnc-compiled model against its ONNX file.

    /usr/bin/python3 bench/storage_report.py MODEL.onnx [--bnnc build/bin/bnnc] [-o MODEL.o]
                                             [--bnnc-arg ARG ...] [--json FILE]

Compiles MODEL with `bnnc MODEL -o OUT.o --remarks` (timed), then reports:
  * the ONNX file size, the object file size, and the object's sections (`size -A`): code
    (.text), constants (.rodata*, .data*), and .bss (static scratch memory: not stored in the file,
    reported separately);
  * ratio ONNX file / object file, and ONNX file / loaded image (text + constants + data: what a
    linked program carries; the object file also holds relocations and symbols);
  * the binary layers alone: every bnn.bconv2d / bnn.bmatmul weight constant of
    `--emit=mlir:binarize` (packed i64 words) against the float32 bytes those weights take in the
    ONNX file (Cout * kh * kw * Cin, or N * K), and the float constants that remain (stem, head,
    shortcuts, per-channel transforms);
  * how many Conv/Gemm/MatMul nodes --remarks reports binarized.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ELEM_BYTES = {"f32": 4, "f16": 2, "f64": 8, "i64": 8, "i32": 4, "i16": 2, "i8": 1, "i1": 1,
              "index": 8}
CONST = re.compile(r"^\s*(%[\w.$-]+) = (?:arith\.constant|\"tosa\.const\"\(\)).*"
                   r"(?::|->) (tensor<([0-9x]*)x?(\w+)>|(\w+))\s*$")
BINOP = re.compile(r"bnn\.(bconv2d|bmatmul) (%[\w.$-]+), (%[\w.$-]+), (%[\w.$-]+) \{([^}]*)\}")


def run(cmd, what, timeout=3600):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        sys.exit(f"storage_report: {what} failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return r


def sections(obj):
    out = run(["size", "-A", obj], "size -A").stdout
    sec = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            sec[parts[0]] = int(parts[1])
    return sec


def mlir_constants(bnnc, model, extra):
    """{name: (dims, elem)} of every constant, and the binary ops' weight operands."""
    text = run([bnnc, model, "--emit=mlir:binarize", "-o", "-"] + extra,
               "bnnc --emit=mlir:binarize").stdout
    consts, binops = {}, []
    for line in text.splitlines():
        if "tosa.const_shape" in line:
            continue
        m = CONST.match(line)
        if m:
            if m.group(3) is not None:
                dims = [int(d) for d in m.group(3).split("x") if d] if m.group(3) else []
                consts[m.group(1)] = (dims, m.group(4))
            else:
                consts[m.group(1)] = ([], m.group(5))
            continue
        for b in BINOP.finditer(line):
            attrs = b.group(5)
            k = re.search(r"\bk = (\d+)", attrs)
            cin = re.search(r"in_channels = (\d+)", attrs)
            binops.append({"op": b.group(1), "weight": b.group(4),
                           "k": int(k.group(1)) if k else None,
                           "in_channels": int(cin.group(1)) if cin else None})
    return consts, binops


def nbytes(dims, elem):
    n = 1
    for d in dims:
        n *= d
    return n * ELEM_BYTES.get(elem, 4)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Object size of a bnnc-compiled model against its "
                                             "ONNX file.")
    ap.add_argument("model")
    ap.add_argument("--bnnc", default=os.path.join(REPO, "build", "bin", "bnnc"))
    ap.add_argument("-o", dest="obj", help="the object to write (default: MODEL stem + .o in "
                                          "the current directory)")
    ap.add_argument("--bnnc-arg", action="append", default=[], metavar="ARG")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)

    obj = args.obj or os.path.splitext(os.path.basename(args.model))[0] + ".o"
    t0 = time.monotonic()
    r = run([args.bnnc, args.model, "-o", obj, "--remarks"] + args.bnnc_arg, "bnnc")
    compile_s = time.monotonic() - t0
    remarks = r.stderr.splitlines()
    n_bin = sum(1 for l in remarks if re.search(r"(Conv|MatMul/Gemm) binarized", l))
    n_float = sum(1 for l in remarks if re.search(r"(Conv|MatMul/Gemm) stays float", l))

    onnx_bytes = os.path.getsize(args.model)
    obj_bytes = os.path.getsize(obj)
    sec = sections(obj)
    text = sum(v for k, v in sec.items() if k.startswith(".text"))
    consts = sum(v for k, v in sec.items() if k.startswith(".rodata") or k.startswith(".data")
                 or k.startswith(".lrodata") or k.startswith(".ldata"))
    bss = sum(v for k, v in sec.items() if k.startswith(".bss") or k.startswith(".lbss"))
    image = text + consts

    cmap, binops = mlir_constants(args.bnnc, args.model, args.bnnc_arg)
    seen, packed, float32_equiv = set(), 0, 0
    for b in binops:
        if b["weight"] in seen or b["weight"] not in cmap:
            continue
        seen.add(b["weight"])
        dims, elem = cmap[b["weight"]]
        packed += nbytes(dims, elem)
        if b["op"] == "bconv2d":  # [Cout, kh, kw, words]
            float32_equiv += 4 * dims[0] * dims[1] * dims[2] * b["in_channels"]
        else:  # [N, words], K = k
            float32_equiv += 4 * dims[0] * b["k"]
    other = {}
    for name, (dims, elem) in cmap.items():
        if name not in seen:
            other[elem] = other.get(elem, 0) + nbytes(dims, elem)

    res = {"model": os.path.basename(args.model), "compile_s": round(compile_s, 2),
           "layers_binarized": n_bin, "layers_float": n_float,
           "onnx_bytes": onnx_bytes, "object_bytes": obj_bytes, "sections": sec,
           "text_bytes": text, "const_bytes": consts, "bss_bytes": bss, "image_bytes": image,
           "ratio_file": onnx_bytes / obj_bytes, "ratio_image": onnx_bytes / image,
           "binary_weights_packed_bytes": packed,
           "binary_weights_float32_bytes": float32_equiv,
           "ratio_binary_layers": float32_equiv / packed if packed else None,
           "other_constant_bytes_by_type": other}

    mb = lambda b: f"{b / 1e6:.3f} MB"
    print(f"{res['model']}: compiled in {compile_s:.1f} s; Conv/Gemm/MatMul binarized: {n_bin} "
          f"of {n_bin + n_float}")
    print(f"  ONNX file            {onnx_bytes:>12,} B  {mb(onnx_bytes)}")
    print(f"  object file          {obj_bytes:>12,} B  {mb(obj_bytes)}   ratio {res['ratio_file']:.2f}x")
    print(f"  image (text+consts)  {image:>12,} B  {mb(image)}   ratio {res['ratio_image']:.2f}x"
          f"   (.text {text:,} B, constants {consts:,} B)")
    print(f"  .bss (static scratch, not in the file)  {bss:,} B  {mb(bss)}")
    if packed:
        print(f"  binary layers: {len(seen)} weight tensors, packed {packed:,} B vs float32 "
              f"{float32_equiv:,} B: ratio {res['ratio_binary_layers']:.2f}x")
    print("  other constants: " + ", ".join(f"{e} {v:,} B" for e, v in sorted(other.items())))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
