#!/usr/bin/env python3
"""Every expectation call can fail with a useful message: each file in
fail/ must exit 1 (2 for lua_error.lua) and print the line we expect."""
import os, subprocess, sys

mmuscope = sys.argv[1]
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fail")
cases = {
    "expect.lua": (1, "expect.lua:2: one is two: the condition is false"),
    "expect_eq.lua": (1, "got 23 (0x17), want 31 (0x1f)"),
    "expect_fault.lua": (1, "no such fault within the instructions allowed"),
    "expect_hazard.lua": (1, "stale-TLB hazard at VA 0xc3800000: none flagged"),
    "expect_delta.lua": (1, "entries_invalidated changes by 0: it changed by"),
    "lua_error.lua": (2, "lua_error.lua:2: boot: unknown option 'colour'"),
}
failures = 0
for name, (rc, text) in cases.items():
    p = subprocess.run([mmuscope, "scenario", os.path.join(here, name)],
                       capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    if p.returncode != rc or text not in out:
        print(f"FAIL {name}: exit {p.returncode} (want {rc}), output:\n{out}")
        failures += 1
    else:
        print(f"ok {name}")
for args, text in ((["--timeout"], "--timeout"), (["--bogus", "x.lua"], "unknown option"),
                   (["missing.lua"], "cannot read missing.lua")):
    p = subprocess.run([mmuscope, "scenario", *args], capture_output=True, text=True)
    if p.returncode != 2 or text not in p.stderr:
        print(f"FAIL {args}: exit {p.returncode}, {p.stderr}")
        failures += 1
sys.exit(1 if failures else 0)
