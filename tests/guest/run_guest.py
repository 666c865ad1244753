#!/usr/bin/env python3
"""Runs one guest program under `mmuscope run` and checks its verdict: the
exit status, lines it printed, and the markers it reported."""
import argparse
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("mmuscope")
ap.add_argument("--board", default="q3f")
ap.add_argument("--model", default="on")
ap.add_argument("--workload", required=True)
ap.add_argument("--args", default=None)
ap.add_argument("--layout", default=None)
ap.add_argument("--max-insns", default="200000000")
ap.add_argument("--expect-exit", type=int, default=0)
ap.add_argument("--expect-output", action="append", default=[])
ap.add_argument("--expect-marker", action="append", default=[])
opt = ap.parse_args()

cmd = [opt.mmuscope, "run", "--board", opt.board, "--model", opt.model,
       "--workload", opt.workload, "--max-insns", opt.max_insns]
if opt.args is not None:
    cmd += ["--args", opt.args]
if opt.layout is not None:
    cmd += ["--layout", opt.layout]
# No timeout here: meson's per-test timeout is the one to tune (slower builds).
proc = subprocess.run(cmd, capture_output=True, text=True)
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
problems = []
if proc.returncode != opt.expect_exit:
    problems.append(f"exit status {proc.returncode}, expected {opt.expect_exit}")
for text in opt.expect_output:
    if text not in proc.stdout:
        problems.append(f"output lacks {text!r}")
markers = []
for line in proc.stdout.splitlines():
    if line.startswith("markers:"):
        markers = line.split(":", 1)[1].split()
for name in opt.expect_marker:
    if name not in markers:
        problems.append(f"marker {name!r} not reported (markers: {markers})")
for p in problems:
    print("FAIL:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
