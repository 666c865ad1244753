#!/usr/bin/env python3
"""mmuscope run --trace and mmuscope replay: for every preset, replaying a
run's trace with the run's preset gives exactly the run's TLB counters (a
user workload with processes, copy-on-write, TLB maintenance and stale-TLB
hazards); a trace replays under another preset too; corrupt and truncated
traces are bad input naming the byte offset."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from clitest import bad_input, check, finish, run  # noqa: E402

PRESETS = ["cortex-a5", "cortex-a7", "cortex-a8", "cortex-a9", "cortex-a15", "custom-example"]
tmp = tempfile.mkdtemp(prefix="mmuscope-trace-")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


for preset in PRESETS:
    trace, live, again = (os.path.join(tmp, f"{preset}.{x}") for x in ("trc", "live.json", "rep.json"))
    p = run("run", "--workload", "fork", "--args", "children=3 pages=8", "--preset", preset,
            "--trace", trace, "--stats", live, "--quiet")
    q = run("replay", trace, "--preset", preset, "--stats", again, "--quiet")
    a, b = (load(live) or {}).get("tlb"), load(again)
    check(p.returncode == 0 and q.returncode == 0 and a is not None and a == b
          and a["counters"]["walks_d"] > 0, f"{preset}: replay reproduces the live run's counters", q)
    if preset == "cortex-a5":
        check(a is not None and a["counters"]["stale_hazards"] > 0,
              "the round trip includes stale-TLB hazards (descriptors read from replayed RAM)")

trace = os.path.join(tmp, "cortex-a5.trc")
p = run("replay", trace, "--preset", "cortex-a15")
check(p.returncode == 0 and "replayed" in p.stdout and "M accesses/s" in p.stdout,
      "a trace replays under another preset", p)
with open(trace, "rb") as f:
    data = f.read()


def damaged(name, content):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(content)
    return path


bad_input("replay of a truncated trace", ["replay", damaged("short.trc", data[: len(data) // 2])],
          "byte offset")
bad_input("replay of a trace cut after its header", ["replay", damaged("head.trc", data[:40])],
          "byte offset")
bad_input("replay of a corrupt trace",
          ["replay", damaged("junk.trc", data[:64] + bytes(b ^ 0x5A for b in data[64:4096]) + data[4096:])],
          "byte offset")
bad_input("replay of an empty file", ["replay", damaged("empty.trc", b"")], "byte offset")
bad_input("replay of a file that is no trace", ["replay", damaged("text.trc", b"hello\n" * 100)],
          "byte offset")
bad_input("replay of a missing trace", ["replay", os.path.join(tmp, "none.trc")], "none.trc")
bad_input("replay with an unknown preset", ["replay", trace, "--preset", "nosuch"], "nosuch")
bad_input("replay without a trace", ["replay", "--preset", "cortex-a5"], "trace")
bad_input("--trace needs the model", ["run", "--model", "off", "--trace", os.path.join(tmp, "x")],
          "needs")
finish()
