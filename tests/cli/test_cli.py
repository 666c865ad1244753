#!/usr/bin/env python3
"""Command-line behaviour of mmuscope: help, exit statuses, one-line errors
for bad input, model on/off equivalence, determinism, output files."""
import json
import os
import re
import struct
import zlib
import tempfile

from clitest import BUILD, bad_input, check, finish, run

FIRMWARE_Q3F = os.path.join(BUILD, "firmware", "firmware-q3f.elf")

tmp = tempfile.mkdtemp(prefix="mmuscope-cli-")

p = run()
check(p.returncode == 2 and "usage" in p.stderr, "no command: usage and exit 2", p)
p = run("--help")
check(p.returncode == 0 and "run" in p.stdout and "walk" in p.stdout, "--help lists commands", p)
p = run("run", "--help")
options = ["--board", "--workload", "--args", "--firmware", "--ram", "--max-insns", "--model",
           "--preset", "--stats", "--heatmap", "--console", "--quiet"]
check(p.returncode == 0 and all(o in p.stdout for o in options), "run --help names every option", p)

bad_input("unknown command", ["frobnicate"], "frobnicate")
bad_input("unknown option", ["run", "--bogus"], "--bogus")
bad_input("missing value", ["run", "--workload"], "--workload")
bad_input("bad number", ["run", "--max-insns", "12x"], "--max-insns")
bad_input("negative number", ["run", "--max-insns", "-5"], "--max-insns")
bad_input("bad --model", ["run", "--model", "maybe"], "maybe")
bad_input("unknown board", ["run", "--board", "pdp11"], "pdp11")
bad_input("RAM too small", ["run", "--ram", "8"], "8 MB")
bad_input("RAM too large", ["run", "--ram", "4000"], "4000 MB")
bad_input("missing firmware", ["run", "--firmware", os.path.join(tmp, "none.elf")], "none.elf")

junk = os.path.join(tmp, "junk.elf")
with open(junk, "wb") as f:
    f.write(b"\x00garbage" * 64)
bad_input("not an ELF", ["run", "--firmware", junk], "not an ELF")

with open(FIRMWARE_Q3F, "rb") as f:
    image = f.read()
truncated = os.path.join(tmp, "truncated.elf")
with open(truncated, "wb") as f:
    f.write(image[:200])
bad_input("truncated ELF", ["run", "--firmware", truncated], "corrupt ELF")

empty = os.path.join(tmp, "empty.elf")
open(empty, "wb").close()
bad_input("empty image", ["run", "--firmware", empty], "empty")

bad_input("image for another board", ["run", "--board", "vexpress", "--firmware", FIRMWARE_Q3F],
          "outside vexpress RAM")
bad_input("unknown workload", ["run", "--workload", "nonesuch", "--quiet"], "bad workload")

# A Linux boot's inputs (--kernel, --dtb, --initrd, --append) are checked
# before anything runs.  A zImage is recognised by its magic at 0x24; a
# device tree by its header, and it must have a /memory node to adjust.
def fdt(nodes):
    """A minimal flattened device tree: the root holding the named empty nodes."""
    def be32(*v):
        return struct.pack(">%dI" % len(v), *v)
    body = be32(1) + b"\0\0\0\0"                      # FDT_BEGIN_NODE ""
    for name in nodes:
        n = name.encode() + b"\0"
        body += be32(1) + n + b"\0" * (-len(n) % 4) + be32(2)
    body += be32(2, 9)                                  # FDT_END_NODE, FDT_END
    rsv = be32(0, 0, 0, 0)
    off_rsv, off_struct = 40, 40 + len(rsv)
    off_strings = off_struct + len(body)
    header = be32(0xD00DFEED, off_strings, off_struct, off_strings, off_rsv, 17, 16, 0, 0,
                  len(body))
    return header + rsv + body


zimage = os.path.join(tmp, "zImage")
with open(zimage, "wb") as f:
    f.write(b"\0" * 0x24 + struct.pack("<I", 0x016F2818) + b"\0" * 0x100)
dtb_ok, dtb_nomem, dtb_junk = (os.path.join(tmp, n) for n in ("ok.dtb", "nomem.dtb", "junk.dtb"))
for name, data in ((dtb_ok, fdt(["memory@60000000", "cpus"])), (dtb_nomem, fdt(["cpus"])),
                   (dtb_junk, b"\x12" * 64)):
    with open(name, "wb") as f:
        f.write(data)
big_initrd = os.path.join(tmp, "big.cpio")
with open(big_initrd, "wb") as f:
    f.truncate(20 << 20)
linux = ["run", "--board", "vexpress", "--kernel", zimage]
bad_input("--kernel on q3f", ["run", "--kernel", zimage, "--dtb", dtb_ok], "vexpress")
bad_input("--kernel with --workload", linux + ["--dtb", dtb_ok, "--workload", "random"],
          "--workload")
bad_input("--dtb without --kernel", ["run", "--board", "vexpress", "--dtb", dtb_ok], "--kernel")
bad_input("--kernel without --dtb", linux, "--dtb")
bad_input("missing kernel", ["run", "--board", "vexpress", "--kernel",
                             os.path.join(tmp, "none"), "--dtb", dtb_ok], "none")
bad_input("kernel not a zImage", ["run", "--board", "vexpress", "--kernel", junk, "--dtb", dtb_ok],
          "not an ARM zImage")
bad_input("DTB not a device tree", linux + ["--dtb", dtb_junk], "not a flattened device tree")
bad_input("DTB without /memory", linux + ["--dtb", dtb_nomem], "/memory")
bad_input("missing initrd", linux + ["--dtb", dtb_ok, "--initrd", os.path.join(tmp, "no.gz")],
          "no.gz")
bad_input("initrd larger than RAM allows", linux + ["--dtb", dtb_ok, "--ram", "32", "--initrd",
                                                    big_initrd], "does not fit")
bad_input("--append too long", linux + ["--dtb", dtb_ok, "--append", "x" * 300], "--append")
bad_input("bench: --dtb without --kernel", ["bench", "--workloads", "random", "--dtb", dtb_ok,
                                            "--out", os.path.join(tmp, "b1")], "--kernel")
bad_input("bench: kernel not a zImage", ["bench", "--workloads", "random", "--kernel", junk,
                                         "--dtb", dtb_ok, "--out", os.path.join(tmp, "b2")],
          "not an ARM zImage")
bad_input("unknown layout", ["run", "--layout", "hugepages"], "hugepages")
bad_input("layout: unknown option", ["layout", "--workload", "x"], "--workload")

# `mmuscope layout` prints the seed's q3f layout (000_*.txt) and meminfo.
p = run("layout")
seed_lines = ["vmalloc : 0xc4000000 - 0xff000000   ( 944 MB)",
              "lowmem  : 0xc0000000 - 0xc3e00000   (  62 MB)",
              "modules : 0xbf800000 - 0xc0000000   (   8 MB)",
              "fixmap  : 0xfff00000 - 0xfffe0000   ( 896 kB)",
              "vector  : 0xffff0000 - 0xffff1000   (   4 kB)"]
check(p.returncode == 0 and all(line in p.stdout for line in seed_lines)
      and "MemTotal:" in p.stdout and "MemFree:" in p.stdout, "layout prints the seed's layout and meminfo", p)

p = run("run", "--workload", "list", "--quiet")
check(p.returncode == 0 and "sweep" in p.stdout and "selftest" in p.stdout, "workload list", p)

# The same guest output with the model on and off.
for workload in ["sweep", "selftest"]:
    outs = {}
    for model in ["on", "off"]:
        console = os.path.join(tmp, f"console-{workload}-{model}.txt")
        p = run("run", "--workload", workload, "--model", model, "--console", console, "--quiet")
        check(p.returncode == 0, f"{workload} with --model {model} exits 0", p)
        with open(console) as f:
            outs[model] = f.read()
    check(outs["on"] == outs["off"] and "mmuscope firmware" in outs["on"],
          f"{workload}: identical guest output with the model on and off")

# Deterministic counters, and the output files.
stats = [os.path.join(tmp, f"stats{i}.json") for i in range(2)]
for path in stats:
    p = run("run", "--stats", path, "--heatmap", os.path.join(tmp, "heat.png"), "--quiet")
    check(p.returncode == 0, "run with --stats and --heatmap", p)
with open(stats[0]) as f:
    first = json.load(f)
with open(stats[1]) as f:
    second = json.load(f)
check(first == second, "two runs give identical counters")
check(first.get("instructions", 0) > 0 and first.get("exit_code") == 0,
      "stats JSON has instructions and the exit code")
with open(os.path.join(tmp, "heat.png"), "rb") as f:
    png = f.read()
width, height = struct.unpack(">II", png[16:24])
check(png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR" and width == 64 * 13 + 32,
      "heatmap is a PNG of the 64x64 grid")


def png_chunks_valid(data):
    """Every chunk's CRC matches and the stream ends with IEND."""
    pos, last = 8, None
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(data[pos + 4:pos + 8 + length]) != crc:
            return False
        pos, last = pos + 12 + length, kind
    return pos == len(data) and last == b"IEND"


check(png_chunks_valid(png), "heatmap PNG chunks (IHDR, IDAT, IEND) carry valid CRCs")

# Every preset runs the guest; the summary has the per-level table and the
# JSON every counter of tlb/tlb.h's X-macro list.
with open(os.path.join(os.path.dirname(__file__), "..", "..", "tlb", "tlb.h")) as f:
    counter_names = re.findall(r"^\s*X\((\w+),\s*\"", f.read(), re.M)
presets_dir = os.path.join(os.path.dirname(__file__), "..", "..", "presets")
for preset in ["cortex-a5", "cortex-a7", "cortex-a8", "cortex-a9", "cortex-a15",
               os.path.join(presets_dir, "custom-example.tlb")]:
    path = os.path.join(tmp, "preset.json")
    p = run("run", "--preset", preset, "--stats", path, "--console", os.devnull)
    try:
        with open(path) as f:
            tlb = json.load(f)["tlb"]
    except (OSError, ValueError, KeyError):
        tlb = {}
    name = os.path.basename(preset).removesuffix(".tlb")
    check(p.returncode == 0 and re.search(r"^\s+itlb\s+\d+\s+\d+\s+\d+\s+[\d.]+%", p.stdout, re.M)
          and tlb.get("preset") == name
          and set(counter_names) <= set(tlb.get("counters", {}))
          and tlb["counters"]["walks_d"] > 0,
          f"--preset {name}: per-level summary and every counter in the JSON", p)
bad_preset = os.path.join(tmp, "bad.tlb")
with open(bad_preset, "w") as f:
    f.write("name = bad\nmain.entries = 8\nmain.ways = 0\n")
bad_input("preset with zero ways", ["run", "--preset", bad_preset], "bad.tlb:3: main.ways")

p = run("run", "--max-insns", "5000", "--quiet")
check(p.returncode == 0 and "instruction limit" in p.stderr, "--max-insns stops the guest", p)

finish()
