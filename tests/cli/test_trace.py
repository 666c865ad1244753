#!/usr/bin/env python3
"""mmuscope run --trace and mmuscope replay: for every preset, replaying a
run's trace with the run's preset gives exactly the run's TLB counters
(a user workload with processes, faults and TLB maintenance); a trace
replays under another preset too; corrupt and truncated traces are bad
input with the byte offset."""
import json
import os
import tempfile

from clitest import bad_input, check, finish, run

tmp = tempfile.mkdtemp(prefix="mmuscope-trace-")
presets = ["cortex-a5", "cortex-a7", "cortex-a8", "cortex-a9", "cortex-a15"]
for preset in presets:
    trace, live, again = (os.path.join(tmp, f"{preset}.{x}") for x in ("trc", "live.json", "rep.json"))
    p = run("run", "--workload", "fork", "--args", "children=3 pages=8", "--preset", preset,
            "--trace", trace, "--stats", live, "--quiet")
    q = run("replay", trace, "--preset", preset, "--stats", again, "--quiet")
    try:
        with open(live) as f:
            a = json.load(f)["tlb"]
        with open(again) as f:
            b = json.load(f)
    except (OSError, ValueError, KeyError):
        a, b = None, {}
    check(p.returncode == 0 and q.returncode == 0 and a == b and a["counters"]["walks_d"] > 0,
          f"{preset}: replay reproduces the live run's counters", q)

trace = os.path.join(tmp, "cortex-a5.trc")
p = run("replay", trace, "--preset", "cortex-a15")
check(p.returncode == 0 and "replayed" in p.stdout and "M accesses/s" in p.stdout,
      "a trace replays under another preset", p)
with open(trace, "rb") as f:
    data = f.read()
short = os.path.join(tmp, "short.trc")
with open(short, "wb") as f:
    f.write(data[: len(data) // 2])
bad_input("replay of a truncated trace", ["replay", short], "byte offset")
junk = os.path.join(tmp, "junk.trc")
with open(junk, "wb") as f:
    f.write(data[:64] + bytes(b ^ 0x5A for b in data[64:4096]) + data[4096:])
bad_input("replay of a corrupt trace", ["replay", junk], "byte offset")
bad_input("replay of a missing trace", ["replay", os.path.join(tmp, "none.trc")], "none.trc")
bad_input("--trace needs the model", ["run", "--model", "off", "--trace", os.path.join(tmp, "x")],
          "needs")
finish()
