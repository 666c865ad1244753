#!/usr/bin/env python3
"""`mmuscope layout`: the q3f boot prints the seed's layout (000_*.txt) and
meminfo under every lowmem layout, vexpress its own, and bad options are
a one-line error with exit status 2."""
import subprocess
import sys

from guest_output import Checker

mmuscope = sys.argv[1]
check = Checker()


def layout(*args):
    return subprocess.run([mmuscope, "layout", *args], capture_output=True, text=True, timeout=120)


SEED_Q3F = ["lowmem  : 0xc0000000 - 0xc3e00000   (  62 MB)",
            "vmalloc : 0xc4000000 - 0xff000000   ( 944 MB)",
            "modules : 0xbf800000 - 0xc0000000   (   8 MB)",
            "fixmap  : 0xfff00000 - 0xfffe0000   ( 896 kB)"]
for name in ["sections", "pages", "supersections", "large"]:
    p = layout("--layout", name)
    check(p.returncode == 0 and all(line in p.stdout for line in SEED_Q3F)
          and "Virtual kernel memory layout:" in p.stdout and "MemTotal:" in p.stdout
          and "MEMBLOCK configuration:" in p.stdout, f"q3f --layout {name}: the seed's four lines",
          p.stdout + p.stderr)

# vexpress: 128 MB of lowmem, VMALLOC_START = high_memory + 8 MB.
p = layout("--board", "vexpress")
check(p.returncode == 0 and "lowmem  : 0xc0000000 - 0xc8000000   ( 128 MB)" in p.stdout
      and "vmalloc : 0xc8800000 - 0xff000000   ( 872 MB)" in p.stdout, "vexpress layout",
      p.stdout + p.stderr)
p = layout("--board", "q3f", "--ram", "32")
check(p.returncode == 0 and "lowmem  : 0xc0000000 - 0xc1e00000   (  30 MB)" in p.stdout,
      "q3f --ram 32: mem= still holds back the DSP's 2 MB", p.stdout + p.stderr)

for args, needle in [(["--layout", "hugepages"], "hugepages"), (["--bogus"], "--bogus"),
                     (["--board"], "--board"), (["--board", "pdp11"], "pdp11"),
                     (["--layout", "pages", "--layout", "large"], "twice"),
                     (["--ram", "lots"], "--ram"), (["--ram", "0"], "--ram"), (["--ram", "8"], "8 MB"),
                     (["--workload", "sweep"], "--workload"), (["extra"], "extra")]:
    p = layout(*args)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == 2 and len(lines) == 1 and needle in lines[0] and not p.stdout,
          f"layout {' '.join(args)}: one-line error, exit 2", p.stdout + p.stderr)
p = layout("--help")
check(p.returncode == 0 and "usage: mmuscope layout" in p.stdout, "layout --help",
      p.stdout + p.stderr)
check.exit()
