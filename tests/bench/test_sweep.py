#!/usr/bin/env python3
"""mmuscope bench: a small sweep matrix, its outputs (CSV columns, JSON,
report with a chart per workload), shard + merge equal to the whole sweep,
determinism across --jobs, layout arguments and seeds, and bad input."""
import csv
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from clitest import bad_input, check, finish, run  # noqa: E402

tmp = tempfile.mkdtemp(prefix="mmuscope-bench-")
matrix = ["--workloads", "sweep:8 2,random:mb=1 count=3000", "--presets", "cortex-a5,cortex-a9",
          "--layouts", "sections,pages"]


def out(name):
    return os.path.join(tmp, name)


def rows(directory):
    with open(os.path.join(directory, "results.csv")) as f:
        return list(csv.DictReader(f))


def without_time(table):
    return [{k: v for k, v in r.items() if k != "run_time_s"} for r in table]


p = run("bench", *matrix, "--out", out("all"), "--jobs", "2")
check(p.returncode == 0, "a 2x2x2 sweep runs", p)
table = rows(out("all"))
check(len(table) == 8 and {r["preset"] for r in table} == {"cortex-a5", "cortex-a9"}
      and {r["layout"] for r in table} == {"sections", "pages"}
      and {r["workload"] for r in table} == {"sweep", "random"}, "results.csv: one row per job")
needed = ["index", "workload", "args", "preset", "layout", "board", "seed", "exit_code", "run_time_s",
          "walks_per_kinsn", "translation_share", "itlb_hit_rate", "dtlb_hit_rate", "main_hit_rate",
          "instructions", "cycles", "translation_cycles", "walks_i", "walks_d", "itlb_misses",
          "dtlb_misses", "main_i_hits", "main_d_hits", "stale_hazards"]
check(all(c in table[0] for c in needed), "results.csv has the derived columns and every counter")
by = {(r["workload"], r["preset"], r["layout"]): r for r in table}
check(float(by[("sweep", "cortex-a5", "pages")]["walks_per_kinsn"])
      > 100 * float(by[("sweep", "cortex-a5", "sections")]["walks_per_kinsn"]),
      "sweep: small pages walk far more often than sections")
with open(out("all/results.json")) as f:
    runs = json.load(f)["runs"]
check(len(runs) == 8 and runs[0]["counters"]["instructions"] > 0 and "main_hit_rate" in runs[0]
      and "seed" in runs[0], "results.json holds every run")
with open(out("all/results.json")) as f:
    check(json.load(f)["version"], "results.json names the build version")
with open(out("all/report.md")) as f:
    report = f.read()
chart = "walks-random_mb_1_count_3000.png"
check("## sweep 8 2" in report and "## random mb=1 count=3000" in report and chart in report
      and "| cortex-a9 |" in report and os.path.getsize(out("all/" + chart)) > 100
      and open(out("all/" + chart), "rb").read(8) == b"\x89PNG\r\n\x1a\n",
      "report.md has a table and a PNG chart per workload")

p = run("bench", *matrix, "--out", out("serial"), "--jobs", "1")
check(without_time(rows(out("serial"))) == without_time(table), "--jobs 1 and --jobs 2 give the same counters")
for i in range(3):
    run("bench", *matrix, "--out", out(f"shard{i}"), "--shard", f"{i}/3")
p = run("bench", "merge", "--out", out("merged"), out("shard0"), out("shard1"), out("shard2"))
check(p.returncode == 0 and without_time(rows(out("merged"))) == without_time(table),
      "three shards merged equal the whole sweep", p)
same = all(open(out("merged/" + name), "rb").read() == open(out("all/" + name), "rb").read()
           for name in ("report.md", chart, "walks-sweep_8_2.png"))
check(same, "the merged report and charts equal the whole sweep's")

p = run("bench", "--workloads", "random:mb=1 count=2000", "--presets", "cortex-a5",
        "--layouts", "pages:seed=5,pages:seed=6", "--out", out("seeds"), "--quiet")
table = rows(out("seeds"))
check(p.returncode == 0 and [r["layout"] for r in table] == ["pages:seed=5", "pages:seed=6"]
      and [r["seed"] for r in table] == ["5", "6"] and table[0]["instructions"] != table[1]["instructions"],
      "a layout's arguments reach the guest; the seed is recorded", p)

bad_preset = out("bad.tlb")
with open(bad_preset, "w") as f:
    f.write("name = bad\nmain.entries = 10\nmain.ways = 3\n")
bad_input("bench: bad preset", ["bench", "--workloads", "sweep", "--presets", bad_preset,
                                "--out", out("x")], "bad.tlb:3")
bad_input("bench: bad shard", ["bench", "--workloads", "sweep", "--shard", "3/3"], "--shard")
bad_input("bench: no workloads", ["bench", "--presets", "cortex-a5"], "--workloads")
bad_input("bench: bad layout", ["bench", "--workloads", "sweep", "--layouts", "pages,nosuch",
                                "--out", out("x")], "nosuch")
bad_input("bench: bad board", ["bench", "--workloads", "sweep", "--board", "nosuch", "--out", out("x")],
          "nosuch")
bad_input("bench: --jobs 0", ["bench", "--workloads", "sweep", "--jobs", "0"], "--jobs")
bad_input("bench merge: no shard directory", ["bench", "merge", "--out", out("m2"), out("nosuch")],
          "nosuch")
p = run("bench", "--workloads", "nosuch", "--presets", "cortex-a5", "--layouts", "sections",
        "--out", out("bad"))
check(p.returncode == 2 and "rejected" in p.stderr, "bench: an unknown workload is bad input", p)
finish()
