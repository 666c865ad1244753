#!/usr/bin/env python3
"""mmuscope bench: a small sweep matrix, its outputs (CSV columns, JSON,
report with a chart per workload), the region-of-interest figures equal to
those of `mmuscope run --stats` of the same job, shard + merge equal to
the whole sweep, determinism across --jobs, layout arguments and seeds,
and bad input."""
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
roi_columns = ["roi", "accesses", "instructions", "walks_per_kaccess", "itlb_mpki", "dtlb_mpki",
               "main_mpki", "walk_cache_mpki", "itlb_hit_rate", "dtlb_hit_rate", "main_hit_rate",
               "walk_cache_hit_rate", "walk_steps", "translation_share", "faults"]
needed = ["index", "workload", "args", "preset", "layout", "board", "seed", "exit_code", "run_time_s",
          *roi_columns, "run_walks_per_kinsn", "run_translation_share", "run_itlb_hit_rate",
          "run_dtlb_hit_rate", "run_main_hit_rate", "run_instructions", "run_cycles",
          "run_translation_cycles", "run_walks_i", "run_walks_d", "run_itlb_misses", "run_dtlb_misses",
          "run_main_i_hits", "run_main_d_hits", "run_stale_hazards"]
check(all(c in table[0] for c in needed), "results.csv has the ROI figures, the run_ figures and every counter")
by = {(r["workload"], r["preset"], r["layout"]): r for r in table}
check(float(by[("sweep", "cortex-a5", "pages")]["run_walks_per_kinsn"])
      > 100 * float(by[("sweep", "cortex-a5", "sections")]["run_walks_per_kinsn"]),
      "sweep: small pages walk far more often than sections")


def near(text, value, places):
    """A CSV figure written with `places` decimals equals value."""
    return abs(float(text) - value) <= 0.6 * 10 ** -places


# The ROI figures of a job are those `mmuscope run --stats` gives for the
# same configuration, computed here from its ROI counters.
stats_path = out("random.json")
p = run("run", "--workload", "random", "--args", "mb=1 count=3000", "--preset", "cortex-a9",
        "--layout", "pages", "--stats", stats_path, "--console", os.devnull)
with open(stats_path) as f:
    live = json.load(f)
roi, whole = live["roi"]["counters"], live["tlb"]["counters"]
row = by[("random", "cortex-a9", "pages")]
walks = roi["walks_i"] + roi["walks_d"]
check(p.returncode == 0 and row["roi"] == "random-start..random-done"
      and int(row["accesses"]) == roi["accesses"] and int(row["instructions"]) == roi["instructions"]
      and near(row["walks_per_kaccess"], 1000 * walks / roi["accesses"], 4)
      and near(row["dtlb_mpki"], 1000 * roi["dtlb_misses"] / roi["instructions"], 4)
      and near(row["main_mpki"], 1000 * (roi["main_i_misses"] + roi["main_d_misses"]) / roi["instructions"], 4)
      and near(row["itlb_hit_rate"], roi["itlb_hits"] / roi["itlb_lookups"], 6)
      and near(row["main_hit_rate"], (roi["main_i_hits"] + roi["main_d_hits"])
               / (roi["main_i_lookups"] + roi["main_d_lookups"]), 6)
      and int(row["walk_steps"]) == roi["walk_steps_l1"] + roi["walk_steps_l2"]
      and near(row["translation_share"], roi["translation_cycles"] / roi["cycles"], 6)
      and int(row["faults"]) == sum(v for k, v in roi.items() if k.startswith("faults_")),
      "random's ROI figures in results.csv are those of run --stats' \"roi\"", p)
check(all(int(row["run_" + k]) == v for k, v in whole.items())
      and near(row["run_walks_per_kinsn"], 1000 * (whole["walks_i"] + whole["walks_d"]) / whole["instructions"], 4)
      and int(row["run_instructions"]) > int(row["instructions"]),
      "its run_ columns are the whole run's counters of run --stats")
sweep_row = by[("sweep", "cortex-a5", "pages")]
check(sweep_row["roi"] == "" and sweep_row["accesses"] == sweep_row["run_accesses"]
      and sweep_row["instructions"] == sweep_row["run_instructions"],
      "sweep reports no ROI markers: its ROI figures are the whole run's")
with open(out("all/results.json")) as f:
    runs = json.load(f)["runs"]
check(len(runs) == 8 and runs[0]["run_counters"]["instructions"] > 0 and "main_hit_rate" in runs[0]
      and "seed" in runs[0] and all(c in runs[0] for c in roi_columns + ["run_walks_per_kinsn"]),
      "results.json holds every run, its ROI figures and its whole-run figures and counters")
check(all(str(r["accesses"]) == by[(r["workload"], r["preset"], r["layout"])]["accesses"]
          and r["roi"] == by[(r["workload"], r["preset"], r["layout"])]["roi"] for r in runs),
      "results.json's ROI figures are the CSV's")
with open(out("all/results.json")) as f:
    check(json.load(f)["version"], "results.json names the build version")
with open(out("all/report.md")) as f:
    report = f.read()
chart = "walks-random_mb_1_count_3000.png"
check("## sweep 8 2" in report and "## random mb=1 count=3000" in report and chart in report
      and "| cortex-a9 |" in report and os.path.getsize(out("all/" + chart)) > 100
      and open(out("all/" + chart), "rb").read(8) == b"\x89PNG\r\n\x1a\n",
      "report.md has a table and a PNG chart per workload")
check("ROI: random-start..random-done." in report and "ROI: none reported, the whole run." in report
      and "Fewest walks per 1000 accesses: layout **sections** (mean over the presets: " in report,
      "report.md names each workload's ROI and its winning layout (sweep: sections)")
# The winner by hand: the layout whose mean ROI walks per 1000 accesses
# over the presets is least, from the CSV.
for w in ("random", "sweep"):
    means = {lay: sum(float(by[(w, pre, lay)]["walks_per_kaccess"]) for pre in ("cortex-a5", "cortex-a9")) / 2
             for lay in ("sections", "pages")}
    best = min(means, key=means.get)
    check(f"layout **{best}** (mean over the presets: {means[best]:.2f})" in report,
          f"{w}: the report's winning layout is the CSV's ({best})")

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
