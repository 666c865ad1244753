#!/usr/bin/env python3
"""Young bits are cleared by reclaim, not by a clock (mm/vmscan.c):
- without memory pressure nothing scans: no aging pass, no reclaim scan,
  no kswapd run (mix, the default RAM);
- under pressure (`pressure` in 16 MB of RAM) kswapd deactivates pages
  (their young bits cleared and flushed), activates the referenced ones,
  swaps the rest out and back in, and the young faults that follow are at
  most the young bits reclaim cleared (nothing else clears them here: no
  fork, no MADV_FREE, no aging scan); the data survive;
- MADV_FREE is the other way to old and clean without pressure: `seq
  free=1 mb=4 passes=2` hands its 1024 pages back once, so the second
  pass's read of each page takes a young fault and its write a dirty fault
  (1024 each), each fix flushed, plus the MADV_FREE's own flush per page:
  3 x 1024 page flushes beyond the run without free=1; same checksum;
- the opt-in scan (aging=TICKS) runs passes; a bad aging= or swap= exits 2."""
import subprocess
import sys

from guest_output import Checker, mm_counts

mmuscope = sys.argv[1]
check = Checker()


def run(*args):
    return subprocess.run([mmuscope, "run", "--quiet", *args], capture_output=True, text=True,
                          timeout=600)


p = run("--workload", "mix")
c = mm_counts(p.stdout)
check(p.returncode == 0, "mix runs", p.stdout + p.stderr)
for what in ["aging_passes", "pgscan", "kswapd_runs", "reclaim_referenced", "pswpout"]:
    check(c.get(what) == 0, f"no pressure: {what} 0", p.stdout)

p = run("--ram", "16", "--workload", "pressure", "--args", "passes=1")
c = mm_counts(p.stdout)
check(p.returncode == 0 and "wrong 0" in p.stdout and "leaked_pages 0" in p.stdout,
      "pressure: data intact, no leak", p.stdout + p.stderr)
for what in ["kswapd_runs", "pgscan", "pgdeactivate", "pgactivate", "reclaim_referenced",
             "pswpout", "pswpin", "young"]:
    check(c.get(what, 0) > 0, f"pressure: {what} > 0", p.stdout)
check(c.get("aging_passes") == 0, "pressure: no aging pass", p.stdout)
check(c.get("young", 0) <= c.get("reclaim_referenced", 0),
      "pressure: young faults <= young bits reclaim cleared", p.stdout)
check(c.get("reclaimed") == c.get("pswpout"), "pressure: every reclaimed page went to swap",
      p.stdout)

plain, lazy = (run("--workload", "seq", "--args", "mb=4 passes=2 free=" + f) for f in "01")
a, b = mm_counts(plain.stdout), mm_counts(lazy.stdout)
checksum = [line for line in plain.stdout.splitlines() if line.startswith("seq: checksum")]
check(plain.returncode == 0 and lazy.returncode == 0 and checksum and checksum[0] in lazy.stdout,
      "seq free=1: runs, the same checksum", lazy.stdout + lazy.stderr)
check(b.get("young", 0) - a.get("young", 0) == 1024 and b.get("dirty", 0) - a.get("dirty", 0) == 1024,
      "seq free=1: 1024 young and 1024 dirty faults more", lazy.stdout)
check(b.get("tlb_flush_page", 0) - a.get("tlb_flush_page", 0) == 3 * 1024,
      "seq free=1: 3 x 1024 page flushes more", lazy.stdout)
check(b.get("pglazyfreed") == 0, "seq free=1: no pressure, nothing discarded", lazy.stdout)

p = run("--workload", "seq", "--args", "mb=1 passes=20 aging=8")
c = mm_counts(p.stdout)
check(p.returncode == 0 and c.get("aging_passes", 0) > 0 and c.get("young", 0) > 0,
      "aging=8: passes run and young faults follow", p.stdout + p.stderr)

for bad in ["aging=x", "aging=-1", "swap=1G", "swap=4Q"]:
    p = run("--workload", "seq", "--args", bad)
    check(p.returncode == 2 and "bad value" in p.stdout, f"{bad}: exit 2", p.stdout + p.stderr)
check.exit()
