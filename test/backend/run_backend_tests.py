"""Runs ONNX's backend node tests (model.onnx + test_data_set_*/input_*.pb, output_*.pb) through
bnnc: compile each model to a program, run it on every data set, compare with the expected
outputs.

    python3 run_backend_tests.py --bnnc BNNC [--data-dir DIR] [--report FILE] [--min-pass N]
                                 [--jobs 2] [--filter REGEX] [--fold {none,shape,params}]
                                 [--workdir DIR] [--verbose]

Only tests whose nodes all belong to the ops `bnnc --list-ops` names are run; the rest are skipped, as are tests
with non-tensor inputs/outputs or element types that .npy cannot hold (string, bfloat16).

bnnc compiles for static shapes, and exported models carry shapes and parameters as initializers,
while the node tests feed them as runtime inputs. So, by default (--fold params), operands that
determine shapes (Reshape's shape, Slice's starts/ends/axes/steps, Pad's pads, the axes of
Squeeze/Unsqueeze/ReduceSum, Split's split, ConstantOfShape's input, Clip's bounds, Dropout's
ratio/training_mode) and parameter operands (Conv/Gemm/MatMul weights and biases, BatchNorm
statistics, PRelu slopes, Quantize/DequantizeLinear scales and zero points) are turned into
initializers before compiling. --fold shape folds only the first kind, --fold none nothing.

Comparison: floats pass if |out - expected| <= atol + rtol * |expected| (rtol 1e-4, atol 1e-5;
NaN matches NaN); integer and boolean outputs must be equal. Shapes must match.

Per test: PASS, FAIL(compile), FAIL(run), FAIL(mismatch); then `backend: N passed, M failed,
K skipped` and a per-op table. Exits 1 only if fewer than --min-pass tests passed (or on a usage
error), so failures are reported without failing the build while the compiler grows.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

def supported_ops(bnnc):
    """The ONNX-domain ops of `bnnc --list-ops` (the importer's own table). Ops bnnc evaluates
    only at compile time count if this script makes all their inputs constant (Constant,
    ConstantOfShape); a node test feeds the others (Shape, Range, ...) at run time."""
    out = subprocess.run([bnnc, "--list-ops"], capture_output=True, text=True, check=True).stdout
    ops = set()
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[1] != "ai.onnx":
            continue
        compile_time = "evaluated at compile time" in cells[2]
        if not compile_time or cells[0] == "Constant" or cells[0] in SHAPE_OPERANDS:
            ops.add(cells[0])
    return ops


# (op type) -> input positions that determine shapes: constant in any statically shaped model.
SHAPE_OPERANDS = {
    "Reshape": (1,),
    "Slice": (1, 2, 3, 4),
    "Pad": (1, 2, 3),
    "Squeeze": (1,),
    "Unsqueeze": (1,),
    "Split": (1,),
    "ReduceSum": (1,),
    "ReduceMean": (1,),
    "ReduceMax": (1,),
    "Expand": (1,),
    "Tile": (1,),
    "ReduceMin": (1,),
    "ConstantOfShape": (0,),
    "Clip": (1, 2),
    "Dropout": (1, 2),
}
# (op type) -> input positions that hold parameters (initializers in exported models).
PARAM_OPERANDS = {
    "Conv": (1, 2),
    "ConvTranspose": (1, 2),
    "Gemm": (1, 2),
    "MatMul": (1,),
    "BatchNormalization": (1, 2, 3, 4),
    "PRelu": (1,),
    "QuantizeLinear": (1, 2),
    "DequantizeLinear": (1, 2),
}

RTOL = 1e-4
ATOL = 1e-5
COMPILE_TIMEOUT = 300
RUN_TIMEOUT = 120

# ONNX TensorProto element types .npy can hold.
NPY_ELEM_TYPES = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13}


def default_data_dir():
    return "/usr/share/libonnx-testdata/data/node"


class Test:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.op = None
        self.status = None  # PASS, FAIL(compile), FAIL(run), FAIL(mismatch), SKIP
        self.detail = ""
        self.folded = 0


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def primary_op(test_name, ops):
    """The op a test is about: its only op, else the op whose snake_case name the test is named
    after (longest match), else None."""
    if len(set(ops)) == 1:
        return ops[0]
    base = test_name[len("test_"):] if test_name.startswith("test_") else test_name
    best = None
    for op in set(ops):
        s = snake(op)
        if base == s or base.startswith(s + "_"):
            if best is None or len(s) > len(snake(best)):
                best = op
    return best


def classify(test, supported):
    """Loads the model; sets test.op and returns a skip reason or None."""
    import onnx

    model = onnx.load(os.path.join(test.path, "model.onnx"))
    ops = [n.op_type for n in model.graph.node]
    test.op = primary_op(test.name, ops) or "(several ops)"
    foreign = sorted({n.op_type for n in model.graph.node if n.domain not in ("", "ai.onnx")})
    if foreign:
        return f"custom-domain op {', '.join(foreign)}"
    unsupported = sorted(set(ops) - supported)
    if unsupported:
        return f"unsupported op {', '.join(unsupported)}"
    for vi in list(model.graph.input) + list(model.graph.output):
        kind = vi.type.WhichOneof("value")
        if kind != "tensor_type":
            return f"non-tensor value '{vi.name}' ({kind})"
        if vi.type.tensor_type.elem_type not in NPY_ELEM_TYPES:
            et = onnx.TensorProto.DataType.Name(vi.type.tensor_type.elem_type)
            return f"element type {et} of '{vi.name}'"
    sets = data_sets(test.path)
    if not sets:
        return "no test data set"
    for n in model.graph.node:
        if n.op_type == "Dropout" and len(n.input) > 2 and n.input[2]:
            # Training-mode Dropout with a non-zero ratio is random: nothing can match it.
            names = [vi.name for vi in model.graph.input]
            values = dict(zip(names, read_pbs(os.path.join(test.path, sets[0]), "input_")))
            training = values.get(n.input[2])
            ratio = values.get(n.input[1]) if n.input[1] else np.float32(0.5)
            if training is None or ratio is None or (bool(training) and float(ratio) != 0.0):
                return "training-mode Dropout (random)"
    return None


def data_sets(path):
    return sorted(d for d in os.listdir(path)
                  if d.startswith("test_data_set_") and os.path.isdir(os.path.join(path, d)))


def read_pbs(d, prefix):
    from onnx import TensorProto, numpy_helper

    files = sorted((f for f in os.listdir(d) if f.startswith(prefix) and f.endswith(".pb")),
                   key=lambda f: int(f[len(prefix):-3]))
    arrays = []
    for f in files:
        t = TensorProto()
        with open(os.path.join(d, f), "rb") as fh:
            t.ParseFromString(fh.read())
        arrays.append(numpy_helper.to_array(t))
    return arrays


def prepare_model(test, fold, first_inputs, out_path):
    """Writes the model with the chosen operands folded into initializers (values taken from the
    first data set). Returns the indices (among graph inputs) still fed at run time."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(os.path.join(test.path, "model.onnx"))
    g = model.graph
    inits = {t.name for t in g.initializer}
    inputs = [vi for vi in g.input if vi.name not in inits]
    to_fold = set()
    if fold != "none":
        table = dict(SHAPE_OPERANDS)
        if fold == "params":
            for op, pos in PARAM_OPERANDS.items():
                table[op] = tuple(sorted(set(table.get(op, ())) | set(pos)))
        for n in g.node:
            for p in table.get(n.op_type, ()):
                if p < len(n.input) and n.input[p]:
                    to_fold.add(n.input[p])
    keep = []
    for k, vi in enumerate(inputs):
        # Values come from the first data set (each node test has exactly one).
        if vi.name in to_fold and k < len(first_inputs):
            g.initializer.append(numpy_helper.from_array(first_inputs[k], vi.name))
            test.folded += 1
        else:
            keep.append(k)
    if test.folded and model.ir_version >= 4:
        # IR >= 4 lets initializers stand alone; older IR versions keep them listed as inputs.
        folded_names = {vi.name for k, vi in enumerate(inputs) if k not in keep}
        remaining = [vi for vi in g.input if vi.name not in folded_names]
        del g.input[:]
        g.input.extend(remaining)
    onnx.save(model, out_path)
    return keep


def compare(out, exp):
    """Returns None if equal within tolerance, else a description."""
    if out.shape != exp.shape:
        return f"shape {list(out.shape)} != expected {list(exp.shape)}"
    if exp.dtype.kind in "biu":
        if exp.dtype.kind == "b":
            eq = (out.astype(np.float64) != 0) == exp
        else:
            eq = out.astype(np.float64) == exp.astype(np.float64)
        if not np.all(eq):
            idx = np.argwhere(~eq)[0]
            i = tuple(int(v) for v in idx)
            return (f"{int((~eq).sum())} of {eq.size} values differ; at {list(i)}: "
                    f"got {out[i]!r}, expected {exp[i]!r}")
        return None
    o = out.astype(np.float64)
    e = exp.astype(np.float64)
    nan_ok = np.isnan(o) == np.isnan(e)
    with np.errstate(invalid="ignore"):
        close = np.isclose(o, e, rtol=RTOL, atol=ATOL, equal_nan=True) & nan_ok
    if not np.all(close):
        i = tuple(int(v) for v in np.argwhere(~close)[0])
        with np.errstate(invalid="ignore"):
            err = np.nanmax(np.where(np.isfinite(o) & np.isfinite(e), np.abs(o - e), 0.0))
        return (f"{int((~close).sum())} of {close.size} values off, max_abs_err={err:.3g}; "
                f"at {list(i)}: got {o[i]:.9g}, expected {e[i]:.9g}")
    return None


def first_lines(text, n=3):
    lines = [l for l in (text or "").strip().splitlines() if l.strip()]
    s = " | ".join(lines[:n])
    return s[:400] + ("..." if len(s) > 400 else "")


def run_test(test, args, root):
    work = os.path.join(root, test.name)
    os.makedirs(work, exist_ok=True)
    try:
        sets = data_sets(test.path)
        inputs0 = read_pbs(os.path.join(test.path, sets[0]), "input_")
        model_path = os.path.join(work, "model.onnx")
        keep = prepare_model(test, args.fold, inputs0, model_path)
        prog = os.path.join(work, "prog")
        cmd = [args.bnnc, model_path, "--emit=exe", "-o", prog]
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=COMPILE_TIMEOUT)
            ok = r.returncode == 0 and os.path.isfile(prog)
            why = first_lines(r.stdout) or (f"exit {r.returncode}" if r.returncode else
                                            "no program written")
        except subprocess.TimeoutExpired:
            ok, why = False, f"timed out after {COMPILE_TIMEOUT} s"
        except OSError as e:
            ok, why = False, f"cannot execute {args.bnnc}: {e.strerror}"
        if not ok:
            test.status, test.detail = "FAIL(compile)", why
            return test

        for s in sets:
            d = os.path.join(test.path, s)
            ins = read_pbs(d, "input_")
            exps = read_pbs(d, "output_")
            cmd = [prog]
            for k in keep:
                f = os.path.join(work, f"{s}.in{k}.npy")
                np.save(f, ins[k])
                cmd.append(f)
            outs = []
            for k in range(len(exps)):
                f = os.path.join(work, f"{s}.out{k}.npy")
                if os.path.exists(f):
                    os.remove(f)
                outs.append(f)
                cmd += ["-o", f]
            try:
                r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, timeout=RUN_TIMEOUT)
                rc = r.returncode
                why = first_lines(r.stdout)
            except subprocess.TimeoutExpired:
                rc, why = None, f"timed out after {RUN_TIMEOUT} s"
            if rc != 0:
                how = (why if rc is None else
                       f"killed by signal {-rc}" if rc < 0 else f"exit {rc}")
                test.status = "FAIL(run)"
                test.detail = f"{s}: {how}" + (f": {why}" if why and rc is not None else "")
                return test
            for k, f in enumerate(outs):
                try:
                    out = np.load(f)
                except (OSError, ValueError) as e:
                    test.status, test.detail = "FAIL(run)", f"{s}: output {k} unreadable: {e}"
                    return test
                bad = compare(out, exps[k])
                if bad:
                    test.status, test.detail = "FAIL(mismatch)", f"{s}: output {k}: {bad}"
                    return test
        test.status = "PASS"
        return test
    except Exception as e:  # a harness error must not hide the other results
        test.status, test.detail = "FAIL(run)", f"harness error: {type(e).__name__}: {e}"
        return test
    finally:
        if not args.keep and test.status == "PASS":
            shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run ONNX backend node tests through bnnc.")
    ap.add_argument("--bnnc", required=True, help="the bnnc compiler")
    ap.add_argument("--data-dir", default=default_data_dir(),
                    help="ONNX backend node test directory (default: %(default)s); a directory "
                         "holding node/ is accepted too")
    ap.add_argument("--report", help="also write the full report to this file")
    ap.add_argument("--min-pass", type=int, default=0,
                    help="exit 1 if fewer tests pass (default 0)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parallel tests (default 2)")
    ap.add_argument("--filter", help="only tests whose name matches this regular expression")
    ap.add_argument("--fold", choices=("none", "shape", "params"), default="params",
                    help="operands turned into initializers before compiling (default params)")
    ap.add_argument("--workdir", help="keep work files here (default: a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep work files of passing tests too")
    ap.add_argument("--verbose", "-v", action="store_true", help="also list skipped tests")
    args = ap.parse_args(argv)

    data = args.data_dir
    if os.path.isdir(os.path.join(data, "node")) and not os.path.isfile(
            os.path.join(data, "model.onnx")):
        data = os.path.join(data, "node")
    if not os.path.isdir(data):
        print(f"backend: error: no test data at {data} (Debian package libonnx-testdata)")
        return 2
    if not (os.path.isfile(args.bnnc) and os.access(args.bnnc, os.X_OK)) and \
            shutil.which(args.bnnc) is None:
        print(f"backend: error: bnnc '{args.bnnc}' is not an executable")
        return 2

    names = sorted(d for d in os.listdir(data)
                   if os.path.isfile(os.path.join(data, d, "model.onnx")))
    if args.filter:
        rx = re.compile(args.filter)
        names = [n for n in names if rx.search(n)]
    supported = supported_ops(args.bnnc)
    tests, skipped = [], []
    for n in names:
        t = Test(n, os.path.join(data, n))
        try:
            reason = classify(t, supported)
        except Exception as e:
            reason = f"cannot load: {type(e).__name__}: {e}"
        if reason:
            t.status, t.detail = "SKIP", reason
            skipped.append(t)
        else:
            tests.append(t)

    tmp = None
    if args.workdir:
        root = os.path.abspath(args.workdir)
        os.makedirs(root, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bnnc-backend-")
        root = tmp.name

    lines = []
    lock = threading.Lock()

    def emit(line):
        with lock:
            lines.append(line)
            print(line, flush=True)

    t0 = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run_test, t, args, root) for t in tests]
            for fut in concurrent.futures.as_completed(futures):
                t = fut.result()
                emit(f"{t.status} {t.name}" + (f": {t.detail}" if t.detail else ""))
    finally:
        if tmp is not None:
            tmp.cleanup()

    # Stable order in the report: sort by name.
    lines.sort(key=lambda l: l.split(" ", 2)[1].rstrip(":"))
    if args.verbose:
        for t in skipped:
            print(f"SKIP {t.name}: {t.detail}")

    statuses = ("PASS", "FAIL(compile)", "FAIL(run)", "FAIL(mismatch)")
    per_op = collections.defaultdict(collections.Counter)
    for t in tests:
        per_op[t.op][t.status] += 1
    for t in skipped:
        if t.op in supported:
            per_op[t.op]["SKIP"] += 1
    passed = sum(1 for t in tests if t.status == "PASS")
    failed = len(tests) - passed

    table = []
    header = f"{'op':<20} {'pass':>5} {'compile':>8} {'run':>5} {'mismatch':>9} {'skip':>5}"
    table.append(header)
    table.append("-" * len(header))
    for op in sorted(per_op):
        c = per_op[op]
        table.append(f"{op:<20} {c['PASS']:>5} {c['FAIL(compile)']:>8} {c['FAIL(run)']:>5} "
                     f"{c['FAIL(mismatch)']:>9} {c['SKIP']:>5}")
    totals = collections.Counter(t.status for t in tests)
    table.append("-" * len(header))
    table.append(f"{'total':<20} {totals['PASS']:>5} {totals['FAIL(compile)']:>8} "
                 f"{totals['FAIL(run)']:>5} {totals['FAIL(mismatch)']:>9} {len(skipped):>5}")
    summary = f"backend: {passed} passed, {failed} failed, {len(skipped)} skipped"
    folded = sum(1 for t in tests if t.folded)
    info = (f"backend: {len(tests)} tests run in {time.time() - t0:.0f} s with {args.jobs} jobs; "
            f"--fold {args.fold} made initializers of operands in {folded} of them")

    print()
    print("\n".join(table))
    print(info)
    print(summary)
    if args.report:
        with open(args.report, "w") as f:
            f.write("\n".join(lines) + "\n")
            for t in skipped:
                f.write(f"SKIP {t.name}: {t.detail}\n")
            f.write("\n" + "\n".join(table) + "\n" + info + "\n" + summary + "\n")
    if passed < args.min_pass:
        print(f"backend: FAIL: {passed} passed, fewer than the floor of {args.min_pass}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
