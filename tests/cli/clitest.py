"""Shared helpers of the command-line tests: run mmuscope (argv[1]), count
checks, and the bad-input rule (exit 2 with one stderr line naming the
problem)."""
import os
import subprocess
import sys

MMUSCOPE = sys.argv[1]
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(MMUSCOPE)))
failures = 0
checks = 0


def run(*args, timeout=120):
    return subprocess.run([MMUSCOPE, *args], capture_output=True, text=True, timeout=timeout)


def check(cond, what, proc=None):
    global failures, checks
    checks += 1
    if cond:
        print(f"ok   {what}")
        return
    failures += 1
    print(f"FAIL {what}")
    if proc is not None:
        print(f"     exit {proc.returncode}\n     stdout: {proc.stdout[-800:]!r}\n"
              f"     stderr: {proc.stderr[-800:]!r}")


def bad_input(what, args, needle):
    """Bad input: exit 2 and exactly one stderr line that names the problem."""
    p = run(*args)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == 2 and len(lines) == 1 and needle in lines[0],
          f"{what}: exit 2, one line naming {needle!r}", p)


def finish():
    print(f"{checks} checks, {failures} failed")
    sys.exit(1 if failures or not checks else 0)
