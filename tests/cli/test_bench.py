#!/usr/bin/env python3
"""mmuscope bench: a small sweep matrix, its outputs (CSV columns, JSON,
report with a chart per workload), shard + merge equal to the whole sweep,
determinism across --jobs, and bad input."""
import csv
import json
import os
import tempfile

from clitest import bad_input, check, finish, run

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
needed = ["walks_per_kinsn", "translation_share", "itlb_hit_rate", "dtlb_hit_rate", "main_hit_rate",
          "instructions", "cycles", "walks_d", "dtlb_misses", "run_time_s", "exit_code"]
check(all(c in table[0] for c in needed), "results.csv has the derived columns and every counter")
by = {(r["workload"], r["preset"], r["layout"]): r for r in table}
check(float(by[("sweep", "cortex-a5", "pages")]["walks_per_kinsn"])
      > 100 * float(by[("sweep", "cortex-a5", "sections")]["walks_per_kinsn"]),
      "sweep: small pages walk far more often than sections")
with open(out("all/results.json")) as f:
    runs = json.load(f)["runs"]
check(len(runs) == 8 and runs[0]["counters"]["instructions"] > 0, "results.json holds every run")
with open(out("all/report.md")) as f:
    report = f.read()
check("## sweep" in report and "## random" in report and "walks-sweep.png" in report
      and os.path.getsize(out("all/walks-sweep.png")) > 100, "report.md has a table and a chart per workload")

p = run("bench", *matrix, "--out", out("serial"), "--jobs", "1")
check(without_time(rows(out("serial"))) == without_time(table), "--jobs 1 and --jobs 2 give the same counters")
for i in range(3):
    run("bench", *matrix, "--out", out(f"shard{i}"), "--shard", f"{i}/3")
p = run("bench", "merge", "--out", out("merged"), out("shard0"), out("shard1"), out("shard2"))
check(p.returncode == 0 and without_time(rows(out("merged"))) == without_time(table),
      "three shards merged equal the whole sweep", p)

bad_preset = out("bad.tlb")
with open(bad_preset, "w") as f:
    f.write("name = bad\nmain.entries = 10\nmain.ways = 3\n")
bad_input("bench: bad preset", ["bench", "--workloads", "sweep", "--presets", bad_preset,
                                "--out", out("x")], "bad.tlb:3")
bad_input("bench: bad shard", ["bench", "--workloads", "sweep", "--shard", "3/3"], "--shard")
bad_input("bench: no workloads", ["bench", "--presets", "cortex-a5"], "--workloads")
p = run("bench", "--workloads", "nosuch", "--presets", "cortex-a5", "--layouts", "sections",
        "--out", out("bad"))
check(p.returncode == 2 and "rejected" in p.stderr, "bench: an unknown workload is bad input", p)
finish()
