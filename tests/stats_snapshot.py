#!/usr/bin/env python3
"""Records what every workload does, to prove a speed change changed none of
it: each workload (as `run --workload list` names them) under every preset
in presets/ on q3f, under the other lowmem layouts, on vexpress, and with
the model off on both boards.  Each run leaves its stdout (the guest's
console and the summary), its exit status and, with the model on, its
`--stats` JSON in DIR.  `--compare A B` then says which runs differ, byte
for byte, and exits 1 if any does.

usage: stats_snapshot.py MMUSCOPE DIR [--jobs N]
       stats_snapshot.py --compare DIR_A DIR_B"""
import concurrent.futures
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PRESETS = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "..", "presets"))
                 if f.endswith(".tlb"))
# Workloads whose defaults the guest refuses get the arguments they need;
# every other one runs with its defaults.
ARGS = {"test-ulayout": ["ulayout=large aging=8", "ulayout=sections aging=8"],
        "test-aging": ["aging=8"]}


def workloads(mmuscope):
    p = subprocess.run([mmuscope, "run", "--workload", "list", "--quiet"],
                       capture_output=True, text=True, timeout=120, check=True)
    # "NAME: help" lines; the user programs' "mm:" counters follow them.
    return [n for n in re.findall(r"^([a-z][a-z0-9-]*): ", p.stdout, re.M) if n != "mm"]


def jobs(mmuscope):
    """(file stem, mmuscope run options) for every run of the snapshot."""
    out = []
    for w in workloads(mmuscope):
        for args in ARGS.get(w, [""]):
            stem = w + ("-" + args.replace("=", "_") if args else "")
            base = ["--workload", w, "--args", args]
            for preset in PRESETS:
                out.append((f"{stem}.q3f.{preset}", base + ["--preset", preset]))
            for layout in ["pages", "supersections", "large"]:
                out.append((f"{stem}.q3f.{layout}", base + ["--layout", layout]))
            out.append((f"{stem}.vexpress", base + ["--board", "vexpress"]))
            for board in ["q3f", "vexpress"]:
                out.append((f"{stem}.{board}.off", base + ["--board", board, "--model", "off"]))
    return out


def record(mmuscope, outdir, job):
    stem, opts = job
    cmd = [mmuscope, "run", *opts]
    if "off" not in opts:
        cmd += ["--stats", os.path.join(outdir, stem + ".json")]
    p = subprocess.run(cmd, capture_output=True, timeout=900)
    with open(os.path.join(outdir, stem + ".out"), "wb") as f:
        f.write(p.stdout + b"\n--- stderr\n" + p.stderr + f"\n--- exit {p.returncode}\n".encode())
    return stem


def compare(a, b):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    differ = []
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            differ.append(n + " (only in one)")
            continue
        with open(pa, "rb") as fa, open(pb, "rb") as fb:
            if fa.read() != fb.read():
                differ.append(n)
    for n in differ:
        print("differs:", n)
    print(f"{len(names) - len(differ)} of {len(names)} files identical")
    return 1 if differ else 0


def main():
    argv = sys.argv[1:]
    if len(argv) == 3 and argv[0] == "--compare":
        return compare(argv[1], argv[2])
    jobs_n = 2
    if len(argv) == 4 and argv[2] == "--jobs" and argv[3].isdigit() and int(argv[3]) > 0:
        jobs_n = int(argv[3])
    elif len(argv) != 2:
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        return 2
    mmuscope, outdir = argv[0], argv[1]
    os.makedirs(outdir, exist_ok=True)
    todo = jobs(mmuscope)
    with concurrent.futures.ThreadPoolExecutor(jobs_n) as pool:
        for n, _ in enumerate(pool.map(lambda j: record(mmuscope, outdir, j), todo), 1):
            print(f"\r{n}/{len(todo)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
