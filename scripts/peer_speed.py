#!/usr/bin/env python3
"""Guest MIPS per CPU second, mmuscope against QEMU (issue 17's table): for
each workload, mmuscope --model on and --model off on the vexpress board
and, when qemu-system-arm is found, QEMU alone and QEMU with the TLB plugin
(the peer: ../shared/peers/qemu-tlb-plugin), both with -icount shift=10 so
both guests do the same work.  The runs are interleaved, REPEAT rounds;
each cell is the median of the rounds' user+system CPU time turned into
MIPS with that side's own instruction count (mmuscope: --stats; QEMU: the
plugin's "instructions" line, from a count=only run when no plugin is
given).  A benchmark that prints figures, not a test.

usage: peer_speed.py MMUSCOPE FIRMWARE-VEXPRESS.ELF [--plugin LIB.so]
                     [--qemu qemu-system-arm] [--repeat N] [--workloads W,...]"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

# The three workloads: sweep "16 256" and the defaults of the others.
WORKLOADS = {"sweep": "16 256", "random": "", "mix": ""}


def cpu_seconds(cmd):
    """Runs cmd; returns (user+system CPU seconds of the child, stdout+stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"peer_speed: {' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), \
        p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("mmuscope")
    ap.add_argument("firmware")
    ap.add_argument("--plugin", help="the peer's libtlbplugin.so (build.sh builds it)")
    ap.add_argument("--qemu", default=shutil.which("qemu-system-arm"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    a = ap.parse_args()
    names = a.workloads.split(",")
    for n in names:
        if n not in WORKLOADS:
            sys.exit(f"peer_speed: unknown workload {n} (known: {', '.join(WORKLOADS)})")
    if a.repeat < 1:
        sys.exit("peer_speed: --repeat must be at least 1")
    tmp = tempfile.mkdtemp(prefix="mmuscope-peer-speed-")
    stats = os.path.join(tmp, "stats.json")

    def mmuscope(name, model):
        cmd = [a.mmuscope, "run", "--board", "vexpress", "--workload", name,
               "--args", WORKLOADS[name], "--model", model, "--quiet"]
        return cmd + (["--stats", stats] if model == "on" else [])

    def qemu(name, plugin_args):
        cmdline = f"workload={name}" + (f" {WORKLOADS[name]}" if WORKLOADS[name] else "")
        return [a.qemu, "-M", "vexpress-a9", "-m", "128M", "-nographic", "-semihosting",
                "-icount", "shift=10", "-kernel", a.firmware, "-append", cmdline,
                *plugin_args, "-d", "plugin"]

    sides = ["model on", "model off"]
    if a.qemu:
        sides += (["QEMU + plugin"] if a.plugin else []) + ["QEMU alone"]
    insns, times = {}, {(n, s): [] for n in names for s in sides}
    for n in names:
        _, _ = cpu_seconds(mmuscope(n, "on"))
        with open(stats) as f:
            insns[(n, "mmuscope")] = json.load(f)["instructions"]
        if a.qemu and a.plugin:
            # The peer's count=only mode: an inline add per block, nothing else.
            _, out = cpu_seconds(qemu(n, ["-plugin", f"{a.plugin},arg=count=only"]))
            m = re.search(r"tlbplugin: instructions (\d+)", out)
            insns[(n, "qemu")] = int(m.group(1)) if m else None
    for r in range(a.repeat):
        for n in names:
            for s in sides:
                if s == "model on":
                    cmd = mmuscope(n, "on")
                elif s == "model off":
                    cmd = mmuscope(n, "off")
                elif s == "QEMU + plugin":
                    cmd = qemu(n, ["-plugin", a.plugin])
                else:
                    cmd = qemu(n, [])
                t, _ = cpu_seconds(cmd)
                times[(n, s)].append(t)
        print(f"round {r + 1}/{a.repeat} done", file=sys.stderr)
    print(f"guest MIPS per CPU second, median of {a.repeat} interleaved runs "
          "(vexpress; QEMU with -icount shift=10)\n")
    print("| workload | " + " | ".join(f"mmuscope {s}" if s.startswith("model") else s
                                       for s in sides) + " |")
    print("|---" * (len(sides) + 1) + "|")
    for n in names:
        cells = []
        for s in sides:
            count = insns.get((n, "qemu" if s.startswith("QEMU") else "mmuscope"))
            med = statistics.median(times[(n, s)])
            cells.append(f"{count / med / 1e6:.0f} ({med:.2f} s)" if count else f"? ({med:.2f} s)")
        label = n + (f" `{WORKLOADS[n]}`" if WORKLOADS[n] else "")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\ninstructions: " + ", ".join(
        f"{n} mmuscope {insns[(n, 'mmuscope')]}"
        + (f", QEMU {insns[(n, 'qemu')]}" if insns.get((n, "qemu")) else "") for n in names))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
