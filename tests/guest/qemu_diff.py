#!/usr/bin/env python3
"""The guest on two machines: every workload of the vexpress firmware (the
kernel's and the user programs, as `--workload list` names them; small
sizes) runs on mmuscope and on qemu-system-arm's vexpress-a9 (its timer on
the real clock, then on -icount's), with the same command line, and the
consoles must be the same line for line (layout,
meminfo, results, the guest's fault, COW and young/dirty counts) apart from
the lines the guest tagged as depending on when timer interrupts arrive
(firmware/timing.h).  Both exit statuses must be the same.  Then, within
the mmuscope run: the model never disagreed with QEMU's MMU, every fault
the guest took under an ASID is one the model counted under it, and the
faults the guest's "mm:" lines sort by kind are among those.

usage: qemu_diff.py MMUSCOPE FIRMWARE-VEXPRESS.ELF [WORKLOAD...]
Skipped (exit 77) when qemu-system-arm is not installed."""
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from guest_output import Checker, asid_lines, check_asids, mm_counts, untagged

if len(sys.argv) < 3:
    print("usage: qemu_diff.py MMUSCOPE FIRMWARE-VEXPRESS.ELF [WORKLOAD...]", file=sys.stderr)
    sys.exit(2)
mmuscope, firmware, only = sys.argv[1], sys.argv[2], sys.argv[3:]
qemu = shutil.which("qemu-system-arm")
if not qemu:
    print("qemu-system-arm not found (Debian: apt-get install qemu-system-arm): skipped")
    sys.exit(77)

# Arguments that keep each run short; a workload not named here runs with
# its defaults, so a new one is compared as soon as the guest lists it.
SMALL = {"sweep": "4 1", "seq": "mb=1 passes=2", "stride": "mb=1 stride=4096 passes=2",
         "random": "mb=1 count=20000", "chase": "ws=64 steps=20000", "matrix": "n=16",
         "fork": "children=4 pages=8", "mmap": "iterations=10 pages=4", "stack": "depth=500",
         "mix": "procs=4", "test-ulayout": "ulayout=large aging=8", "test-aging": "aging=8",
         "pressure": "mb=4 passes=1", "probe": "read write exec"}
# The user faults the guest handled, by kind (each also counted per ASID).
FAULT_KINDS = ["demand", "young", "dirty", "cow", "cow_reuse", "spurious"]
# QEMU twice: its SP804 on the real clock (a tick each 50 ms: few or none
# in a short run), and on -icount's instruction clock, 1024 ns an
# instruction (a tick each ~48,800 instructions, near mmuscope's 50,000:
# preemption and aging as often as on mmuscope, at other points).  The
# untagged lines must not care.
QEMU_CLOCKS = {"real clock": [], "icount": ["-icount", "shift=10"]}
# Tests of the opt-in aging scan assert exact counts per pass, which hold
# only when passes come on an instruction clock: on the real clock a
# loaded host can land a pass inside a measured step.  Those run on
# -icount only.
ICOUNT_ONLY = {"test-aging", "test-ulayout"}
RAM = 128  # MB: the board's default in mmuscope too (board.h: VEXPRESS_RAM_SIZE)
# Other RAM sizes the board takes (64 MB to 1 GB): the guest sizes its bank
# from SYS_HEAPINFO on both machines; the layout, meminfo and a user run
# must agree there too.
OTHER_RAM = {("layout", 64), ("layout", 256), ("layout", 1024), ("mix", 64),
             ("test-reclaim", 64)}
# Runs whose work grows with RAM (test-reclaim writes more than RAM holds)
# are compared at the smallest size the board takes only.
SMALLEST_RAM_ONLY = {"test-reclaim"}
tmp = tempfile.mkdtemp(prefix="mmuscope-qemu-diff-")


def workloads():
    p = subprocess.run([mmuscope, "run", "--board", "vexpress", "--workload", "list", "--quiet"],
                       capture_output=True, text=True, timeout=60)
    # "NAME: help" lines; the user programs' "mm:" counters follow them.
    return [n for n in re.findall(r"^([a-z][a-z0-9-]*): ", p.stdout, re.M) if n != "mm"]


def run_both(job):
    """Runs workload NAME with RAM MB on mmuscope, then QEMU on the command
    line mmuscope gave the guest; returns (mmuscope process, its console,
    stats, {clock: QEMU process})."""
    name, ram = job
    console, stats = (os.path.join(tmp, f"{name}-{ram}{ext}") for ext in (".txt", ".json"))
    m = subprocess.run([mmuscope, "run", "--board", "vexpress", "--workload", name,
                        "--args", SMALL.get(name, ""), "--ram", str(ram), "--console", console,
                        "--stats", stats, "--quiet"], capture_output=True, text=True, timeout=300)
    with open(console) as f:
        out = f.read()
    with open(stats) as f:
        js = json.load(f)
    q = {clock: subprocess.run([qemu, *opts, "-M", "vexpress-a9", "-m", f"{ram}M", "-nographic",
                                "-semihosting", "-kernel", firmware, "-append", js["cmdline"]],
                               capture_output=True, text=True, timeout=120,
                               env=dict(os.environ, QEMU_AUDIO_DRV="none"))  # the codec: quiet
         for clock, opts in QEMU_CLOCKS.items() if clock == "icount" or name not in ICOUNT_ONLY}
    return m, out, js, q


check = Checker()
names = only or workloads()
if not only:
    check(len(names) >= 20, f"the guest lists its workloads: {len(names)}", " ".join(names))
jobs = [(name, RAM) for name in names if only or name not in SMALLEST_RAM_ONLY] + \
    ([] if only else sorted(OTHER_RAM))
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = dict(zip(jobs, pool.map(run_both, jobs)))
for (workload, ram), (m, out, js, qemus) in results.items():
    name = workload if ram == RAM else f"{workload} with {ram} MB"
    ours = untagged(out)
    for clock, q in qemus.items():
        check(m.returncode == q.returncode, f"{name}: exit {m.returncode} on mmuscope, "
              f"{q.returncode} on QEMU ({clock})", m.stderr + q.stderr)
        theirs = untagged(q.stdout)
        diff = list(difflib.unified_diff(ours, theirs, "mmuscope", f"qemu ({clock})", n=1,
                                         lineterm=""))
        check(not diff and ours, f"{name}: {len(ours)} untagged console lines the same on "
              f"QEMU ({clock})", "\n".join(diff[:40]))
    check(js["disagreements"] == 0, f"{name}: the model agrees with QEMU's MMU on every abort")
    asids = asid_lines(out)
    if asids:
        check_asids(check, name, asids, js)
        mm = mm_counts(out)
        handled = sum(mm[k] for k in FAULT_KINDS)
        user = sum(v["faults"] for a, v in asids.items() if a)
        check(handled <= user, f"{name}: the {handled} faults handled by kind are among the "
              f"{user} taken under user ASIDs", str(mm))
check.exit()
