#!/usr/bin/env python3
"""mmuscope run --roi: the region of interest's counters are the
difference of the model's counters at its two markers (every counter, per
ASID and per page size), its instructions grow with the workload's loop
alone, it leaves the whole run's counters as they are, and every bad --roi
value is exit 2 with one line (a marker never reached after the run's
report).  Replay's ROI is checked in tests/bench/test_trace.py."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import bad_input, check, finish, run  # noqa: E402

tmp = tempfile.mkdtemp(prefix="mmuscope-roi-")


def stats(*args):
    """Runs `mmuscope run ARGS --stats FILE`; the process and the JSON."""
    out = os.path.join(tmp, "stats.json")
    if os.path.exists(out):
        os.remove(out)
    p = run("run", *args, "--stats", out, "--console", os.devnull)
    try:
        with open(out) as f:
            return p, json.load(f)
    except (OSError, ValueError):
        return p, {}


def minus(a, b):
    """a - b for nested dicts of counters (a key absent in one is 0)."""
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = a or {}, b or {}
        return {k: minus(a.get(k), b.get(k)) for k in set(a) | set(b)}
    return (a or 0) - (b or 0)


def nonzero(d):
    """The dict without the ASIDs whose counters are all 0 (the JSON lists
    only ASIDs with lookups or faults)."""
    return {k: v for k, v in d.items() if any(v.values())}


RANDOM = ["--workload", "random", "--args", "count=3000"]

# The identity: (boot .. random-done) - (boot .. random-start) is
# (random-start .. random-done), the default, on every counter.
p1, to_start = stats(*RANDOM, "--roi", "boot,random-start")
p2, to_done = stats(*RANDOM, "--roi", "boot,random-done")
p3, default = stats(*RANDOM)
p4, whole = stats(*RANDOM, "--roi", "none")
ok = all(p.returncode == 0 for p in (p1, p2, p3, p4))
roi = default.get("roi") or {}
check(ok and roi.get("start") == "random-start" and roi.get("end") == "random-done",
      "random's default ROI is random-start .. random-done", p3)
a, b = (to_start.get("roi") or {}), (to_done.get("roi") or {})
for part in ("counters", "per_page_size"):
    check(ok and roi.get(part) and minus(b.get(part), a.get(part)) == roi.get(part),
          f"ROI {part}: (boot..done) - (boot..start) == (start..done), every entry")
check(ok and roi.get("per_asid") and nonzero(minus(b["per_asid"], a["per_asid"])) == roi["per_asid"],
      "ROI per ASID: (boot..done) - (boot..start) == (start..done)")
counters = roi.get("counters", {})
check(ok and counters.get("cycles") == counters.get("instructions", -1) + counters.get("translation_cycles", -1),
      "ROI cycles derived from the differences (cortex-a5, base CPI 1)")
rates = roi.get("hit_rates", {})
check(ok and counters.get("itlb_lookups") and abs(rates.get("itlb", -1) - counters["itlb_hits"] /
                                                   counters["itlb_lookups"]) < 1e-6
      and abs(rates.get("dtlb", -1) - counters["dtlb_hits"] / counters["dtlb_lookups"]) < 1e-6,
      "ROI hit rates are the ROI's hits over its lookups")
check(ok and whole.get("roi", 0) is None and whole.get("tlb") == default.get("tlb"),
      "--roi none: \"roi\": null, and the whole run's counters are those of the default run", p4)
check(ok and all(counters[k] <= default["tlb"]["counters"][k] for k in counters)
      and counters["instructions"] < default["tlb"]["counters"]["instructions"],
      "no ROI counter exceeds the whole run's")

p = run("run", *RANDOM, "--console", os.devnull)
check(p.returncode == 0 and "\n== region of interest: random-start .. random-done ==\n"
      f"instructions  {counters.get('instructions')}\n" in p.stdout
      and p.stdout.count("tlb preset") == 2,
      "the summary prints the ROI block (markers, instructions, the table) after the whole run's", p)

# Instructions in the ROI grow with the loop alone: random's loop makes
# the same work per iteration (instructions, and the faults and timer
# interrupts they bring at a steady rate), while everything outside the
# ROI (boot, mmap, printing, exit) does not depend on count.  So the ROI's
# instructions per extra iteration are the same over 4000..8000 and
# 8000..12000, and the instructions outside the ROI are the same for every
# count.  Over 1 MB (256 pages) every page is touched early, so the
# demand faults fall in every run alike.  Tolerances: the timer's phase
# moves an interrupt (and a periodic guest pass over the 256 pages, while
# the guest has one) in or out of a window, a few thousand instructions of
# the 400,000 compared per window and of the 1.7 million outside.  The
# lower bound is the loop's own ARM instructions (10 in random_access,
# besides rand_next and the division it calls).
runs = {n: stats("--workload", "random", "--args", f"mb=1 count={n}")[1] for n in (4000, 8000, 12000)}
roi_insns = {n: (r.get("roi") or {}).get("counters", {}).get("instructions", 0) for n, r in runs.items()}
outside = {n: r.get("tlb", {}).get("counters", {}).get("instructions", 0) - roi_insns[n]
           for n, r in runs.items()}
slope1 = (roi_insns[8000] - roi_insns[4000]) / 4000
slope2 = (roi_insns[12000] - roi_insns[8000]) / 4000
check(all(roi_insns.values()) and slope1 > 10 and abs(slope1 - slope2) <= 0.02 * slope1,
      f"ROI instructions per iteration constant: {slope1:.1f} and {slope2:.1f}")
check(all(roi_insns.values()) and max(outside.values()) - min(outside.values()) <= 0.01 * min(outside.values()),
      f"instructions outside the ROI do not depend on count: {sorted(outside.values())}")

# Workloads without markers (the kernel's sweep) have no ROI; mix has its own.
p, sweep = stats("--workload", "sweep", "--args", "4 1")
check(p.returncode == 0 and "roi" in sweep and sweep["roi"] is None,
      "sweep reports no markers: \"roi\": null", p)
p = run("run", "--workload", "sweep", "--args", "4 1", "--console", os.devnull)
check(p.returncode == 0 and "== region of interest: none: the run did not report sweep-start then sweep-done =="
      in p.stdout, "sweep's summary says it has no ROI and why", p)
p, mix = stats("--workload", "mix", "--args", "procs=2")
check(p.returncode == 0 and (mix.get("roi") or {}).get("start") == "mix-start"
      and mix["roi"]["end"] == "mix-done", "mix's default ROI is mix-start .. mix-done", p)

# Bad values: checked before anything runs or is written ...
out = os.path.join(tmp, "untouched.json")
for what, value, needle in [
        ("one name", "random-start", "START,END"),
        ("three names", "a,b,c", "START,END"),
        ("an empty name", ",random-done", "1 to 53 characters"),
        ("a name longer than a marker can be", "x" * 54 + ",random-done", "1 to 53 characters"),
        ("a control character", "random-start,random\tdone", "printable"),
        ("END equal to START", "random-start,random-start", "END is START"),
        ("an unknown marker", "random-strat,random-done", "unknown marker 'random-strat'"),
        ("an unknown END marker", "random-start,nosuch-marker", "unknown marker 'nosuch-marker'")]:
    bad_input(f"--roi with {what}", ["run", *RANDOM, "--roi", value, "--stats", out], needle)
check(not os.path.exists(out), "a bad --roi leaves --stats unwritten")
bad_input("--roi needs the model", ["run", "--model", "off", "--roi", "boot,random-done"], "--model on")

# ... and markers not reached in this run: after the whole run's report.
for what, value, needle in [
        ("END reached only before START", "random-done,random-start",
         "END marker 'random-start' was reached before START 'random-done', never after it"),
        ("START never reached", "seq-start,seq-done", "marker 'seq-start' was never reached"),
        ("END never reached after START", "random-start,seq-done",
         "marker 'seq-done' was never reached after 'random-start'"),
        ("END before START, START never", "random-start,boot",
         "END marker 'boot' was reached before START 'random-start'")]:
    p = run("run", *RANDOM, "--roi", value, "--console", os.devnull)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == 2 and "== mmuscope: board q3f" in p.stdout and "cycles" in p.stdout
          and len(lines) == 1 and needle in lines[0],
          f"--roi {value} ({what}): the whole run printed, then exit 2 naming it", p)
finish()
