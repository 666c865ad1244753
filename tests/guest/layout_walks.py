#!/usr/bin/env python3
"""A boot with the model on walks the page sizes each lowmem layout maps:
sections for lowmem, small pages for the CMA area and the vmalloc space,
16 MB supersections or 64 KB large pages when the layout asks for them.
The q3f numbers come from the seed: lowmem 0xc0000000-0xc3e00000, the
32 MB CMA area at PA 0x41800000 (VA MBs 0xc18-0xc37), vmalloc from
0xc4000000 to 0xff000000.  No boot may leave a stale TLB entry in use
(paging_init replaces the live sections head.S made), and no walk may
read a supersection or large page whose 16 copies differ."""
import json
import os
import subprocess
import sys
import tempfile

from guest_output import Checker

mmuscope = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="mmuscope-layout-")
check = Checker()


def stats(*args):
    path = os.path.join(tmp, "stats.json")
    subprocess.run([mmuscope, "run", "--quiet", "--console", os.devnull, "--stats", path, *args],
                   check=True, timeout=120)
    with open(path) as f:
        d = json.load(f)
    walks = {int(k, 16): v for k, v in d["per_mb"]["walks"].items()}
    # Only walks that found a page or section count under a page size.
    for k, v in d["per_mb"]["faults"].items():
        walks[int(k, 16)] -= v
    sizes = {k: v["walks"] for k, v in d["tlb"]["per_page_size"].items()}
    # Replacing head.S's live sections must never leave a stale entry in use.
    check(d["tlb"]["counters"]["stale_hazards"] == 0 and d["disagreements"] == 0,
          f"{' '.join(args) or 'default'}: no stale-TLB hazard, no disagreement")
    # Every supersection and large page the guest wrote has 16 equal copies.
    check(d["tlb"]["counters"]["replica_mismatches"] == 0,
          f"{' '.join(args) or 'default'}: no walk read a group of differing copies")
    return walks, sizes


def in_mbs(walks, lo, hi):
    return sum(v for mb, v in walks.items() if lo <= mb <= hi)


# The default sweep touches 16 MB of lowmem page by page, 4 passes.
walks, sizes = stats()
check(sizes["1M"] > 0 and in_mbs(walks, 0xC00, 0xC17) > 0, "sections: 1M walks in lowmem")
check(sizes["16M"] == 0 and sizes["64K"] == 0, "sections: no 16M or 64K walks")
# CMA MBs hold only small pages, so every walk there is a 4K walk; 16 MB of
# it is 4096 pages, each walked at least once.
walks, sizes = stats("--args", "16 4 cma")
cma = in_mbs(walks, 0xC18, 0xC37)
check(cma >= 4096 and sizes["4K"] >= cma, f"sections: 4K walks in the CMA area ({cma})")
# test-vmalloc's areas start at VMALLOC_START (MB 0xc40) with small pages;
# the device sections further up are 1M walks and do not count here.  Its
# guard-page and fault-sync probes fault: those walks are left out.
walks, sizes = stats("--workload", "test-vmalloc")
vm = in_mbs(walks, 0xC40, 0xC4F)
check(vm > 0 and sizes["4K"] >= vm, f"test-vmalloc: 4K walks at VMALLOC_START ({vm})")
walks, sizes = stats("--layout", "supersections")
check(sizes["16M"] > 0 and in_mbs(walks, 0xC00, 0xC0F) > 0,
      "supersections: 16M walks, in the kernel's 16 MB")
walks, sizes = stats("--layout", "large")
check(sizes["64K"] >= 256 and sizes["16M"] == 0, f"large: a 64K walk per 64 KB swept ({sizes['64K']})")
walks, sizes = stats("--layout", "pages")
check(sizes["4K"] >= 4096 and sizes["4K"] > sizes["1M"] and in_mbs(walks, 0xC00, 0xC17) > 0,
      "pages: lowmem walks are 4K walks")
check.exit()
