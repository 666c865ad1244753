#!/usr/bin/env python3
"""mmuscope walk, pte and the run dumps: walks of a hand-built page-table
image against values worked out from the ARMv7 short-descriptor format, and
walks of an image dumped from the running guest."""
import json
import os
import re
import shlex
import struct
import tempfile

from clitest import bad_input, check, finish, run

tmp = tempfile.mkdtemp(prefix="mmuscope-walk-")

# A 32 KB image at 0x80000000: the L1 table, then one L2 table at +16 KB.
image = bytearray(0x8000)


def put(offset, value):
    struct.pack_into("<I", image, offset, value)


put(0x000 * 4, 0x80004000 | 1 << 5 | 1)          # VA 0x000xxxxx: page table, domain 1
put(0x4000 + 5 * 4, 0x12345000 | 0x20 | 0x800 | 2)  # VA 0x00005000: small, AP 010, nG
put(0xC00 * 4, 0x40000000 | 0x400 | 0x10 | 2)    # VA 0xC00xxxxx: section, AP 001, XN
for i in range(16):                              # VA 0x80xxxxxx: supersection, AP 011
    put((0x800 + i) * 4, 0x9A000000 | 1 << 18 | 0xC00 | 2)
img = os.path.join(tmp, "pt.img")
with open(img, "wb") as f:
    f.write(image)

base = ["walk", "--mem", f"{img}@0x80000000", "--ttbr0", "0x80000000"]


def walk(*extra):
    p = run(*base, *extra, "--json")
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, {}


p, j = walk("--va", "0x00005abc", "--user")
check(p.returncode == 0 and j.get("pa") == 0x12345ABC and j.get("page_size") == 4096
      and j.get("kind") == "small" and j["attributes"]["ng"] == 1
      and j["attributes"]["domain"] == 1 and j.get("par") == 0x12345000,
      "PL0 read of a small page: PA, size, nG, domain, PAR", p)
check([(s["level"], s["address"], s["value"]) for s in j.get("steps", [])]
      == [(1, 0x80000000, 0x80004021), (2, 0x80004014, 0x12345822)],
      "the trace names both descriptor fetches with address and value", p)
p, j = walk("--va", "0x00005abc", "--user", "--write")
check(p.returncode == 1 and j.get("fault") == "permission" and j.get("fsr") == 0x81F
      and j.get("par") == 0x1F, "PL0 write to PL0-read-only page: DFSR 0x81f, PAR 0x1f", p)
p, j = walk("--va", "0xc0001234", "--fetch")
check(p.returncode == 1 and j.get("fsr") == 0x00D, "fetch from an XN section: IFSR 0x00d", p)
p, j = walk("--va", "0xc0001234")
check(p.returncode == 0 and j.get("pa") == 0x40001234 and j.get("page_size") == 1 << 20,
      "PL1 read of a section", p)
p, j = walk("--va", "0xc0001234", "--dacr", "0")
check(j.get("fault") == "domain" and j.get("fsr") == 0x009, "no-access domain 0: DFSR 0x009", p)
p, j = walk("--va", "0x80abcdef")
check(j.get("pa") == 0x9AABCDEF and j.get("page_size") == 1 << 24 and j.get("par") == 0x9A000002,
      "supersection: 16 MB page, PAR with SS", p)
p, j = walk("--va", "0x00006000", "--user")
check(j.get("fault") == "translation" and j.get("fsr") == 0x017,
      "missing small page in domain 1: DFSR 0x017", p)
p, j = walk("--va", "0x10000000")
check(j.get("fsr") == 0x005 and len(j.get("steps", [])) == 1, "missing section: DFSR 0x005", p)
p = run("walk", "--mem", f"{img}@0x80000000", "--ttbr0", "0x90000000", "--ttbr1", "0x80000000",
        "--ttbcr", "1", "--va", "0x80abcdef", "--json")
j = json.loads(p.stdout or "{}")
check(j.get("ttbr") == 1 and j.get("pa") == 0x9AABCDEF, "TTBCR.N=1: upper half through TTBR1", p)
p = run("walk", "--mem", f"{img}@0x80000000", "--ttbr0", "0x90000000", "--ttbcr", "1",
        "--va", "0x5abc", "--json")
j = json.loads(p.stdout or "{}")
check(j.get("fault") == "external-abort-on-walk" and j.get("fsr") == 0x00C,
      "TTBR0 outside every image: external abort on the L1 fetch, DFSR 0x00c", p)
p = run(*base, "--va", "0x00005abc", "--user", "--write")
check(p.returncode == 1 and "DFSR 0x81f" in p.stdout and "L2  [0x80004014] = 0x12345822" in p.stdout,
      "text output shows the steps and the FSR", p)

bad_input("walk without --va", ["walk", "--mem", f"{img}@0x80000000", "--ttbr0", "0"], "--va")
bad_input("walk with a missing image", ["walk", "--va", "0", "--ttbr0", "0", "--mem",
                                        os.path.join(tmp, "nope@0")], "nope")
bad_input("walk --mem without an address", ["walk", "--va", "0", "--ttbr0", "0", "--mem", img],
          "FILE@PA")
bad_input("walk with overlapping images", [*base, "--va", "0", "--mem", f"{img}@0x80001000"],
          "overlaps")
bad_input("walk image past 4 GB", ["walk", "--va", "0", "--ttbr0", "0", "--mem",
                                   f"{img}@0xfffff000"], "4 GB")
bad_input("walk --size 3", [*base, "--va", "0", "--size", "3"], "--size")
bad_input("walk with TTBCR.EAE", [*base, "--va", "0", "--ttbcr", "0x80000000"], "EAE")

# The running guest's own tables: dump RAM and the page tables, then walk.
ram = os.path.join(tmp, "ram.img")
dump = os.path.join(tmp, "pt.jsonl")
p = run("run", "--quiet", "--dump-ram", ram, "--dump-pt", dump)
m = re.search(r"^\s*mmuscope (walk .*) --va VA$", p.stderr, re.M)
check(p.returncode == 0 and m is not None and os.path.getsize(ram) == 64 << 20,
      "run --dump-ram writes the RAM and the walk options", p)
walk_args = shlex.split(m.group(1)) if m else ["walk"]
p = run(*walk_args, "--va", "0xc0008000", "--fetch", "--json")
j = json.loads(p.stdout or "{}")
# The kernel is linked at 0xC0008000 and loaded at PHYS_OFFSET + 0x8000.
check(p.returncode == 0 and j.get("pa") == 0x40008000, "walk of the guest image: kernel entry", p)
with open(dump) as f:
    records = [json.loads(line) for line in f]
kinds = {r["kind"] for r in records}
check("section" in kinds and "small" in kinds, "--dump-pt lists sections and small pages")
check(any(r["va"] == 0xC0000000 and r["pa"] == 0x40000000 for r in records),
      "--dump-pt: lowmem starts at 0xc0000000 -> PHYS_OFFSET")
agree = True
for r in records[:: max(1, len(records) // 40)]:
    p = run(*walk_args, "--va", str(r["va"] + 0x10), "--json")
    j = json.loads(p.stdout or "{}")
    agree &= j.get("pa") == r["pa"] + 0x10 and j.get("kind") == r["kind"]
check(agree, "walks of the dumped image agree with the --dump-pt records")

p = run("pte", "--check", dump)
check(p.returncode == 0 and re.search(r"^[1-9]\d* small pages checked, 0 differ", p.stdout, re.M),
      "every dumped small page is set_pte_ext of its Linux PTE", p)
with open(dump) as f:
    lines = f.readlines()
victim = next(i for i, line in enumerate(lines) if '"linux"' in line)
rec = json.loads(lines[victim])
lines[victim] = lines[victim].replace(f'"hw": {rec["hw"]}', f'"hw": {rec["hw"] ^ 0x200}')
bad = os.path.join(tmp, "bad.jsonl")
with open(bad, "w") as f:
    f.writelines(lines)
p = run("pte", "--check", bad)
check(p.returncode == 1 and "1 differ" in p.stdout, "pte --check catches a flipped APX bit", p)
with open(bad, "w") as f:
    f.write("not json\n")
bad_input("pte --check of a non-dump file", ["pte", "--check", bad], "not a --dump-pt record")

p = run("run", "--quiet", "--dump-pt", dump, "--dump-at", "boot")
check(p.returncode == 0 and os.path.getsize(dump) > 0, "--dump-at a marker the guest reports", p)
p = run("run", "--quiet", "--dump-pt", dump, "--dump-at", "no-such-marker")
check(p.returncode == 0 and "never reported" in p.stderr, "--dump-at an unknown marker says so", p)
bad_input("--dump-at without a dump", ["run", "--dump-at", "boot"], "--dump-at")

finish()
