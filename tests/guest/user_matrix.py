#!/usr/bin/env python3
"""Every user workload runs under every TLB preset and every lowmem layout
(small sizes), exits 0, leaks no page, the model never disagrees with QEMU
and sees no stale-TLB hazard (the guest flushes as Linux does:
ptep_set_access_flags, change_protection, ptep_clear_flush).  Then `--workload mix` must show, in its summary: context switches,
young, dirty and COW faults (the guest's "mm:" lines), and TLB accesses
under several ASIDs (the host's per-ASID lines and --stats JSON)."""
import json
import os
import re
import subprocess
import sys
import tempfile

from guest_output import Checker, mm_counts

mmuscope = sys.argv[1]
check = Checker()
workloads = {"seq": "mb=1 passes=1", "stride": "mb=1 stride=256 passes=1",
             "random": "mb=1 count=2000", "chase": "ws=64 steps=2000", "matrix": "n=12",
             "fork": "children=3 pages=4", "mmap": "iterations=5 pages=4", "stack": "depth=300",
             "mix": "procs=4", "pressure": "passes=1"}
presets = ["cortex-a5", "cortex-a7", "cortex-a8", "cortex-a9", "cortex-a15"]
layouts = ["sections", "pages", "supersections", "large"]


def run(*args):
    return subprocess.run([mmuscope, "run", *args], capture_output=True, text=True, timeout=300)


tmp = tempfile.mkdtemp(prefix="mmuscope-matrix-")
for name, args in workloads.items():
    for preset in presets:
        for layout in layouts if preset == "cortex-a5" else ["sections"]:
            # pressure is a working set beyond RAM: 16 MB of RAM keeps it short.
            ram = ["--ram", "16"] if name == "pressure" else []
            json_path = os.path.join(tmp, "stats.json")
            p = run("--workload", name, "--args", args, "--preset", preset, "--layout", layout,
                    "--quiet", "--stats", json_path, *ram)
            ok = p.returncode == 0 and "leaked_pages 0" in p.stdout
            check(ok, f"{name} on {preset}/{layout}", p.stdout + p.stderr)
            if ok:
                with open(json_path) as f:
                    hazards = json.load(f)["tlb"]["counters"]["stale_hazards"]
                check(hazards == 0, f"{name} on {preset}/{layout}: no stale-TLB hazard", str(hazards))

stats = os.path.join(tmp, "mix.json")
p = run("--workload", "mix", "--stats", stats)
counts = mm_counts(p.stdout)
# mix's children read fresh memory (the zero page) and write it (COW from
# the zero page); their code and stack pages start old after fork; its seq
# child recycles its buffer with MADV_FREE (young, then dirty faults).
for what in ["switches", "young", "dirty", "zero_page", "cow", "forks"]:
    check(counts.get(what, 0) > 0, f"mix summary: {what} > 0", p.stdout)
asid_lines = re.findall(r"^  asid (\d+)\s+(\d+) /", p.stdout, re.M)
check(len([a for a, n in asid_lines if int(a) > 0 and int(n) > 0]) >= 5,
      "mix summary: TLB lookups under init's and each child's ASID", p.stdout)
with open(stats) as f:
    per_asid = json.load(f)["tlb"]["per_asid"]
check(sum(1 for a, v in per_asid.items() if a != "0" and v["walks"] > 0) >= 5,
      "mix --stats: walks under five user ASIDs")
check.exit()
