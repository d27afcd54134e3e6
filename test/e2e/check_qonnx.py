"""End-to-end check of one model against the numpy reference (qonnx_reference.py), for models
with QONNX/FINN custom ops that onnxruntime cannot run.

    python3 check_qonnx.py --bnnc BNNC MODEL.onnx --inputs in0.npy ... [--workdir DIR]
                           [--tol 1e-4] [--bnnc-arg ARG ...] [--compile-timeout SECONDS]
                           [--ort-runner RUN_ORT_JS [--node NODE]]

Compiles MODEL with `BNNC MODEL --emit=exe -o DIR/prog`, runs the program, computes the
reference with qonnx_reference.run_model and compares every output as check_model.py does
(max|out - ref| <= tol * max(1, max|ref|)). With --ort-runner the reference itself is checked
first: the custom ops are lowered to standard ONNX ops of the same semantics and onnxruntime's
result on that graph must agree with the numpy interpreter's (same tolerance).

Prints one line, `PASS NAME: max_abs_err=... (scale ...)` or `FAIL NAME: ...`, and exits 0 or 1.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_model  # noqa: E402
import qonnx_reference as qref  # noqa: E402

Failure = check_model.Failure


def cross_check(args, model, inputs, refs, workdir):
    """onnxruntime on the lowered model must reproduce the numpy reference."""
    import onnx

    arrays = [np.load(p) for p in inputs]
    lowered = qref.lower_custom_ops(model, qref.value_ranks(model, arrays))
    path = os.path.join(workdir, "lowered.onnx")
    onnx.save(lowered, path)
    outs = [os.path.join(workdir, f"ort{k}.npy") for k in range(len(refs))]
    for f in outs:
        if os.path.exists(f):
            os.remove(f)
    cmd = [args.node, args.ort_runner, path] + inputs
    for f in outs:
        cmd += ["-o", f]
    check_model.run("onnxruntime on the lowered model", cmd, check_model.RUN_TIMEOUT)
    for k, (f, ref) in enumerate(zip(outs, refs)):
        ok, err, scale, note = check_model.compare(np.load(f), ref, args.tol)
        if not ok:
            raise Failure(f"the numpy reference disagrees with onnxruntime on the lowered model "
                          f"(output {k}: max_abs_err={err:.3g}, scale {scale:.3g}; {note})")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compile a model with bnnc and compare its outputs "
                                             "with the numpy QONNX reference.")
    ap.add_argument("model")
    ap.add_argument("--bnnc", required=True, help="the bnnc compiler")
    ap.add_argument("--inputs", nargs="+", required=True, metavar="NPY",
                    help="input .npy files, in order")
    ap.add_argument("--workdir", help="directory for the program and the outputs "
                                      "(default: a temporary one, removed afterwards)")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="pass if max_abs_err <= TOL * max(1, max|ref|) (default 1e-4)")
    ap.add_argument("--bnnc-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for bnnc (repeatable)")
    ap.add_argument("--compile-timeout", type=float, default=check_model.COMPILE_TIMEOUT,
                    metavar="SECONDS", help="fail if bnnc takes longer (default %(default)s)")
    ap.add_argument("--ort-runner", help="test/reference/run_ort.js: cross-check the numpy "
                                         "reference with onnxruntime on the lowered model")
    ap.add_argument("--node", default="node", help="the node executable (default: node)")
    ap.add_argument("--target", help="compile for this bnnc -target and run the program under "
                                     "the matching qemu-user (as check_model.py)")
    args = ap.parse_args(argv)

    import onnx

    name = check_model.model_label(args.model, args.target)
    workdir, tmp = check_model.open_workdir(args.workdir)
    try:
        try:
            if not os.path.isfile(args.model):
                raise Failure(f"model '{args.model}' does not exist")
            model = onnx.load(args.model)
            inputs = [os.path.abspath(p) for p in args.inputs]
            try:
                refs = qref.run_model(model, [np.load(p) for p in inputs])
            except qref.ReferenceError as e:
                raise Failure(f"numpy reference: {e}")
            if args.ort_runner:
                cross_check(args, model, inputs, refs, workdir)

            prog = os.path.join(workdir, "prog")
            if os.path.exists(prog):
                os.remove(prog)
            runner = []
            target_args = []
            if args.target:
                target_args = ["-target=" + args.target]
                runner = check_model.runner_for(args.target)
            check_model.run("bnnc", [args.bnnc, args.model, "--emit=exe", "-o", prog]
                            + target_args + args.bnnc_arg, args.compile_timeout)
            if not os.path.isfile(prog):
                raise Failure(f"bnnc succeeded but wrote no program at {prog}")
            outs = [os.path.join(workdir, f"out{k}.npy") for k in range(len(refs))]
            for f in outs:
                if os.path.exists(f):
                    os.remove(f)
            cmd = runner + [prog] + inputs
            for f in outs:
                cmd += ["-o", f]
            check_model.run("compiled program", cmd, check_model.RUN_TIMEOUT)
            results = []
            for k, ref in enumerate(refs):
                try:
                    out = np.load(outs[k])
                except (OSError, ValueError) as e:
                    raise Failure(f"cannot read output {k} of the compiled program: {e}")
                results.append(check_model.compare(out, ref, args.tol))
        except Failure as e:
            print(f"FAIL {name}: {e}")
            return 1

        extra = ", reference cross-checked with onnxruntime" if args.ort_runner else ""
        ok, line = check_model.summarize(name, results, [f"out{k}" for k in range(len(results))],
                                         args.tol, extra)
        print(line)
        return 0 if ok else 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
