#!/usr/bin/env python3
"""The guest's own account of its processes against the host's TLB model.

The guest kernel prints "mm:" lines (its fault, COW, switch, ASID and
aging counters) and one "asid A: tasks N last_pid P faults F" line per ASID
it used, F counting every abort taken while CONTEXTIDR held A.  The model
counts faults per ASID the same way, so for each ASID the two must be
equal, and the ASIDs the model saw user-mode lookups under must be exactly
the ones the guest gave its processes.  Checked on `mix` (context switches,
young/zero-page/COW faults, every process's ASID with TLB walks), on `test-asid`
(rollover: one TLBIALL more than a run without it), and on `seq` under
each user layout (64 KB and 1 MB walks where the guest made blocks)."""
import json
import os
import re
import subprocess
import sys
import tempfile

from guest_output import Checker, asid_lines, check_asids, mm_counts

mmuscope = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="mmuscope-mm-")
check = Checker()


def run(name, workload, args=""):
    stats = os.path.join(tmp, name + ".json")
    p = subprocess.run([mmuscope, "run", "--workload", workload, "--args", args,
                        "--stats", stats, "--max-insns", "200000000"],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"{name}: exit 0", p.stdout + p.stderr)
    counts, asids = mm_counts(p.stdout), asid_lines(p.stdout)
    with open(stats) as f:
        js = json.load(f)
    check(js["disagreements"] == 0, f"{name}: the model agrees with QEMU")
    check(counts.get("leaked_pages") == 0, f"{name}: no leaked page", p.stdout[-2000:])
    return p.stdout, counts, asids, js


out, mm, asids, js = run("mix", "mix", "procs=4")
# mix's children write what they read (COW from the zero page) and fault
# their old code and stack pages young after fork; dirty-bit faults need a
# clean writable page, which MADV_FREE makes (mix's seq child, free=1).
for what in ["switches", "young", "dirty", "zero_page", "cow"]:
    check(mm.get(what, 0) > 0, f"mix: {what} faults/events > 0 ({mm.get(what)})", out[-2000:])
check(mm.get("forks") == 4 and mm.get("exits") == 5, "mix: 4 forks, 5 exits")
per_asid = check_asids(check, "mix", asids, js)
check(sorted(v["pid"] for a, v in asids.items() if v["tasks"]) == [1, 2, 3, 4, 5],
      "mix: one ASID for init and each of its four children")
for a, v in asids.items():
    if v["tasks"]:
        s = per_asid.get(a, {})
        check(s.get("walks", 0) > 0 and s.get("lookups", 0) > 0,
              f"mix: pid {v['pid']} (ASID {a}) filled the TLB under its ASID", str(s))
check(re.search(r"^per ASID", out, re.M) is not None, "mix: the summary prints the per-ASID table")
for m in ["boot", "mix-start", "random-start", "chase-done", "seq-done", "matrix-done", "mix-done"]:
    check(m in js["markers"], f"mix: marker {m}", str(js["markers"]))
tlbiall_plain = js["tlb"]["counters"]["flush_tlbiall"]

out, mm, asids, js = run("test-asid", "test-asid")
check("test-asid: 0 failures" in out, "test-asid: passes", out[-2000:])
check(mm.get("asid_rollovers", 0) >= 1, "test-asid: an ASID rollover")
check(js["tlb"]["counters"]["flush_tlbiall"] == tlbiall_plain + mm.get("asid_rollovers", 0),
      "test-asid: one TLBIALL per rollover, beyond the boot's")
check(max(v["tasks"] for v in asids.values()) >= 2, "test-asid: ASIDs were given again")
check_asids(check, "test-asid", asids, js)

walks, buf_walks = {}, {}
for ul in ["pages", "large", "sections"]:
    out, mm, asids, js = run(f"seq-{ul}", "seq", f"mb=4 passes=2 ulayout={ul}")
    walks[ul] = js["tlb"]["per_page_size"]
    # seq's 4 MB buffer is the first mmap: MBs 0x400-0x403
    buf_walks[ul] = sum(js["per_mb"]["walks"].get(f"0x{mb:03x}", 0) for mb in range(0x400, 0x404))
    check(mm.get("blocks") == {"pages": 0, "large": 64, "sections": 4}[ul],
          f"seq-{ul}: block mappings made: {mm.get('blocks')}")
    check_asids(check, f"seq-{ul}", asids, js)
check(walks["pages"]["64K"]["walks"] == 0 and walks["large"]["64K"]["walks"] > 0,
      "ulayout=large: 64 KB walks")
check(walks["sections"]["64K"]["walks"] == 0 and buf_walks["sections"] * 20 < buf_walks["pages"],
      "ulayout=sections: the buffer's MBs are walked a few times, not per page", str(buf_walks))
check(walks["large"]["4K"]["walks"] * 4 < walks["pages"]["4K"]["walks"] and
      walks["sections"]["4K"]["walks"] * 4 < walks["pages"]["4K"]["walks"],
      "block layouts walk 4 KB pages far less often", str(walks))

check.exit()
