#!/usr/bin/env python3
"""`mmuscope bench --kernel` across two TLB presets on Debian's armmp kernel:
random over 1 MB (256 pages, all written by populate() before the ROI),
20 000 read-modify-writes of a random word.  Worked out from the presets:

- the guest cannot see the TLB, so both jobs retire the same instructions
  and make the same accesses and faults, in the ROI too;
- cortex-a9's main TLB has 128 entries for the buffer's 256 pages: with
  random pages about half of the 20 000 loads miss it (the store after each
  load hits the micro TLB), so 8 000..12 000 walks;
- cortex-a15's 512-entry main TLB (4-way, 128 sets) holds all 256 pages,
  filled before the ROI: almost no walks (under 100, for the timer
  interrupts' kernel accesses);
- every record says layout "linux", the workload's ROI, exit code 0.

usage: test_linux_bench.py MMUSCOPE INIT USER ASSETS_DIR MKINITRAMFS
Skips (77) like test_linux_boot.py when the kernel or the programs are
missing."""
import csv
import os
import subprocess
import sys

import linuxtest

COUNT = 20000


def body(b, tmp, initrd):
    check = b.check
    out = os.path.join(tmp, "bench")
    base = [b.mmuscope, "bench", "--kernel", b.kernel, "--dtb", b.dtb, "--initrd", initrd]
    bad = subprocess.run(base + ["--workloads", "random", "--layouts", "pages"],
                         capture_output=True, text=True)
    check(bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and
          "--layouts" in bad.stderr, "--layouts with --kernel: exit 2, one line")
    run = subprocess.run(base + ["--workloads", f"random:mb=1 count={COUNT}",
                                 "--presets", "cortex-a9,cortex-a15", "--jobs", "2",
                                 "--out", out, "--quiet"], capture_output=True, text=True)
    check(run.returncode == 0, f"bench exits 0 (got {run.returncode}: {run.stderr[-300:]})")
    path = os.path.join(out, "results.csv")
    check(os.path.exists(path), "results.csv written")
    if not os.path.exists(path):
        return
    rows = {r["preset"]: r for r in csv.DictReader(open(path))}
    check(set(rows) == {"cortex-a9", "cortex-a15"}, f"one record per preset ({sorted(rows)})")
    if set(rows) != {"cortex-a9", "cortex-a15"}:
        return
    a9, a15 = rows["cortex-a9"], rows["cortex-a15"]
    for r in (a9, a15):
        check(r["layout"] == "linux" and r["exit_code"] == "0" and
              r["roi"] == "random-start..random-done",
              f"{r['preset']}: layout linux, exit 0, the workload's ROI")
    same = ["instructions", "accesses"] + [k for k in a9 if k.startswith("faults_")]
    check(all(a9[k] == a15[k] for k in same),
          "both presets: the same ROI instructions, accesses and faults")
    walks = {p: round(float(r["walks_per_kaccess"]) * int(r["accesses"]) / 1000)
             for p, r in rows.items()}
    check(8000 <= walks["cortex-a9"] <= 12000,
          f"cortex-a9: about half of {COUNT} random pages miss 128 entries "
          f"({walks['cortex-a9']} walks)")
    check(walks["cortex-a15"] < 100,
          f"cortex-a15: 512 entries hold the 256 pages ({walks['cortex-a15']} walks)")


if __name__ == "__main__":
    sys.exit(linuxtest.main(body))
