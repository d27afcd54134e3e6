"""End-to-end check of one model: bnnc's compiled program against onnxruntime.

    python3 check_model.py --bnnc BNNC --ort-runner RUN_ORT_JS MODEL.onnx
                           [--workdir DIR] [--inputs in0.npy ...] [--node NODE]
                           [--tol 1e-4] [--bnnc-arg ARG ...]
                           [--target T] [--runner CMD]

Compiles MODEL with `BNNC MODEL --emit=exe -o DIR/prog`, runs `DIR/prog in0.npy ... -o out0.npy
...`, runs it again with `--scratch` (the entry with a caller-owned scratch arena, filled with
garbage; its outputs must be the same bits), runs `node RUN_ORT_JS MODEL in0.npy ... -o ref0.npy
...` and compares every output. An
output passes if max|out - ref| <= tol * max(1, max|ref|) (NaN must match NaN, infinities must
match exactly). Without --inputs, fixed-seed random inputs are made from the model's input shapes.

With --target T (a bnnc -target: x86_64, aarch64, armv7, riscv64, riscv64-rvv or a triple) the
program is compiled for T and, if T is not this machine's architecture, run under qemu-user:
`qemu-aarch64 -L /usr/aarch64-linux-gnu`, `qemu-arm -L /usr/arm-linux-gnueabihf`, or
`qemu-riscv64 -L /usr/riscv64-linux-gnu -cpu rv64,v=true,zbb=true,vext_spec=v1.0,vlen=128`
(--runner replaces that command).

Prints one line, `PASS NAME: max_abs_err=... (scale ...)` or `FAIL NAME: ...`, and exits 0 or 1.
"""

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile

import numpy as np

COMPILE_TIMEOUT = 900
RUN_TIMEOUT = 600


class Failure(Exception):
    pass


# qemu-user commands per architecture (Debian's cross C libraries live under /usr/<triple>).
# qemu 7.2 runs RVV 1.0 and Zbb, not Zvbb.
QEMU = {
    "aarch64": ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"],
    "arm": ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"],
    "riscv64": ["qemu-riscv64", "-L", "/usr/riscv64-linux-gnu",
                "-cpu", "rv64,v=true,zbb=true,vext_spec=v1.0,vlen=128"],
}


def target_arch(target):
    """The architecture family of a bnnc -target (short name or triple)."""
    arch = target.split("-")[0].lower()
    if arch in ("aarch64", "arm64"):
        return "aarch64"
    if arch.startswith("arm") or arch.startswith("thumb"):
        return "arm"
    if arch.startswith("riscv64"):
        return "riscv64"
    if arch in ("x86_64", "amd64"):
        return "x86_64"
    return arch


def runner_for(target):
    """The command prefix that runs a program built for `target` on this machine."""
    arch = target_arch(target)
    host = target_arch(platform.machine())
    if arch == host:
        return []
    if arch not in QEMU:
        raise Failure(f"no way to run a program for target '{target}' here; pass --runner")
    return list(QEMU[arch])


def tail(text, lines=20):
    text = (text or "").rstrip()
    parts = text.splitlines()
    if len(parts) > lines:
        parts = ["..."] + parts[-lines:]
    return "\n".join("    " + p for p in parts)


def run(what, cmd, timeout):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
    except FileNotFoundError as e:
        raise Failure(f"{what}: cannot execute {cmd[0]}: {e.strerror}")
    except PermissionError as e:
        raise Failure(f"{what}: cannot execute {cmd[0]}: {e.strerror}")
    except subprocess.TimeoutExpired:
        raise Failure(f"{what}: timed out after {timeout} s")
    if r.returncode != 0:
        how = f"killed by signal {-r.returncode}" if r.returncode < 0 else f"exit {r.returncode}"
        raise Failure(f"{what} failed ({how})\n  command: {' '.join(cmd)}\n"
                      f"{tail(r.stderr + r.stdout)}")
    return r


ONNX_TO_NUMPY = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
    9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64,
}


def model_io(model_path):
    """(inputs [(name, numpy dtype, shape)], output names) of the graph, initializers excluded."""
    import onnx

    model = onnx.load(model_path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    inputs = []
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        dims = []
        for d in tt.shape.dim:
            if d.HasField("dim_value"):
                dims.append(d.dim_value)
            else:
                raise Failure(f"input '{vi.name}' has a symbolic dimension '{d.dim_param}'; "
                              f"pass --inputs")
        inputs.append((vi.name, ONNX_TO_NUMPY.get(tt.elem_type), dims))
    return inputs, [vo.name for vo in model.graph.output]


def make_inputs(inputs, workdir):
    rng = np.random.default_rng(0)
    files = []
    for k, (name, dtype, shape) in enumerate(inputs):
        if dtype is None:
            raise Failure(f"input '{name}' has an unsupported element type; pass --inputs")
        if np.issubdtype(dtype, np.floating):
            x = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            x = rng.integers(0, 2, size=shape).astype(np.bool_)
        else:
            info = np.iinfo(dtype)
            x = rng.integers(max(info.min, -100), min(info.max, 100), size=shape,
                             endpoint=True).astype(dtype)
        f = os.path.join(workdir, f"in{k}.npy")
        np.save(f, x)
        files.append(f)
    return files


def compare(out, ref, tol):
    """Returns (ok, max_abs_err, scale, note)."""
    if out.shape != ref.shape:
        return False, float("inf"), 1.0, f"shape {list(out.shape)} != expected {list(ref.shape)}"
    o = out.astype(np.float64)
    r = ref.astype(np.float64)
    finite = np.isfinite(r)
    note = ""
    ok = True
    if not np.array_equal(np.isnan(o), np.isnan(r)):
        ok, note = False, "NaN mismatch"
    nonfinite = ~finite & ~np.isnan(r)
    if np.any(o[nonfinite] != r[nonfinite]):
        ok, note = False, "infinity mismatch"
    both = finite & np.isfinite(o)
    if np.any(finite & ~np.isfinite(o)):
        ok, note = False, "non-finite value where the reference is finite"
    err = float(np.max(np.abs(o[both] - r[both]))) if np.any(both) else 0.0
    scale = max(1.0, float(np.max(np.abs(r[finite])))) if np.any(finite) else 1.0
    if err > tol * scale:
        ok = False
        idx = np.unravel_index(int(np.argmax(np.where(both, np.abs(o - r), -1.0))), r.shape)
        note = note or f"worst at {list(map(int, idx))}: got {o[idx]:.9g}, expected {r[idx]:.9g}"
    return ok, err, scale, note


def model_label(model, target=None):
    """The name a verdict line gives a model (with the target when it is cross-compiled)."""
    name = os.path.splitext(os.path.basename(model))[0]
    return f"{name} [{target}]" if target else name


def open_workdir(workdir):
    """(path, temporary directory to clean up or None): the given folder, created if needed,
    or a fresh temporary one."""
    if workdir:
        os.makedirs(workdir, exist_ok=True)
        return workdir, None
    tmp = tempfile.TemporaryDirectory(prefix="bnnc-check-")
    return tmp.name, tmp


def summarize(name, results, output_names, tol, extra=""):
    """The verdict line over all outputs (results from compare()), reporting the output closest
    to, or furthest past, its bound. Returns (ok, line)."""
    worst = max(range(len(results)), key=lambda k: results[k][1] / (tol * results[k][2]))
    ok = all(r[0] for r in results)
    _, err, scale, _ = results[worst]
    line = f"{'PASS' if ok else 'FAIL'} {name}: max_abs_err={err:.3g} (scale {scale:.3g}){extra}"
    if len(results) > 1:
        line += " [" + ", ".join(
            f"{output_names[k]}: {r[1]:.3g}/{r[2]:.3g}{'' if r[0] else ' FAIL'}"
            for k, r in enumerate(results)) + "]"
    notes = [f"{output_names[k]}: {r[3]}" for k, r in enumerate(results) if r[3]]
    if not ok and notes:
        line += "; " + "; ".join(notes)
    return ok, line


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compile a model with bnnc and compare its outputs "
                                             "with onnxruntime's.")
    ap.add_argument("model")
    ap.add_argument("--bnnc", required=True, help="the bnnc compiler")
    ap.add_argument("--ort-runner", required=True, help="test/reference/run_ort.js")
    ap.add_argument("--node", default="node", help="the node executable (default: node)")
    ap.add_argument("--workdir", help="directory for the program and the outputs "
                                      "(default: a temporary one, removed afterwards)")
    ap.add_argument("--inputs", nargs="+", metavar="NPY", help="input .npy files, in order")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="pass if max_abs_err <= TOL * max(1, max|ref|) (default 1e-4)")
    ap.add_argument("--bnnc-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for bnnc (repeatable)")
    ap.add_argument("--target", help="compile for this bnnc -target and run the program under "
                                     "the matching qemu-user if it is not this machine's")
    ap.add_argument("--runner", help="command that runs the program (default: from --target), "
                                     "e.g. 'qemu-aarch64 -L /usr/aarch64-linux-gnu'")
    args = ap.parse_args(argv)

    name = model_label(args.model, args.target)
    workdir, tmp = open_workdir(args.workdir)
    try:
        try:
            if not os.path.isfile(args.model):
                raise Failure(f"model '{args.model}' does not exist")
            inputs_meta, output_names = model_io(args.model)
            if args.inputs:
                if len(args.inputs) != len(inputs_meta):
                    raise Failure(f"model has {len(inputs_meta)} input(s), "
                                  f"{len(args.inputs)} file(s) given")
                inputs = [os.path.abspath(p) for p in args.inputs]
            else:
                inputs = make_inputs(inputs_meta, workdir)
            n_out = len(output_names)

            prog = os.path.join(workdir, "prog")
            if os.path.exists(prog):
                os.remove(prog)
            runner = shlex.split(args.runner) if args.runner else []
            target_args = []
            if args.target:
                target_args = [f"-target={args.target}"]
                if args.runner is None:
                    runner = runner_for(args.target)
            run("bnnc", [args.bnnc, args.model, "--emit=exe", "-o", prog] + target_args +
                args.bnnc_arg, COMPILE_TIMEOUT)
            if not os.path.isfile(prog):
                raise Failure(f"bnnc succeeded but wrote no program at {prog}")

            outs = [os.path.join(workdir, f"out{k}.npy") for k in range(n_out)]
            refs = [os.path.join(workdir, f"ref{k}.npy") for k in range(n_out)]
            for f in outs + refs:
                if os.path.exists(f):
                    os.remove(f)
            cmd = runner + [prog] + inputs
            for f in outs:
                cmd += ["-o", f]
            run("compiled program", cmd, RUN_TIMEOUT)
            # Again through NAME_with_scratch, in an arena the harness fills with garbage: the
            # outputs must be the same bits.
            scratch_outs = [os.path.join(workdir, f"scratch-out{k}.npy") for k in range(n_out)]
            cmd = runner + [prog, "--scratch"] + inputs
            for f in scratch_outs:
                cmd += ["-o", f]
            run("compiled program (--scratch)", cmd, RUN_TIMEOUT)
            for k in range(n_out):
                if open(outs[k], "rb").read() != open(scratch_outs[k], "rb").read():
                    raise Failure(f"output {k} differs between the static arena and the "
                                  f"caller's (--scratch)")
            cmd = [args.node, args.ort_runner, args.model] + inputs
            for f in refs:
                cmd += ["-o", f]
            run("onnxruntime", cmd, RUN_TIMEOUT)

            results = []
            for k in range(n_out):
                try:
                    out = np.load(outs[k])
                except (OSError, ValueError) as e:
                    raise Failure(f"cannot read output {k} of the compiled program: {e}")
                ref = np.load(refs[k])
                results.append(compare(out, ref, args.tol))
        except Failure as e:
            print(f"FAIL {name}: {e}")
            return 1

        ok, line = summarize(name, results, output_names, args.tol)
        print(line)
        return 0 if ok else 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
