#!/usr/bin/env python3
"""A firmware whose exception vectors cannot run (issue 18, item 1): its
entry point moved 8 bytes on (e_entry, ELF header byte 24), the boot code
that maps the kernel and sets VBAR is skipped, so the first fetch aborts,
and so does the prefetch-abort vector's own fetch.  Taken again and again
without an instruction retiring, inside one uc_emu_start, the exception
used to spin for ever past --max-insns.  The run must stop with exit 1
and name the loop: the vector, the exception, its FSR and FAR.

usage: exception_loop.py MMUSCOPE FIRMWARE-Q3F.ELF"""
import os
import subprocess
import sys
import tempfile

mmuscope, firmware = sys.argv[1], sys.argv[2]
failures = 0
with tempfile.TemporaryDirectory(prefix="mmuscope-exc-loop-") as tmp:
    with open(firmware, "rb") as f:
        image = bytearray(f.read())
    image[24] = 8
    bad = os.path.join(tmp, "loop.elf")
    with open(bad, "wb") as f:
        f.write(image)
    try:
        p = subprocess.run([mmuscope, "run", "--firmware", bad, "--max-insns", "300000",
                            "--quiet"], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print("FAIL: the run did not stop within 120 s")
        sys.exit(1)
    # The vector is VBAR (still 0) + 0x0C; the fetch there aborts with the
    # fault the walk gives, so its FAR is the vector itself.
    want = "mmuscope run: exception loop at 0x0000000c (prefetch abort, FSR 0x"
    lines = [l for l in p.stderr.splitlines() if "exception loop" in l]
    if p.returncode != 1 or len(lines) != 1 or not lines[0].startswith(want) \
            or not lines[0].endswith(", FAR 0x0000000c)"):
        print(f"FAIL: exit {p.returncode}, loop lines {lines}")
        failures += 1
    else:
        print("ok:", lines[0])
sys.exit(1 if failures else 0)
