"""bnnc's benchmark: compiled models against onnxruntime, single-threaded, in the same run.

    /usr/bin/python3 bench/run_bench.py [--bnnc build/bin/bnnc] [--models NAME|PATTERN|FILE ...]
                                        [--runs N] [--rounds R] [--configs default,native]
                                        [--json results.json] [--workdir DIR] [--list]

Models (names for --models; shell patterns such as 'bnn_*' work, and so do .onnx file paths):
  digits            examples/digits (450 images in one batch)
  e2e models        build/test/e2e-models/*.onnx with their fixed inputs, if generated
                    (the test build generates them; group name 'e2e')
  bconv3x3_256_14   one binary 3x3 conv 256->256 at 14x14 (group 'layers'),
  bconv3x3_128_28   one binary 3x3 conv 128->128 at 28x28 (same MACs),
  bconv1x1_512_7    one binary 1x1 conv 512->512 at 7x7,
  fconv3x3_64_56    one float 3x3 conv 64->64 at 56x56,
  fconv7x7s2_3_64_224  the float 7x7/2 stem conv of Bi-Real-18,
  fconv1x1_128_256_14  a float 1x1 downsampling shortcut of Bi-Real-18 (128->256 at 14x14),
  fconv3x3s2_3_32_224  the float 3x3/2 stem conv of ReActNet-A (3->32), and
  fgemm_512_1000    the float FC head (Gemm 512->1000);
  cnv_w1a1          FINN's CNV-w1a1 (CIFAR-10, 32x32; group 'models'): all made by
                    bench/gen_bench_models.py in build/bench-models (made on first use)
  bireal18          Bi-Real-Net-18 at 224x224 (bench/gen_bireal18.py), and
  reactnet_a        ReActNet-A at 224x224 (bench/gen_reactnet_a.py): each made in
                    build/bench-models only when named (a pattern that matches the name will do),
                    and run whenever that .onnx file already exists
Default: everything available ('all'). --list prints the models known (it needs no bnnc), and the
on-demand networks not made yet.

bnnc is copied into the work directory at the start, and that copy compiles every model (others
may rebuild build/bin/bnnc meanwhile). For every model and configuration (default: 'default' =
bnnc's default CPU, x86-64-v2 on x86-64; 'native' = -mcpu=native; 'native-sz+' adds
--sign-zero=positive):
  * bnnc MODEL --emit=exe (timed; its --remarks count the binarized layers), and --emit=obj,
    disassembled with llvm-objdump-22 -d: the popcount instructions of the model's own code are
    counted (scalar popcnt, AVX-512 vpopcntq by register width, gathers, pshufb/psadbw bit
    tricks), so that a speed is only believed with the instructions seen: a model with binarized
    layers must show popcnt (default) or vpopcntq (native);
  * one run with -o, compared with onnxruntime's output (graph optimizations 'all');
  * PROG --bench N IN.npy (min/median/max of N runs after 3 warm-up runs), and onnxruntime via
    bench/ort_bench.js (one thread: intra-op 1, inter-op 1, sequential; graph optimizations
    'all'; 3 warm-up runs, then N timed runs), one after the other. N is --runs, or more for
    small models: enough runs for about 0.3 s per measurement. With --rounds R > 1 the
    measurements are repeated R times, interleaved; the median reported is the median of the
    round medians, the min the min of the mins.
  * CPU time per run besides wall-clock time: for bnnc, the CPU time of the --bench process minus
    that of a one-run process; for onnxruntime, process.cpuUsage() around the timed runs.
Ratio = onnxruntime time / bnnc time: above 1 means bnnc is faster. It is given for medians, for
minimums and for CPU time. On a loaded machine the minimum and the CPU time are the better
estimates of the undisturbed time; none of them removes the slowdown from a busy sibling vCPU
(two vCPUs here share one core's throughput).

Every model also gets its limit on this machine (the issues' definition): its binary MACs at the
popcount peak plus its float MACs at the FMA peak (int8 MACs at the int8 dot-product peak where the
configuration has VNNI), from the cost report's layers and bench/peak.c; bnnc's time as a fraction
of it, and the highest ratio to onnxruntime the machine allows (onnxruntime's time over the
limit): a ratio goal above that bound cannot be met on this machine.

Layer models also get throughput: their MACs per image (Ho*Wo*Cout*Cin*k*k, the count that
bench/gen_bench_models.py writes into the manifest) over the time, in G binary-MAC/s for the binary
layers and GFLOP/s for the float ones, against the peaks of docs (TOOLCHAIN.md: about 1240 G
binary-MAC/s register-blocked and 116 GFLOP/s fp32 on a Zen 4 core) and against this machine's own
ceilings, measured by bench/peak.c (compiled with clang-22 -march=native; skip with --no-peak).
onnxruntime runs the binary layer as the float conv of the fake-quantized graph.

The machine load (uptime's load averages, before and after) is recorded with the results: the
numbers are only comparable to others taken on a quiet machine. Results: a table on stdout, and
JSON with every sample statistic with --json FILE.
"""

import argparse
import fnmatch
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

from storage_report import sections

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))

# Peaks from docs (TOOLCHAIN.md, "Throughput measured", single thread, Zen 4).
DOC_PEAK_BIN_GMACS = 1240.0
DOC_PEAK_FP32_GFLOPS = 116.0

CONFIGS = {
    "default": [],
    "native": ["-mcpu=native"],
    "native-sz+": ["-mcpu=native", "--sign-zero=positive"],
}
# The popcount instruction a binary layer must show under each configuration.
EXPECTED_POPCOUNT = {"default": "popcnt", "native": "vpopcntq", "native-sz+": "vpopcntq"}

MIN_MEASURE_S = 0.3  # each timing measurement covers at least this much work ...
MAX_RUNS = 20000  # ... up to this many runs
COMPILE_TIMEOUT = 1800
RUN_TIMEOUT = 1800
CHECK_TOL = 1e-3  # max|bnnc - ort| <= CHECK_TOL * max(1, max|ort|)


class BenchError(Exception):
    pass


def rel(path):
    """A path for printing: relative to the repository when inside it."""
    p = os.path.abspath(path)
    r = os.path.relpath(p, REPO)
    return r if not r.startswith("..") else p


def run(cmd, timeout, what, usage=None):
    """Runs cmd; raises BenchError on failure. With a dict `usage`, also puts the child's peak
    resident memory in it ('max_rss_mb', from wait4, so this child's own)."""
    if usage is not None:
        return run_measured(cmd, timeout, what, usage)
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
    except FileNotFoundError:
        raise BenchError(f"{what}: cannot execute {cmd[0]}")
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: timed out after {timeout} s")
    if r.returncode != 0:
        msg = (r.stderr + r.stdout).strip().splitlines()
        raise BenchError(f"{what} failed (exit {r.returncode}): " + " | ".join(msg[-6:]))
    return r


def run_measured(cmd, timeout, what, usage):
    import tempfile
    import threading
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        try:
            p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        except FileNotFoundError:
            raise BenchError(f"{what}: cannot execute {cmd[0]}")
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timed_out = not timer.is_alive()
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        r = subprocess.CompletedProcess(cmd, p.returncode, out.read(), err.read())
    if timed_out:
        raise BenchError(f"{what}: timed out after {timeout} s")
    if r.returncode != 0:
        msg = (r.stderr + r.stdout).strip().splitlines()
        raise BenchError(f"{what} failed (exit {r.returncode}): " + " | ".join(msg[-6:]))
    usage["max_rss_mb"] = ru.ru_maxrss / 1024.0  # Linux: kilobytes
    return r


# ---------------------------------------------------------------------------------------------
# the machine


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def uptime_line():
    try:
        return subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        return None


def machine_info():
    info = {"machine": platform.machine(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    llc = shutil.which("llc-22") or shutil.which("llc")
    if llc:
        out = subprocess.run([llc, "--version"], stdout=subprocess.PIPE, text=True).stdout
        m = re.search(r"Host CPU:\s*(\S+)", out)
        if m:
            info["llvm_host_cpu"] = m.group(1)
    return info


def git_state():
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True).stdout.strip()
        return head + ("+local changes" if dirty else "") if head else None
    except OSError:
        return None


def measure_peaks(workdir, cc):
    """Compiles and runs bench/peak.c: this machine's single-thread ceilings."""
    exe = os.path.join(workdir, "peak")
    run([cc, "-O2", "-march=native", os.path.join(HERE, "peak.c"), "-o", exe], 300, "peak.c")
    out = run([exe, "1.0"], 120, "peak").stdout.strip().splitlines()[-1]
    return json.loads(out)


# ---------------------------------------------------------------------------------------------
# models


def random_inputs(model_path, workdir, name):
    """Fixed-seed standard-normal inputs (ints: small integers) for a model's graph inputs."""
    import onnx

    model = onnx.load(model_path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    np_types = {1: np.float32, 6: np.int32, 7: np.int64, 11: np.float64, 9: np.bool_}
    rng = np.random.default_rng(0)
    files = []
    for k, vi in enumerate(v for v in model.graph.input if v.name not in inits):
        tt = vi.type.tensor_type
        dims = []
        for d in tt.shape.dim:
            if not d.HasField("dim_value"):
                raise BenchError(f"{name}: input '{vi.name}' has a symbolic dimension")
            dims.append(d.dim_value)
        dt = np_types.get(tt.elem_type)
        if dt is None:
            raise BenchError(f"{name}: input '{vi.name}' has an unsupported element type")
        if np.issubdtype(dt, np.floating):
            x = rng.standard_normal(dims).astype(dt)
        else:
            x = rng.integers(-3, 4, size=dims).astype(dt)
        f = os.path.join(workdir, f"{name}.in{k}.npy")
        np.save(f, x)
        files.append(f)
    return files


# The models bench/gen_bench_models.py makes (all listed in its manifest.json).
BENCH_MODELS = ("bconv3x3_256_14", "bconv3x3_128_28", "bconv1x1_512_7", "bconv3x3_256_14_t30",
                "fconv3x3_64_56",
                "fconv7x7s2_3_64_224", "fconv1x1_128_256_14", "fconv3x3s2_3_32_224",
                "fgemm_512_1000", "cnv_w1a1", "bdw3x3_256_28", "fdw3x3_256_28")
# Whole networks made on demand in the bench directory: name -> its generator (which writes
# NAME.onnx and NAME.in0.npy, the input its BatchNorms were calibrated on).
ON_DEMAND = {"bireal18": "gen_bireal18.py", "reactnet_a": "gen_reactnet_a.py"}


def ensure_bench_models(bench_dir, wanted=()):
    """Makes the gen_bench_models.py models if any is missing, and the ON_DEMAND models named in
    wanted that do not exist yet."""
    manifest = os.path.join(bench_dir, "manifest.json")
    have = set()
    if os.path.exists(manifest):
        with open(manifest) as f:
            have = {m["name"] for m in json.load(f)["models"]}
    if not set(BENCH_MODELS) <= have:
        print(f"generating the layer models in {rel(bench_dir)} ...", flush=True)
        run([sys.executable, os.path.join(HERE, "gen_bench_models.py"), bench_dir], 600,
            "gen_bench_models.py")
    for name in wanted:
        path = os.path.join(bench_dir, name + ".onnx")
        if not os.path.exists(path):
            print(f"generating {rel(path)} ...", flush=True)
            run([sys.executable, os.path.join(HERE, ON_DEMAND[name]), path], 1200,
                ON_DEMAND[name])


def discover(args):
    """All known models: [{name, path, inputs or None, kind, group, macs?}]."""
    models = []
    digits = os.path.join(REPO, "examples", "digits")
    models.append({"name": "digits", "path": os.path.join(digits, "digits.onnx"),
                   "inputs": [os.path.join(digits, "test_inputs.npy")], "kind": "bnn",
                   "group": "models"})
    manifest = os.path.join(args.e2e_dir, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            for m in json.load(f)["models"]:
                models.append({"name": m["name"], "path": os.path.join(args.e2e_dir, m["file"]),
                               "inputs": [os.path.join(args.e2e_dir, i["file"])
                                          for i in m["inputs"]],
                               "kind": m["kind"], "group": "e2e"})
    manifest = os.path.join(args.bench_dir, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            for m in json.load(f)["models"]:
                entry = {"name": m["name"], "path": os.path.join(args.bench_dir, m["file"]),
                         "inputs": [os.path.join(args.bench_dir, i) for i in m["inputs"]],
                         "kind": m["kind"]}
                if m["kind"].endswith("-layer"):  # throughput from the manifest's MAC count
                    entry.update(group="layers", macs=m["macs"], what=m["what"])
                else:  # a whole network (cnv_w1a1)
                    entry["group"] = "models"
                models.append(entry)
    for name in ON_DEMAND:
        path = os.path.join(args.bench_dir, name + ".onnx")
        if os.path.exists(path):
            calibrated = os.path.join(args.bench_dir, name + ".in0.npy")  # BN calibration input
            models.append({"name": name, "path": path,
                           "inputs": [calibrated] if os.path.exists(calibrated) else None,
                           "kind": "bnn", "group": "models"})
    return models


def select(models, wanted, workdir):
    if not wanted or wanted == ["all"]:
        return models
    chosen = []
    for w in wanted:
        if w.endswith(".onnx") and os.path.exists(w):
            name = os.path.splitext(os.path.basename(w))[0]
            chosen.append({"name": name, "path": os.path.abspath(w), "inputs": None,
                           "kind": "?", "group": "files"})
            continue
        hits = [m for m in models
                if fnmatch.fnmatchcase(m["name"], w) or m["group"] == w or w == "all"]
        if not hits:
            raise BenchError(f"no model matches '{w}' (see --list)")
        chosen += [m for m in hits if m not in chosen]
    return chosen


# ---------------------------------------------------------------------------------------------
# compiling, disassembling, checking, timing

REMARK_BIN = re.compile(r"(Conv|MatMul/Gemm) binarized")
REMARK_FLOAT = re.compile(r"(Conv|MatMul/Gemm) stays float")


def compile_model(args, model, cfg, out, emit, usage=None, extra=()):
    """Compiles; returns (wall seconds, stderr). With a dict `usage`: the peak RSS in it."""
    cmd = [args.bnnc, model["path"], f"--emit={emit}", "-o", out] + CONFIGS[cfg] + list(extra)
    if emit == "exe":
        cmd.append("--remarks")
    t0 = time.monotonic()
    r = run(cmd, COMPILE_TIMEOUT, f"bnnc {model['name']} [{cfg}] --emit={emit}", usage)
    return time.monotonic() - t0, r.stderr


def load_report(path):
    """bnnc's JSON cost report (--report-file), or None if it cannot be read."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def memory_figures(obj, report):
    """The scratch arena (the header's NAME_SCRATCH_SIZE), the object's .bss and the cost
    report's peak of live activations, in bytes."""
    fig = {}
    header = os.path.splitext(obj)[0] + ".h"
    try:
        with open(header) as f:
            m = re.search(r"_SCRATCH_SIZE (\d+)u", f.read())
        fig["scratch_bytes"] = int(m.group(1)) if m else None
        fig["peak_activation_bytes"] = report["totals"]["peak_activation_bytes"]
    except (OSError, TypeError, KeyError):
        pass
    fig["bss_bytes"] = sum(size for name, size in sections(obj).items()
                           if name == ".bss" or name.startswith(".bss."))
    return fig


INSN = re.compile(r"^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$")


def count_instructions(objdump, obj):
    """Counts the popcount-related instructions in the disassembly of an object file."""
    out = run([objdump, "-d", "--no-show-raw-insn", obj], 300, "llvm-objdump").stdout
    c = {"insns": 0, "popcnt": 0, "vpopcntq": 0, "vpopcntq_zmm": 0, "vpopcntq_ymm": 0,
         "vpopcntq_xmm": 0, "vpopcntd": 0, "gather": 0, "pshufb": 0, "psadbw": 0}
    for line in out.splitlines():
        m = INSN.match(line)
        if not m:
            continue
        mn, ops = m.group(1), m.group(2)
        c["insns"] += 1
        if re.fullmatch(r"popcnt[wlq]?", mn):
            c["popcnt"] += 1
        elif mn == "vpopcntq":
            c["vpopcntq"] += 1
            dst = ops.split("#")[0].split(",")[-1]
            for w in ("zmm", "ymm", "xmm"):
                if w in dst:
                    c["vpopcntq_" + w] += 1
        elif mn == "vpopcntd":
            c["vpopcntd"] += 1
        elif "gather" in mn:
            c["gather"] += 1
        elif mn in ("pshufb", "vpshufb"):
            c["pshufb"] += 1
        elif mn in ("psadbw", "vpsadbw"):
            c["psadbw"] += 1
    return c


BENCH_LINE = re.compile(r"min ([0-9.]+) ms\s+median ([0-9.]+) ms\s+max ([0-9.]+) ms")


HARNESS_WARMUP = 3


def child_cpu_s():
    """CPU time (user + system) of the waited-for child processes so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def bench_bnnc(exe, inputs, runs, warmup=HARNESS_WARMUP):
    """The harness's wall-clock min/median/max, and CPU time per run: the CPU time of the
    --bench process minus that of a one-run process (start-up, input loading), over the runs in
    between (None when that is too short to measure). CPU time does not count the time the
    process waited for a core, so it is the steadier figure on a loaded machine; it still counts
    the slowdown from a busy sibling vCPU."""
    what = f"{os.path.basename(exe)} --bench"
    c0 = child_cpu_s()
    r = run([exe, "--bench", str(runs), "--warmup", str(warmup)] + inputs, RUN_TIMEOUT, what)
    c1 = child_cpu_s()
    run([exe, "--bench", "1", "--warmup", "0"] + inputs, RUN_TIMEOUT, what)
    c2 = child_cpu_s()
    m = BENCH_LINE.search(r.stdout)
    if not m:
        raise BenchError(f"unexpected --bench output: {r.stdout.strip()}")
    timed = (c1 - c0) - (c2 - c1)
    # Below about 50 ms the start-up's own variation swamps the difference.
    cpu_ms = timed * 1e3 / (runs + warmup - 1) if timed >= 0.05 else None
    return {"min_ms": float(m.group(1)), "median_ms": float(m.group(2)),
            "max_ms": float(m.group(3)), "cpu_ms": cpu_ms}


def bench_ort(args, model, inputs, runs, outputs=(), warmup=HARNESS_WARMUP):
    cmd = [args.node, os.path.join(HERE, "ort_bench.js"), model["path"]] + inputs + [
        "--runs", str(runs), "--warmup", str(warmup), "--graph-opt", "all"]
    for o in outputs:
        cmd += ["-o", o]
    r = run(cmd, RUN_TIMEOUT, f"onnxruntime {model['name']}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def compare(outs, refs):
    """(ok, worst relative error) over all outputs: max|o - r| / max(1, max|r|)."""
    worst = 0.0
    for o, r in zip(outs, refs):
        a, b = np.load(o).astype(np.float64), np.load(r).astype(np.float64)
        if a.shape != b.shape:
            return False, float("inf")
        if a.size == 0:
            continue
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            return False, float("inf")
        fin = np.isfinite(b)
        if np.any(a[~fin] != b[~fin]):
            return False, float("inf")
        scale = max(1.0, float(np.max(np.abs(b[fin])))) if np.any(fin) else 1.0
        err = float(np.max(np.abs(a[fin] - b[fin]))) / scale if np.any(fin) else 0.0
        worst = max(worst, err)
    return worst <= CHECK_TOL, worst


def num_outputs(path):
    import onnx

    return len(onnx.load(path, load_external_data=False).graph.output)


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def aggregate(rounds):
    return {"median_ms": statistics.median(r["median_ms"] for r in rounds),
            "min_ms": min(r["min_ms"] for r in rounds),
            "cpu_ms": median_or_none([r["cpu_ms"] for r in rounds]),
            "rounds": rounds}


def bench_model(args, model, configs, peaks):
    name = model["name"]
    wd = os.path.join(args.workdir, name)
    os.makedirs(wd, exist_ok=True)
    res = {"name": name, "file": rel(model["path"]), "kind": model["kind"],
           "group": model["group"], "onnx_bytes": os.path.getsize(model["path"]),
           "load_before": loadavg(), "configs": {}}
    inputs = model["inputs"] or random_inputs(model["path"], wd, name)
    res["inputs"] = [rel(i) for i in inputs]
    n_out = num_outputs(model["path"])

    # onnxruntime's outputs, for the checks.
    refs = [os.path.join(wd, f"ort.out{k}.npy") for k in range(n_out)]
    bench_ort(args, model, inputs, 1, refs, warmup=0)

    exes = {}
    for cfg in configs:
        c = {}
        exe = os.path.join(wd, f"{name}.{cfg}")
        c["compile_s"], remarks = compile_model(args, model, cfg, exe, "exe")
        c["binarized_layers"] = sum(1 for l in remarks.splitlines() if REMARK_BIN.search(l))
        c["float_layers"] = sum(1 for l in remarks.splitlines() if REMARK_FLOAT.search(l))
        obj = os.path.join(wd, f"{name}.{cfg}.o")
        # The object alone (no link): its wall time and peak memory are the compiler's.
        usage = {}
        report = os.path.join(wd, f"{name}.{cfg}.report.json")
        c["compile_obj_s"], _ = compile_model(args, model, cfg, obj, "obj", usage,
                                              [f"--report-file={report}"])
        c["compile_max_rss_mb"] = usage["max_rss_mb"]
        report_doc = load_report(report)
        c.update(memory_figures(obj, report_doc))
        c.update(work_figures(report_doc))
        c["object_bytes"] = os.path.getsize(obj)
        c["instructions"] = count_instructions(args.objdump, obj)
        want = EXPECTED_POPCOUNT[cfg]
        if c["binarized_layers"] == 0:
            c["instructions_seen"] = None  # nothing binary: nothing to see
        else:
            c["instructions_seen"] = c["instructions"][want] > 0
        c["expected_instruction"] = want
        outs = [os.path.join(wd, f"{name}.{cfg}.out{k}.npy") for k in range(n_out)]
        cmd = [exe] + inputs
        for o in outs:
            cmd += ["-o", o]
        run(cmd, RUN_TIMEOUT, f"{name} [{cfg}]")
        c["check_ok"], c["check_err"] = compare(outs, refs)
        c["bench_rounds"] = []
        res["configs"][cfg] = c
        exes[cfg] = exe
        if res["kind"] == "?":  # a model given as a file: binary if bnnc binarized a layer
            res["kind"] = "bnn" if c["binarized_layers"] else "float"

    # At least --runs runs, and enough for about MIN_MEASURE_S of work per measurement, so that
    # the CPU-time figures (and the minimums) of small models mean something.
    est = bench_bnnc(exes[configs[0]], inputs, 3, warmup=1)["median_ms"]
    runs = max(args.runs, min(MAX_RUNS, math.ceil(MIN_MEASURE_S * 1e3 / max(est, 1e-4))))
    res["runs"] = runs
    ort_rounds = []
    for r in range(args.rounds):
        for cfg in configs:
            res["configs"][cfg]["bench_rounds"].append(bench_bnnc(exes[cfg], inputs, runs))
        ort_rounds.append(bench_ort(args, model, inputs, runs))
    res["ort"] = aggregate(ort_rounds)
    for cfg in configs:
        c = res["configs"][cfg]
        agg = aggregate(c.pop("bench_rounds"))
        c.update(agg)
        c["ratio_median"] = res["ort"]["median_ms"] / c["median_ms"]
        c["ratio_min"] = res["ort"]["min_ms"] / c["min_ms"]
        c["ratio_cpu"] = res["ort"]["cpu_ms"] / c["cpu_ms"] if c["cpu_ms"] else None
        if "macs" in model:
            layer_metrics(model, cfg, c, peaks)
        limit_metrics(cfg, c, res["ort"], peaks)
    if "macs" in model:
        macs = model["macs"]
        res["macs"] = macs
        res["what"] = model["what"]
        res["ort"]["gmacs_median"] = macs / res["ort"]["median_ms"] / 1e6
        res["ort"]["gmacs_min"] = macs / res["ort"]["min_ms"] / 1e6
        res["ort"]["gmacs_cpu"] = macs / res["ort"]["cpu_ms"] / 1e6
    res["load_after"] = loadavg()
    return res


def work_figures(report):
    """The model's work by how bnnc executes it, from the cost report: binary MACs (XNOR-popcount),
    int8 MACs (layers executed on the int8 dot product) and the other MACs (float)."""
    try:
        layers = report["layers"]
    except (TypeError, KeyError):
        return {}
    w = {"binary_macs": 0, "int8_macs": 0, "float_macs": 0}
    for l in layers:  # bops and flops count every instance of a repeated layer
        if l["binary"]:
            w["binary_macs"] += l["bops"]
        elif l["exec_act_bits"] == 8 and l["exec_weight_bits"] == 8:
            w["int8_macs"] += l["flops"]
        else:
            w["float_macs"] += l["flops"]
    return w


def limit_metrics(cfg, c, ort, peaks):
    """The model's limit on this machine (the issue's definition): its binary MACs at the
    register-blocked popcount peak plus its float MACs at the FMA peak (int8 MACs at the int8
    dot-product peak where the configuration has VNNI), all from bench/peak.c; bnnc's time as a
    fraction of it, and the highest ratio to onnxruntime this machine allows (onnxruntime's time
    over the limit). Element-wise work, pooling and memory traffic are not in the limit."""
    if not peaks or "binary_macs" not in c:
        return
    binary_peak = peaks["bin_scalar_gmacs" if cfg == "default" else "bin_vector_gmacs"]
    int8_peak = peaks.get("int8_gops") if cfg != "default" else None
    ms = c["binary_macs"] / binary_peak / 1e6 + 2 * c["float_macs"] / peaks["fp32_gflops"] / 1e6
    if int8_peak:
        ms += 2 * c["int8_macs"] / int8_peak / 1e6
    else:
        ms += 2 * c["int8_macs"] / peaks["fp32_gflops"] / 1e6
    c["limit_ms"] = ms
    c["of_limit_min"] = ms / c["min_ms"]
    c["of_limit_median"] = ms / c["median_ms"]
    c["ratio_bound_median"] = ort["median_ms"] / ms
    c["ratio_bound_min"] = ort["min_ms"] / ms


def layer_metrics(model, cfg, c, peaks):
    macs = model["macs"]
    c["gmacs_median"] = macs / c["median_ms"] / 1e6
    c["gmacs_min"] = macs / c["min_ms"] / 1e6
    c["gmacs_cpu"] = macs / c["cpu_ms"] / 1e6 if c["cpu_ms"] else None
    if model["kind"] == "binary-layer":
        c["doc_peak"] = DOC_PEAK_BIN_GMACS
        if peaks:
            c["machine_peak"] = peaks.get("bin_scalar_gmacs" if cfg == "default"
                                          else "bin_vector_gmacs")
    else:  # float (and int8): GFLOP/s = 2 * G MAC/s
        c["gflops_median"] = 2 * c["gmacs_median"]
        c["gflops_min"] = 2 * c["gmacs_min"]
        c["gflops_cpu"] = 2 * c["gmacs_cpu"] if c["gmacs_cpu"] else None
        c["doc_peak"] = DOC_PEAK_FP32_GFLOPS
        if peaks:
            c["machine_peak"] = peaks.get("fp32_gflops")
            # An int8 layer runs on the dot-product instruction where the target has it (native
            # here, with AVX512-VNNI), else as the float conv of the dequantized values.
            if model["kind"] == "int8-layer" and cfg != "default" and peaks.get("int8_gops"):
                c["machine_peak"] = peaks["int8_gops"]


# ---------------------------------------------------------------------------------------------
# reporting


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.4f}" if v < 0.1 else f"{v:.3f}" if v < 10 else f"{v:.1f}"


def instr_text(c):
    i = c["instructions"]
    parts = []
    if i["popcnt"]:
        parts.append(f"popcnt {i['popcnt']}")
    if i["vpopcntq"]:
        w = "/".join(f"{i['vpopcntq_' + r]}{r[0]}" for r in ("zmm", "ymm", "xmm")
                     if i["vpopcntq_" + r])
        parts.append(f"vpopcntq {i['vpopcntq']} ({w})")
    if i["vpopcntd"]:
        parts.append(f"vpopcntd {i['vpopcntd']}")
    if i["gather"]:
        parts.append(f"gather {i['gather']}")
    if i["pshufb"] and i["psadbw"]:
        parts.append(f"pshufb {i['pshufb']}")
    if not parts:
        parts.append("-")
    seen = c["instructions_seen"]
    mark = "" if seen is None else (" ok" if seen else f" NO {c['expected_instruction'].upper()}")
    return ", ".join(parts) + mark


def print_tables(results, configs):
    rows = []
    head = ["model", "kind", "bin/all", "config", "bnnc med", "ort med", "ratio",
            "bnnc min", "ort min", "ratio", "bnnc cpu", "ort cpu", "ratio", "check",
            "compile s", "RSS MB", "popcount instructions"]
    for r in results:
        for cfg in configs:
            c = r["configs"][cfg]
            nb, nf = c["binarized_layers"], c["float_layers"]
            rows.append([r["name"], r["kind"], f"{nb}/{nb + nf}", cfg,
                         fmt_ms(c["median_ms"]), fmt_ms(r["ort"]["median_ms"]),
                         f"{c['ratio_median']:.2f}", fmt_ms(c["min_ms"]),
                         fmt_ms(r["ort"]["min_ms"]), f"{c['ratio_min']:.2f}",
                         fmt_ms(c["cpu_ms"]), fmt_ms(r["ort"]["cpu_ms"]),
                         f"{c['ratio_cpu']:.2f}" if c["ratio_cpu"] else "-",
                         "ok" if c["check_ok"] else f"BAD {c['check_err']:.1e}",
                         f"{c['compile_obj_s']:.1f}" if c.get("compile_obj_s") is not None
                         else "-",
                         f"{c['compile_max_rss_mb']:.0f}" if c.get("compile_max_rss_mb")
                         else "-",
                         instr_text(c)])
    print("\nTimes in ms per inference (whole batch): median and min of the wall-clock times, and "
          "CPU time per run;\nratio = onnxruntime / bnnc (> 1: bnnc faster); compile s and RSS MB: "
          "wall time and peak memory of bnnc --emit=obj")
    table(head, rows)

    print("\nMemory (bnnc --emit=obj): the scratch arena (NAME_SCRATCH_SIZE, planned by liveness), "
          "the object's .bss (the static arena),\nthe cost report's peak of live activations "
          "(inputs and outputs included), and the object file")
    rows = []
    for r in results:
        for cfg in configs:
            c = r["configs"][cfg]
            peak = c.get("peak_activation_bytes")
            arena = c.get("scratch_bytes")
            rows.append([r["name"], cfg, f"{arena:,}" if arena is not None else "-",
                         f"{c.get('bss_bytes', 0):,}", f"{peak:,}" if peak else "-",
                         f"{arena / peak:.2f}" if arena is not None and peak else "-",
                         f"{c['object_bytes']:,}"])
    table(["model", "config", "arena B", ".bss B", "peak act. B", "arena/peak", "object B"], rows)

    rows = []
    for r in results:
        for cfg in configs:
            c = r["configs"][cfg]
            if "limit_ms" not in c:
                continue
            rows.append([r["name"], cfg, f"{c['binary_macs'] / 1e9:.3f}",
                         f"{(c['float_macs'] + c['int8_macs']) / 1e6:.1f}"
                         + (f" ({c['int8_macs'] / 1e6:.1f} int8)" if c["int8_macs"] else ""),
                         fmt_ms(c["limit_ms"]), fmt_ms(c["median_ms"]), fmt_ms(c["min_ms"]),
                         f"{100 * c['of_limit_median']:.1f}%", f"{100 * c['of_limit_min']:.1f}%",
                         f"{c['ratio_median']:.2f}", f"{c['ratio_bound_median']:.1f}",
                         f"{c['ratio_bound_min']:.1f}"])
    if rows:
        print("\nLimits: each model's binary MACs at this machine's popcount peak plus its float MACs at "
              "the FMA peak (int8 MACs at the\nint8 dot-product peak where the configuration has it); "
              "bnnc's time as a fraction of that limit, and the\nhighest ratio to onnxruntime this "
              "machine allows (onnxruntime's median or min over the limit)")
        table(["model", "config", "binary G MACs", "other M MACs", "limit ms", "bnnc med",
               "bnnc min", "% limit (med)", "(min)", "ratio med", "ratio bound med", "(min)"],
              rows)

    layers = [r for r in results if "macs" in r]
    if layers:
        print("\nLayers: throughput per image (G binary-MAC/s for the binary conv, GFLOP/s for "
              "the float ones), from the best (min) wall-clock time and from the CPU time per run")
        head = ["layer", "config", "bnnc min", "cpu", "rate (min)", "(cpu)", "% doc peak",
                "% this machine", "ort min", "cpu", "ort rate (min)", "(cpu)", "ratio min",
                "cpu"]
        rows = []
        for r in layers:
            for cfg in configs:
                c = r["configs"][cfg]
                f = 2 if r["kind"] in ("float-layer", "binary-dw-layer", "int8-layer") else 1
                unit = ("GFLOP/s" if r["kind"] == "float-layer"
                        else "GOP/s" if f == 2 else "G bMAC/s")
                mp = c.get("machine_peak")
                rows.append([r["name"], cfg, fmt_ms(c["min_ms"]), fmt_ms(c["cpu_ms"]),
                             f"{f * c['gmacs_min']:.1f} {unit}",
                             f"{f * c['gmacs_cpu']:.1f}" if c["gmacs_cpu"] else "-",
                             f"{100 * f * c['gmacs_min'] / c['doc_peak']:.1f}%",
                             f"{100 * f * c['gmacs_min'] / mp:.1f}%" if mp else "-",
                             fmt_ms(r["ort"]["min_ms"]), fmt_ms(r["ort"]["cpu_ms"]),
                             f"{2 * r['ort']['gmacs_min']:.1f} GFLOP/s",
                             f"{2 * r['ort']['gmacs_cpu']:.1f}", f"{c['ratio_min']:.2f}",
                             f"{c['ratio_cpu']:.2f}" if c["ratio_cpu"] else "-"])
        table(head, rows)
        print("(% of peak from the best time. Doc peaks: 1240 G binary-MAC/s, 116 GFLOP/s fp32 "
              "(Zen 4, TOOLCHAIN.md). This machine: bench/peak.c's\n scalar-popcnt kernel for "
              "'default' (x86-64-v2 has no vector popcount), its vpopcntq kernel otherwise, its "
              "fp32 FMA rate for the float conv, its\n int8 vpdpbusd rate for an int8 layer where the target has VNNI.\n onnxruntime runs the binary layer as the float "
              "conv of the fake-quantized graph.)")


def table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()
    print(line(head))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Benchmark bnnc-compiled models against onnxruntime (single thread).",
        epilog="See the module docstring (or docs/benchmarks.md) for what is measured.")
    ap.add_argument("--bnnc", default=os.path.join(REPO, "build", "bin", "bnnc"))
    ap.add_argument("--models", nargs="+", metavar="M",
                    help="names, shell patterns, groups (e2e, layers, models, all) or .onnx files")
    ap.add_argument("--runs", type=int, default=20,
                    help="timed runs per measurement, at least (20; more for small models, so "
                         f"that a measurement lasts about {MIN_MEASURE_S} s)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the bnnc/onnxruntime measurements R times, interleaved (1)")
    ap.add_argument("--configs", default="default,native",
                    help="comma-separated, of: " + ", ".join(CONFIGS) + " (default,native)")
    ap.add_argument("--json", metavar="FILE", help="write all results as JSON")
    ap.add_argument("--workdir", default=os.path.join(REPO, "build", "bench-work"))
    ap.add_argument("--e2e-dir", default=os.path.join(REPO, "build", "test", "e2e-models"))
    ap.add_argument("--bench-dir", default=os.path.join(REPO, "build", "bench-models"))
    ap.add_argument("--node", default="node")
    ap.add_argument("--objdump", default="llvm-objdump-22")
    ap.add_argument("--cc", default="clang-22", help="C compiler for bench/peak.c")
    ap.add_argument("--no-peak", action="store_true", help="skip measuring this machine's peaks")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run --bnnc in place instead of a copy taken at the start")
    ap.add_argument("--list", action="store_true", help="list the models and exit")
    args = ap.parse_args(argv)

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    for c in configs:
        if c not in CONFIGS:
            ap.error(f"unknown config '{c}' (known: {', '.join(CONFIGS)})")
    if args.runs < 1 or args.rounds < 1:
        ap.error("--runs and --rounds must be positive")
    args.bnnc = os.path.abspath(args.bnnc)
    if not args.list and not os.path.isfile(args.bnnc):
        ap.error(f"no bnnc at {args.bnnc} (build it, or pass --bnnc)")

    try:
        # The on-demand networks are made when a name or pattern given matches them.
        wanted = [n for n in ON_DEMAND if any(fnmatch.fnmatchcase(n, w)
                                              for w in args.models or () if w != "all")]
        ensure_bench_models(args.bench_dir, wanted)
        models = discover(args)
        if args.list:
            for m in models:
                print(f"{m['name']:20s} {m['group']:7s} {m['kind']:13s} {rel(m['path'])}")
            for name, gen in ON_DEMAND.items():
                if not any(m["name"] == name for m in models):
                    print(f"{name:20s} {'models':7s} {'bnn':13s} not made yet: name it with "
                          f"--models to make it (bench/{gen})")
            return 0
        os.makedirs(args.workdir, exist_ok=True)
        bnnc_built = time.strftime("%Y-%m-%d %H:%M:%S",
                                   time.localtime(os.path.getmtime(args.bnnc)))
        bnnc_given = rel(args.bnnc)
        models = select(models, args.models, args.workdir)
        if not args.no_snapshot:
            # Others may rebuild bnnc while this runs: use one copy of it for every model. (Its
            # runtime sources are found through the path compiled into it, not next to it.)
            snap = os.path.join(args.workdir, "bnnc")
            shutil.copy2(args.bnnc, snap + ".tmp")
            os.replace(snap + ".tmp", snap)
            args.bnnc = snap

        start = {"uptime": uptime_line(), "loadavg": loadavg(), "time": time.strftime(
            "%Y-%m-%d %H:%M:%S %z")}
        print(f"machine: {machine_info()}")
        print(f"bnnc: {bnnc_given} (built {bnnc_built}; source tree at {git_state()})")
        print(f"load at start: {start['uptime']}")
        peaks = None
        if not args.no_peak:
            peaks = measure_peaks(args.workdir, args.cc)
            print(f"this machine's single-thread ceilings (bench/peak.c): {peaks}")

        results = []
        for m in models:
            print(f"[{len(results) + 1}/{len(models)}] {m['name']} ...", flush=True)
            try:
                results.append(bench_model(args, m, configs, peaks))
            except BenchError as e:
                print(f"  skipped: {e}", flush=True)
                results.append({"name": m["name"], "error": str(e)})
        end = {"uptime": uptime_line(), "loadavg": loadavg()}
        good = [r for r in results if "error" not in r]
        print_tables(good, configs)
        for r in results:
            if "error" in r:
                print(f"FAILED {r['name']}: {r['error']}")
        print(f"\nload at start: {start['uptime']}\nload at end:   {end['uptime']}")
        if args.json:
            doc = {"machine": machine_info(), "bnnc": bnnc_given, "bnnc_built": bnnc_built,
                   "bnnc_commit": git_state(),
                   "runs": args.runs, "rounds": args.rounds, "configs": {
                       c: CONFIGS[c] for c in configs},
                   "doc_peaks": {"bin_gmacs": DOC_PEAK_BIN_GMACS,
                                 "fp32_gflops": DOC_PEAK_FP32_GFLOPS},
                   "machine_peaks": peaks, "start": start, "end": end, "results": results}
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=1)
            print(f"wrote {args.json}")
        return 0 if len(good) == len(results) else 1
    except BenchError as e:
        print(f"run_bench: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
