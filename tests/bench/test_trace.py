#!/usr/bin/env python3
"""mmuscope run --trace and mmuscope replay: for every preset, replaying a
run's trace with the run's preset gives exactly the run's TLB counters (a
user workload with processes, copy-on-write, TLB maintenance and stale-TLB
hazards); a trace replays under another preset too; corrupt and truncated
traces are bad input naming the byte offset (format: emu/trace.c)."""
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

# test-stale-tlb changes a kernel PTE without a flush and reads once before
# flushing: exactly one stale-TLB hazard, and replay must find it from the
# descriptors in replayed RAM.
trace, live, again = (os.path.join(tmp, f"stale.{x}") for x in ("trc", "live.json", "rep.json"))
p = run("run", "--workload", "test-stale-tlb", "--trace", trace, "--stats", live, "--quiet")
q = run("replay", trace, "--stats", again, "--quiet")
a, b = (load(live) or {}).get("tlb"), load(again)
check(p.returncode == 0 and q.returncode == 0 and a is not None and a == b
      and a["counters"]["stale_hazards"] == 1,
      "the round trip includes the stale-TLB hazard (descriptors read from replayed RAM)", q)

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
bad_input("replay of a corrupt trace, one bit flipped near its end",
          ["replay", damaged("flip.trc", data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])],
          "checksum mismatch")
bad_input("replay of a trace without its end chunk", ["replay", damaged("noend.trc", data[:-8])],
          f"byte offset {len(data) - 8}: truncated")
bad_input("replay of a trace with data after its end", ["replay", damaged("tail.trc", data + b"x")],
          f"byte offset {len(data)}: data after the end")
bad_input("replay of a trace of an older version",
          ["replay", damaged("v2.trc", b"MMUSTRC\0" + (2).to_bytes(4, "little") + data[12:])],
          "byte offset 0: not an mmuscope trace version 3")


def chunk_sum(payload):
    """emu/trace.c's chunk checksum."""
    def step(h, w):
        h = ((h ^ w) * 0xBF58476D1CE4E5B9) & ((1 << 64) - 1)
        return h ^ h >> 29

    n = len(payload)
    lane = [0x9E3779B97F4A7C15 ^ n, 1, 2, 3]
    padded = payload + bytes(-n % 32)
    for i in range(0, n, 32):
        lane = [step(lane[k], int.from_bytes(padded[i + 8 * k:i + 8 * k + 8], "little")) for k in range(4)]
    h = lane[0]
    for k in range(1, 4):
        h = step(h, lane[k])
    return (h ^ h >> 32) & 0xFFFFFFFF


def made(events):
    """A trace with intact checksums: the header (64 MB of RAM at
    0x40000000, MMU off), then `events`, then the end chunk."""
    payload = (0x40000000).to_bytes(4, "little") + (64 << 20).to_bytes(4, "little") + bytes(40) + events
    chunks = b"".join(len(c).to_bytes(4, "little") + chunk_sum(c).to_bytes(4, "little") + c
                      for c in (payload, b""))
    return b"MMUSTRC\0" + (3).to_bytes(4, "little") + chunks


# The events start at byte 68: magic and version 12, chunk head 8, header 48.
p = run("replay", damaged("made.trc", made(bytes([4, 0x80 | 2 | 0x40, 8]))), "--quiet")
check(p.returncode == 0 and not p.stderr, "a trace made by hand replays", p)
bad_input("replay of a trace with an unknown event",
          ["replay", damaged("unknown.trc", made(bytes([4, 0])))], "byte offset 69: unknown event")
bad_input("replay of a trace whose chunk ends inside an access",
          ["replay", damaged("cut.trc", made(bytes([0x80 | 2, 0x80])))], "byte offset 68: truncated event")
bad_input("replay of a trace with an access of kind 3",
          ["replay", damaged("kind.trc", made(bytes([0x80 | 3, 0])))], "byte offset 68: bad access flags")
bad_input("replay of a trace storing outside RAM",
          ["replay", damaged("store.trc", made(b"W" + (0x10000000).to_bytes(4, "little") + bytes([1, 0])))],
          "byte offset 68: RAM write outside RAM")
bad_input("replay of an empty file", ["replay", damaged("empty.trc", b"")], "byte offset")
bad_input("replay of a file that is no trace", ["replay", damaged("text.trc", b"hello\n" * 100)],
          "byte offset")
bad_input("replay of a missing trace", ["replay", os.path.join(tmp, "none.trc")], "none.trc")
bad_input("replay with an unknown preset", ["replay", trace, "--preset", "nosuch"], "nosuch")
bad_input("replay without a trace", ["replay", "--preset", "cortex-a5"], "trace")
bad_input("--trace needs the model", ["run", "--model", "off", "--trace", os.path.join(tmp, "x")],
          "needs")
finish()
