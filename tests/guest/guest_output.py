"""What the tests read from the guest's console and from `mmuscope run
--stats`: the timing tag, the "mm:" counters, the per-ASID fault lines, and
the check that the guest's per-ASID fault counts are the model's."""
import os
import re

# The tag is defined once, for the guest, in firmware/timing.h.
_TIMING_H = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "firmware",
                         "timing.h")
with open(_TIMING_H) as _f:
    TIMING_TAG = re.search(r'#define TIMING_TAG "([^"]*)"', _f.read()).group(1)


class Checker:
    """Counts checks and failures; prints one line per check."""

    def __init__(self):
        self.checks = self.failures = 0

    def __call__(self, cond, what, detail=""):
        self.checks += 1
        print(("ok   " if cond else "FAIL ") + what + ("" if cond else f"\n     {detail[-800:]}"))
        self.failures += not cond
        return cond

    def exit(self):
        print(f"{self.checks} checks, {self.failures} failed")
        raise SystemExit(1 if self.failures else 0)


def untagged(text):
    """The lines whose content does not depend on when timer interrupts
    arrived: those the guest did not tag."""
    return [line for line in text.splitlines() if not line.startswith(TIMING_TAG)]


def _strip_tag(line):
    return line[len(TIMING_TAG):] if line.startswith(TIMING_TAG) else line


def mm_counts(text):
    """Every counter of the "mm:" lines, tagged or not, as one dict."""
    counts = {}
    for line in map(_strip_tag, text.splitlines()):
        if line.startswith("mm:"):
            counts.update({k: int(v) for k, v in re.findall(r"(\w+) (-?\d+)", line[3:])})
    return counts


def asid_lines(text):
    """{asid: {"tasks", "pid", "faults"}} from the guest's per-ASID lines."""
    asids = {}
    for line in map(_strip_tag, text.splitlines()):
        m = re.fullmatch(r"asid (\d+): tasks (\d+) last_pid (\d+) faults (\d+)", line)
        if m:
            a, t, pid, f = map(int, m.groups())
            asids[a] = {"tasks": t, "pid": pid, "faults": f}
    return asids


def check_asids(check, name, asids, js):
    """Every fault the guest took under an ASID is one the model counted
    under it, and the other way round; the ASIDs the model saw user-mode
    lookups under are exactly the ones the guest gave its processes.
    Returns the model's per-ASID counters."""
    per_asid = {int(a): v for a, v in js["tlb"]["per_asid"].items()}
    for a in sorted(set(asids) | set(per_asid)):
        guest = asids.get(a, {}).get("faults", 0)
        model = per_asid.get(a, {}).get("faults", 0)
        check(guest == model, f"{name}: faults under ASID {a}: guest {guest}, model {model}")
    given = {a for a, v in asids.items() if v["tasks"] > 0}
    used = {a for a, v in per_asid.items() if a != 0 and v["lookups"] > 0}
    check(given == used, f"{name}: the model's user ASIDs are the processes' ASIDs",
          f"guest gave {sorted(given)}, model saw {sorted(used)}")
    return per_asid
