#!/usr/bin/env python3
"""The vexpress firmware on an outside machine model: qemu-system-arm's
vexpress-a9 boots it under every lowmem layout and the guest tests pass
there too.  Also the one way to reach the guest's own check of layout=
(mmuscope validates the name before boot): an unknown value exits 2.
Skipped when qemu-system-arm is not installed."""
import shutil
import subprocess
import sys

firmware = sys.argv[1]
qemu = shutil.which("qemu-system-arm")
if not qemu:
    print("qemu-system-arm not found: skipped")
    sys.exit(77)
failures = checks = 0


def boot(cmdline):
    return subprocess.run([qemu, "-M", "vexpress-a9", "-m", "128M", "-nographic", "-semihosting",
                           "-kernel", firmware, "-append", cmdline],
                          capture_output=True, text=True, timeout=60)


def check(cmdline, status, text):
    global failures, checks
    p = boot(cmdline)
    ok = p.returncode == status and text in p.stdout
    checks += 1
    print(("ok   " if ok else "FAIL ") + f"{cmdline!r}: exit {p.returncode}, {text!r}")
    if not ok:
        print(p.stdout[-2000:])
    failures += not ok


check("workload=selftest", 0, "selftest: 0 failures")
for workload in ["test-buddy", "test-memblock", "test-vmalloc"]:
    check(f"workload={workload}", 0, f"{workload}: 0 failures")
for layout in ["sections", "pages", "supersections", "large"]:
    for workload in ["test-layout", "test-pte"]:
        check(f"layout={layout} workload={workload}", 0, f"{workload}: 0 failures")
check("layout=hugepages workload=selftest", 2, "layout=: unknown")
print(f"{checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
