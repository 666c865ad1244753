#!/usr/bin/env python3
"""mmuscope run --trace and mmuscope replay: for every preset, replaying a
run's trace with the run's preset gives exactly the run's TLB counters and
region of interest (a user workload with processes, copy-on-write, TLB
maintenance and stale-TLB hazards); a trace replays under another preset
too; the markers of a trace made by hand delimit regions of interest whose
counters are known by construction; corrupt and truncated traces are bad
input naming the byte offset (format: model/internal.h)."""
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
    a, b = (load(live) or {}).get("tlb"), load(again) or {}
    roi_live, roi_replayed = (load(live) or {}).get("roi"), b.pop("roi", None)
    check(p.returncode == 0 and q.returncode == 0 and a is not None and a == b
          and a["counters"]["walks_d"] > 0, f"{preset}: replay reproduces the live run's counters", q)
    # fork's own fork-start .. fork-done, the default region of interest
    check(roi_live is not None and roi_live == roi_replayed and roi_live["start"] == "fork-start"
          and 0 < roi_live["counters"]["instructions"] < a["counters"]["instructions"],
          f"{preset}: replay reproduces the live run's region of interest", q)

# test-stale-tlb changes a kernel PTE without a flush and reads once before
# flushing: exactly one stale-TLB hazard, and replay must find it from the
# descriptors in replayed RAM.
trace, live, again = (os.path.join(tmp, f"stale.{x}") for x in ("trc", "live.json", "rep.json"))
p = run("run", "--workload", "test-stale-tlb", "--trace", trace, "--stats", live, "--quiet")
q = run("replay", trace, "--stats", again, "--quiet")
a, b = (load(live) or {}).get("tlb"), load(again) or {}
b.pop("roi", None)
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
          "byte offset 0: not an mmuscope trace version 4")
bad_input("replay of a version 3 trace (no markers)",
          ["replay", damaged("v3.trc", b"MMUSTRC\0" + (3).to_bytes(4, "little") + data[12:])],
          "byte offset 0: not an mmuscope trace version 4")


def chunk_sum(payload):
    """model/trace.c's chunk checksum."""
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


def made(events, regime=bytes(40), workload=b"", name_length=None):
    """A trace with intact checksums: the header (64 MB of RAM at
    0x40000000, the regime's ten words (default: MMU off), the workload's
    name and its length), then `events`, then the end chunk."""
    length = len(workload) if name_length is None else name_length
    payload = ((0x40000000).to_bytes(4, "little") + (64 << 20).to_bytes(4, "little") + regime
               + bytes([length]) + workload + events)
    chunks = b"".join(len(c).to_bytes(4, "little") + chunk_sum(c).to_bytes(4, "little") + c
                      for c in (payload, b""))
    return b"MMUSTRC\0" + (4).to_bytes(4, "little") + chunks


# The events start at byte 69: magic and version 12, chunk head 8, header
# 48, the workload name's length 1 (and no name).
p = run("replay", damaged("made.trc", made(bytes([4, 0x80 | 2 | 0x40, 8]))), "--quiet")
check(p.returncode == 0 and not p.stderr, "a trace made by hand replays", p)
bad_input("replay of a trace with an unknown event",
          ["replay", damaged("unknown.trc", made(bytes([4, 0])))], "byte offset 70: unknown event")
bad_input("replay of a trace whose chunk ends inside an access",
          ["replay", damaged("cut.trc", made(bytes([0x80 | 2, 0x80])))], "byte offset 69: truncated event")
bad_input("replay of a trace with an access of kind 3",
          ["replay", damaged("kind.trc", made(bytes([0x80 | 3, 0])))], "byte offset 69: bad access flags")
bad_input("replay of a trace storing outside RAM",
          ["replay", damaged("store.trc", made(b"W" + (0x10000000).to_bytes(4, "little") + bytes([1, 0])))],
          "byte offset 69: RAM write outside RAM")
bad_input("replay of a trace whose chunk ends inside a marker",
          ["replay", damaged("marker.trc", made(b"M\x05ab"))], "byte offset 69: truncated event")
bad_input("replay of a trace whose header ends inside the workload name",
          ["replay", damaged("name.trc", made(b"", workload=b"ab", name_length=5))],
          "byte offset 12: truncated header")


def marker(name):
    return b"M" + bytes([len(name)]) + name


def fetch(delta):
    """A fetch (PC = VA) of 4 bytes at the last fetch's VA + delta."""
    zigzag = ((delta << 1) ^ (delta >> 31)) & 0xFFFFFFFF
    out = bytearray([0x80 | 2 | 2 << 3 | 0x40])
    while zigzag >= 0x80:
        out.append(zigzag & 0x7F | 0x80)
        zigzag >>= 7
    return bytes(out + bytes([zigzag]))


# The MMU on (SCTLR.M), TTBR0 = 0x40004000, every domain client: the L1
# entry of VA 0x400xxxxx (index 0x400, at 0x40005000) a section onto PA
# 0x40000000 with AP = 0b11 (full access).  Under cortex-a5 (docs/tlb.md,
# presets/cortex-a5.tlb) the first fetch misses the I micro TLB (0 cycles)
# and the main TLB (2) and walks one L1 descriptor (30): 32 cycles; the
# next fetches in the section hit the I micro TLB (0).
regime = b"".join(v.to_bytes(4, "little") for v in (1, 0x40004000, 0, 0, 0x55555555, 0, 0, 0, 0, 0))
section_table = b"P" + (0x5000).to_bytes(4, "little") + (0x40000C02).to_bytes(4, "little") + bytes(4092)
events = (section_table + marker(b"w-start") + bytes([3]) + fetch(0x40000000) + marker(b"mid")
          + fetch(4) + fetch(4) + bytes([7]) + marker(b"w-done") + fetch(4))
hand = damaged("roi.trc", made(events, regime, b"w"))
# (ROI, what it must count): the default is the header's workload "w".
expect = {
    None: {"instructions": 10, "accesses": 3, "itlb_misses": 1, "itlb_hits": 2, "walks_i": 1,
           "translation_cycles": 32, "cycles": 42},
    "mid,w-done": {"instructions": 7, "accesses": 2, "itlb_misses": 0, "itlb_hits": 2, "walks_i": 0,
                   "translation_cycles": 0, "cycles": 7},
    "w-start,mid": {"instructions": 3, "accesses": 1, "itlb_misses": 1, "itlb_hits": 0, "walks_i": 1,
                    "translation_cycles": 32, "cycles": 35},
}
for roi, want in expect.items():
    out = os.path.join(tmp, "hand.json")
    p = run("replay", hand, "--preset", "cortex-a5", "--stats", out, *(["--roi", roi] if roi else []))
    got = (load(out) or {}).get("roi") or {}
    counters = got.get("counters", {})
    check(p.returncode == 0 and all(counters.get(k) == v for k, v in want.items())
          and "== region of interest" in p.stdout,
          f"hand-made trace, ROI {roi or 'default (w-start,w-done)'}: counters {want}", p)
    if roi is None:
        check(got.get("per_page_size", {}).get("1M") == {"hits": 2, "walks": 1}
              and got.get("per_asid", {}).get("0", {}).get("lookups") == 3
              and abs(got.get("hit_rates", {}).get("itlb", 0) - 2 / 3) < 1e-6  # written with 6 decimals
              and got.get("hit_rates", {}).get("main") == 0,  # its one lookup missed
              "hand-made trace: the ROI's per page size, per ASID and hit rates", p)
out = os.path.join(tmp, "none.json")
p = run("replay", hand, "--roi", "none", "--stats", out, "--quiet")
whole = load(out) or {}
check(p.returncode == 0 and whole.get("roi", 0) is None and whole["counters"]["accesses"] == 4
      and whole["counters"]["itlb_hits"] == 3, "hand-made trace, --roi none: no ROI, the whole run", p)
p = run("replay", hand, "--roi", "w-done,mid")
check(p.returncode == 2 and "tlb preset" in p.stdout and len(p.stderr.strip().splitlines()) == 1
      and "END marker 'mid' was reached before START 'w-done'" in p.stderr,
      "replay --roi END reached before START: whole run printed, exit 2 with the message", p)
p = run("replay", hand, "--roi", "mid,nosuch")
check(p.returncode == 2 and "tlb preset" in p.stdout and len(p.stderr.strip().splitlines()) == 1
      and "'nosuch' was never reached" in p.stderr,
      "replay --roi with a marker never reached: whole run printed, exit 2 with the message", p)
bad_input("replay --roi malformed", ["replay", hand, "--roi", "w-start"], "START,END")
bad_input("replay --roi END equal to START", ["replay", hand, "--roi", "mid,mid"], "END is START")
bad_input("replay of an empty file", ["replay", damaged("empty.trc", b"")], "byte offset")
bad_input("replay of a file that is no trace", ["replay", damaged("text.trc", b"hello\n" * 100)],
          "byte offset")
bad_input("replay of a missing trace", ["replay", os.path.join(tmp, "none.trc")], "none.trc")
bad_input("replay with an unknown preset", ["replay", trace, "--preset", "nosuch"], "nosuch")
bad_input("replay without a trace", ["replay", "--preset", "cortex-a5"], "trace")
bad_input("--trace needs the model", ["run", "--model", "off", "--trace", os.path.join(tmp, "x")],
          "needs")
finish()
