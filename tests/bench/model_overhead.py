#!/usr/bin/env python3
"""Benchmark, not a test: guest speed with the MMU/TLB model off and on for
the default workload, and their ratio.  Prints figures; never fails on them.

usage: model_overhead.py MMUSCOPE [--args "MB PASSES"] [--repeat N]"""
import argparse
import re
import subprocess
import time

ap = argparse.ArgumentParser()
ap.add_argument("mmuscope")
ap.add_argument("--args", default="16 200", help="sweep workload arguments")
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--board", default="q3f")
opt = ap.parse_args()


def best_time(model):
    best, insns = None, None
    for _ in range(opt.repeat):
        start = time.perf_counter()
        proc = subprocess.run([opt.mmuscope, "run", "--board", opt.board, "--model", model,
                               "--args", opt.args],
                              capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
        match = re.search(r"instructions\s+(\d+)", proc.stdout)
        insns = int(match.group(1)) if match else None
        best = elapsed if best is None else min(best, elapsed)
    return best, insns


off, insns = best_time("off")
on, insns_on = best_time("on")
print(f"workload: sweep {opt.args} on {opt.board}, best of {opt.repeat}")
print(f"instructions: {insns} (model off), {insns_on} (model on)")
print(f"model off: {off:.3f} s  {insns / off / 1e6:.1f} MIPS" if insns else f"model off: {off:.3f} s")
print(f"model on:  {on:.3f} s  {insns_on / on / 1e6:.1f} MIPS" if insns_on else f"model on: {on:.3f} s")
print(f"on/off time ratio: {on / off:.2f} (model-on speed is {off / on * 100:.0f}% of model-off)")
