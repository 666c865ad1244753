#!/usr/bin/env python3
"""The guest's set_pte_ext against the host's statement of the rule, for
every combination of the L_PTE bits: test-pte with "print" writes each
Linux PTE, ext and the hardware word the guest made; `mmuscope pte --check`
holds them all to the host rule, and `mmuscope pte --linux` to a sample."""
import json
import os
import re
import subprocess
import sys
import tempfile

from guest_output import Checker

mmuscope = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="mmuscope-pte-")
check = Checker()


console = os.path.join(tmp, "console.txt")
p = subprocess.run([mmuscope, "run", "--quiet", "--workload", "test-pte", "--args", "print",
                    "--console", console], capture_output=True, text=True, timeout=120)
with open(console) as f:
    out = f.read()
check(p.returncode == 0 and "test-pte: 0 failures" in out, "test-pte print: 0 failures, exit 0")
pairs = [(int(lx, 16), int(ext, 16), int(hw, 16))
         for lx, ext, hw in re.findall(r"^pte ([0-9a-f]{8}) ([0-9a-f]+) ([0-9a-f]{8})$", out, re.M)]
check(len(pairs) == 8192 and len({(lx, ext) for lx, ext, _ in pairs}) == 8192,
      f"8192 distinct Linux PTE/ext pairs printed ({len(pairs)})")

# --check takes nG from the hardware word itself; a fault word (0) has
# none, and the rule gives 0 for it whatever ext is.
check(all(hw & 0x800 == (ext if hw else 0) for _, ext, hw in pairs), "nG in hw exactly when ext asks")
records = os.path.join(tmp, "pairs.jsonl")
with open(records, "w") as f:
    for lx, _, hw in pairs:
        f.write(json.dumps({"kind": "small", "hw": hw, "linux": lx}) + "\n")
p = subprocess.run([mmuscope, "pte", "--check", records], capture_output=True, text=True, timeout=60)
check(p.returncode == 0 and f"{len(pairs)} small pages checked, 0 differ" in p.stdout,
      "mmuscope pte --check: the host rule agrees on every pair")
if p.returncode:
    print(p.stdout[:2000] + p.stderr)

for lx, ext, hw in pairs[::257]:
    p = subprocess.run([mmuscope, "pte", "--linux", hex(lx), "--ext", hex(ext)],
                       capture_output=True, text=True, timeout=30)
    m = re.search(r"^hw +0x([0-9a-f]{8})", p.stdout, re.M)
    check(p.returncode == 0 and m and int(m.group(1), 16) == hw,
          f"pte --linux {lx:#010x} --ext {ext:#x}: hw {hw:#010x}")
check.exit()
