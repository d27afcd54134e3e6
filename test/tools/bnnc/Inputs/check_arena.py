"""Checks the sizes of a model's scratch arena: MODEL.h's SCRATCH_SIZE against the cost report's
peak activations (at most 1.1x) and its compiled scratch arena (equal), the object's .bss (holds the arena) and the .bss of a program
that only calls NAME_with_scratch, linked with --gc-sections (smaller than the arena).

    python3 check_arena.py MODEL.h REPORT.json MODEL.o PROGRAM
"""
import json
import re
import subprocess
import sys


def bss(path):
    out = subprocess.run(["llvm-size", "-A", path], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    return sum(int(m.group(1)) for m in re.finditer(r"^\.bss\S*\s+(\d+)", out, re.M))


def main(header, report, obj, prog):
    arena = int(re.search(r"_SCRATCH_SIZE (\d+)u", open(header).read()).group(1))
    totals = json.load(open(report))["totals"]
    peak = totals["peak_activation_bytes"]
    ok = True
    def check(cond, line):
        nonlocal ok
        print(line if cond else "FAIL: " + line)
        ok = ok and cond
    obj_bss, prog_bss = bss(obj), bss(prog)
    check(arena <= 1.1 * peak, f"arena {arena} B <= 1.1 x peak {peak} B")
    check(totals["scratch_arena_bytes"] == arena, f"the report's scratch arena is the arena")
    check(obj_bss >= arena, f"object .bss {obj_bss} B >= arena")
    check(prog_bss < arena, f"scratch-only program .bss {prog_bss} B < arena")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
