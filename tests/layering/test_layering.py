#!/usr/bin/env python3
"""The parts' dependency rules, read from the built static libraries' symbol
tables (nm), so they hold for what the code calls, not for what it says:

* the parts depend on each other one way only, in the order given by
  ALLOWED (ui -> emu -> model -> tlb -> mmu): a part may call only the
  parts listed after it;
* inside the parts in NO_CIRCLES, no two sources call each other,
  directly or round a circle (a call from one object file to a function
  defined in another);
* the model library needs no unicorn (no uc_* symbol).

usage: test_layering.py BUILD_DIR"""
import os
import subprocess
import sys

# Each part and the parts it may call.
ALLOWED = {
    "ui": {"emu", "model", "tlb", "mmu"},
    "emu": {"model", "tlb", "mmu"},
    "model": {"tlb", "mmu"},
    "tlb": {"mmu"},
    "mmu": set(),
}
NO_UNICORN = {"model", "tlb", "mmu"}
NO_CIRCLES = {"ui", "emu", "model", "mmu"}


def symbols(archive):
    """{object: (defined, undefined)} of a static library."""
    out = subprocess.run(["nm", "-A", "--defined-only", "-g", archive], capture_output=True,
                         text=True, check=True).stdout
    und = subprocess.run(["nm", "-A", "-u", archive], capture_output=True, text=True,
                         check=True).stdout
    objs = {}
    for text, kind in ((out, 0), (und, 1)):
        for line in text.splitlines():
            # "lib.a:obj.o:   ... T name" or "lib.a:obj.o:   U name"
            parts = line.split(":")
            if len(parts) < 3:
                continue
            obj, rest = os.path.basename(parts[1]), parts[-1].split()
            if not rest:
                continue
            objs.setdefault(obj, (set(), set()))[kind].add(rest[-1])
    return objs


def cycle(graph):
    """A list of nodes round a circle of graph, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                found = visit(m, path + [m])
                if found:
                    return found
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n, [n])
            if found:
                return found
    return None


def main():
    build = sys.argv[1]
    parts = {}
    for part in ALLOWED:
        folder = os.path.join(build, part)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.startswith("lib") and name.endswith(".a"):
                parts.setdefault(part, {}).update(symbols(os.path.join(folder, name)))
    failures = []
    if set(parts) != set(ALLOWED):
        failures.append(f"libraries missing: {sorted(set(ALLOWED) - set(parts))}")
    owner = {}
    for part, objs in parts.items():
        for obj, (defined, _) in objs.items():
            for s in defined:
                owner[s] = (part, obj)
    for part, objs in parts.items():
        inner = {}
        for obj, (_, undefined) in objs.items():
            for s in undefined:
                if part in NO_UNICORN and s.startswith("uc_"):
                    failures.append(f"{part}/{obj} calls unicorn ({s})")
                if s not in owner:
                    continue
                to_part, to_obj = owner[s]
                if to_part == part:
                    if to_obj != obj:
                        inner.setdefault(obj, set()).add(to_obj)
                elif to_part not in ALLOWED[part]:
                    failures.append(f"{part}/{obj} calls {to_part} ({s}): "
                                    f"{part} may call only {sorted(ALLOWED[part]) or 'nothing'}")
        circle = cycle(inner) if part in NO_CIRCLES else None
        if circle:
            failures.append(f"{part}: its sources call each other round a circle: "
                            + " -> ".join(circle))
    for f in failures:
        print("FAIL:", f)
    print(f"{len(parts)} parts checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
