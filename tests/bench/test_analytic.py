#!/usr/bin/env python3
"""TLB behaviour derived from the mathematics, against the region-of-interest
counters of `mmuscope run` (the workloads' own NAME-start/NAME-done
markers; their buffers are written before the start marker, so the ROI
holds the measured loop only).  Custom presets: a data TLB of E = 16
entries, fully associative, with no main TLB and no walk cache, so every
data-TLB miss is one walk.  Each case states its derivation and its
tolerance.

What the ROI holds besides the loop: the timer's interrupt every 50,000
instructions (the kernel's handler touches a few pages, evicting at most
E user entries each time, so at most E extra walks per tick), and the
loop's own stack page, which an LRU TLB keeps (it is touched every
iteration), leaving E - 1 entries to the buffer."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "guest"))
from guest_output import Checker  # noqa: E402

mmuscope = sys.argv[1]
check = Checker()
tmp = tempfile.mkdtemp(prefix="mmuscope-analytic-")
E = 16
TICK = 50000


def preset(policy):
    path = os.path.join(tmp, f"d16-{policy}.tlb")
    with open(path, "w") as f:
        f.write(f"""name = d16-{policy}
itlb.entries = 16
itlb.ways = 16
itlb.policy = lru
dtlb.entries = {E}
dtlb.ways = {E}
dtlb.policy = {policy}
main.entries = 0
walk_cache.entries = 0
memory_latency = 10
base_cpi = 1
""")
    return path


LRU, FIFO = preset("lru"), preset("fifo")


def roi(workload, args, tlb):
    """The ROI counters of one run."""
    stats = os.path.join(tmp, "stats.json")
    p = subprocess.run([mmuscope, "run", "--workload", workload, "--args", args, "--preset", tlb,
                        "--stats", stats, "--quiet"], capture_output=True, text=True, timeout=600)
    if not check(p.returncode == 0, f"{workload} {args}: runs", p.stdout + p.stderr):
        return None
    with open(stats) as f:
        js = json.load(f)
    check(js["roi"]["start"] == f"{workload}-start" and js["roi"]["end"] == f"{workload}-done",
          f"{workload} {args}: the ROI is the workload's own markers", str(js["roi"]["start"]))
    return js["roi"]["counters"]


def within(what, got, want, rel):
    check(abs(got - want) <= rel * want, f"{what}: {got:.4f}, expected {want:.4f} within {rel:.0%}")


# 1. Uniform random words over N pages through a fully associative LRU TLB
# of E entries.  Under the independent reference model with equal
# probabilities, LRU holds the E most recently used distinct pages and the
# next reference is uniform and independent of them: P(miss) = 1 - E/N.
# Each iteration (one random access) is a load and a store to the same
# word: the store hits the entry the load filled, so data walks per
# iteration = P(miss).  The loop's stack page is touched every iteration,
# so LRU keeps it and leaves E - 1 entries to the buffer: 1 - (E-1)/N, a
# shift of 1/N (0.1% at N = 1024, 1.6% at N = 64); the ticks add at most
# E walks per 50,000 instructions, under 0.5% here.  So: within 5% of the
# textbook 1 - E/N, and within 1% of the stack-corrected 1 - (E-1)/N.
# The first case is the command as is: random's defaults are mb=4
# (N = 1024 pages of 4 KB) and count=100000.
COUNT = 100000
for args, pages in [("", 1024), ("ulayout=large", 64)]:
    c = roi("random", args, LRU)
    if c:
        what = f"random over {pages} pages ({args or 'defaults'}): data walks per random access"
        within(what, c["walks_d"] / COUNT, 1 - E / pages, 0.05)
        within(what + " (stack-corrected)", c["walks_d"] / COUNT, 1 - (E - 1) / pages, 0.01)
# 4 sections (1 MB) fit in 16 entries: no walks after warm-up.
c = roi("random", "ulayout=sections", LRU)
if c:
    check(c["walks_d"] / COUNT < 0.01,
          f"random over 4 sections: data walks per iteration {c['walks_d'] / COUNT:.4f} < 0.01")

# 2. The ROI is the loop: instructions per iteration are the same at two
# counts (the difference of the two ROIs over the difference of the
# counts is the loop's length; the ROI of one count over that count must
# be the same number, give or take the ticks' handler).
a = roi("random", "mb=4 count=50000", LRU)
b = roi("random", f"mb=4 count={COUNT}", LRU)
if a and b:
    loop = (b["instructions"] - a["instructions"]) / (COUNT - 50000)
    check(10 <= loop <= 100, f"random: {loop:.1f} instructions an iteration")
    within("random: ROI instructions per iteration at 100000", b["instructions"] / COUNT, loop, 0.05)

# 3. A sequential stride over N = 1024 pages (4 MB), 4 passes, through a
# FIFO TLB of 16 entries: the pages come round in the same cyclic order,
# N > E, so a page has always left the TLB before it comes back: one miss
# per new page, N per pass, whatever the stride within a page (4096: one
# access a page; 256: 16, the other 15 hit).  Tolerance: the ticks' E
# walks each.
for stride in [4096, 256]:
    c = roi("stride", f"mb=4 stride={stride} passes=4", FIFO)
    if c:
        ticks = c["instructions"] / TICK + 1
        want = 4 * 1024
        check(want <= c["walks_d"] <= want + E * ticks,
              f"stride {stride} under FIFO: {c['walks_d']} data walks, one per new page "
              f"({want}, + at most {E} a tick)")

# 4. A working set that fits: a pointer chase over 32 KB (8 pages) that
# its set-up already touched, through 16 LRU entries: no walk but the
# ticks' (at most E each), against ~100,000 steps.
c = roi("chase", "ws=32 steps=100000", LRU)
if c:
    ticks = c["instructions"] / TICK + 1
    check(c["walks_d"] <= E * ticks,
          f"chase over 8 pages: {c['walks_d']} data walks, at most {E} a tick ({ticks:.0f} ticks)")
check.exit()
