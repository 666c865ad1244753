#!/usr/bin/env python3
"""Boots Debian's armmp kernel on mmuscope (model on) with a small init: one
workload (random, 1 MB, 20 000 read-modify-writes) and power-off.  Checks
what the architecture and the workload fix, not figures copied from a run:

- the run ends by the board's shutdown with init's status 0, and the model
  agreed with QEMU on every abort (0 disagreements);
- the markers are the workload's two, in order;
- per ASID: the kernel's ASID 0 before init, then at least three user
  address spaces (init; its fork; the exec'd workload), each taking
  translation faults as Linux demand-pages it in;
- the region of interest is the workload's loop alone: one user ASID, no
  faults (populate() wrote every page first, and nothing ages them), and
  at least 2 x 20 000 data lookups (each iteration loads and stores a word);
- the UI (when built) pauses at fork-start and steps the first fault after
  it: a user write to a page fork made read-only (copy-on-write), whose
  Linux PTE the stepper reads 2048 bytes below the hardware PTE, and
  'mmuscope pte' turns that Linux PTE (with nG, as set_pte_at gives user
  pages) into the hardware PTE the stepper showed;
- a trace of the kernel's first 20 M instructions under the model (it starts
  where the model attaches) replays to the live run's counters, every one
  and per ASID;
- every present hardware PTE of the final tables equals set_pte_ext of its
  Linux PTE ('mmuscope pte --check' on '--dump-pt'), over at least 1000
  small pages; lowmem is mapped linearly, VA 0xC0000000 -> PA 0x60000000
  (PAGE_OFFSET -> PHYS_OFFSET) in sections; the vectors page is at
  0xFFFF0000.

usage: test_linux_boot.py MMUSCOPE INIT USER ASSETS_DIR MKINITRAMFS
Skips (77) when the kernel assets were not fetched (scripts/linux_assets.sh)
or the Linux cross-compiler was not there to build INIT and USER."""
import json
import os
import subprocess
import sys

import linuxtest

COUNT = 20000


def check_replay(b, initrd, tmp, model_from):
    trace, live, replayed = (os.path.join(tmp, n) for n in ("k.trace", "live.json", "replay.json"))
    run = subprocess.run(
        [b.mmuscope, "run", "--board", "vexpress", "--kernel", b.kernel, "--dtb", b.dtb,
         "--initrd", initrd, "--append", "console=ttyAMA0 panic=-1 cryptomgr.notests rdinit=/init",
         "--max-insns", str(model_from + 20_000_000), "--trace", trace, "--stats", live, "--quiet",
         "--console", os.devnull], capture_output=True, text=True)
    rep = subprocess.run([b.mmuscope, "replay", trace, "--preset", "cortex-a9", "--stats", replayed],
                         capture_output=True, text=True)
    ok = run.returncode == 0 and rep.returncode == 0
    b.check(ok, f"a 20 M-instruction trace of the kernel records and replays "
                f"({run.returncode}, {rep.returncode}: {run.stderr[-150:]}{rep.stderr[-150:]})")
    if ok:
        a, r = json.load(open(live))["tlb"], json.load(open(replayed))
        b.check(abs(a["counters"]["instructions"] - 20_000_000) < 1000,  # a block's worth
                f"the trace covers the kernel's first 20 M instructions "
                f"({a['counters']['instructions']})")
        b.check(a["counters"] == r["counters"] and a["per_asid"] == r["per_asid"],
                "the replay gives the live run's counters, every one and per ASID")


def check_ui(b, initrd, tmp):
    check = b.check
    script, state = os.path.join(tmp, "ui.script"), os.path.join(tmp, "ui.state")
    with open(script, "w") as f:
        f.write("wait 1\nkey m\nuntil-paused 4000\nkey f\nuntil-paused 400\nkey w\nkey w\n"
                "wait 1\nquit\n")
    ui = subprocess.run(
        [b.mmuscope, "ui", "--headless", "--paused", "--frames", "20000", "--speed", "20000000",
         "--console", os.devnull, "--board", "vexpress", "--kernel", b.kernel, "--dtb", b.dtb,
         "--initrd", initrd, "--append",
         "console=ttyAMA0 panic=-1 cryptomgr.notests rdinit=/init workloads=fork",
         "--break-marker", "fork-start", "--script", script, "--state", state],
        capture_output=True, text=True,
        # As tests/ui: LeakSanitizer sees what SDL's dlopen'ed libraries keep.
        env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    check(ui.returncode == 0, f"ui exits 0 (got {ui.returncode}: {ui.stderr[-200:]})")
    check(os.path.exists(state), "the UI wrote its state")
    if not os.path.exists(state):
        return
    st = dict(line.split("=", 1) for line in open(state).read().splitlines() if "=" in line)
    check(st.get("marker") == "fork-start" and st.get("story_phase") == "fault",
          f"the UI paused at fork-start and caught a fault ({st.get('status')})")
    hw = int(st.get("story_hw", "0,0").split(",")[0], 16)
    linux = int(st.get("story_linux", "0,0").split(",")[0], 16)
    check(hw & 0x200 and hw & 0x800 and linux & 1 and linux & 0x80,
          f"a user write to a present, read-only (COW) page: hw {hw:#x}, Linux {linux:#x}")
    pte = subprocess.run([b.mmuscope, "pte", "--linux", hex(linux), "--ext", "nG"],
                         capture_output=True, text=True)
    want = f"hw    {hw:#010x}"
    check(want in pte.stdout, f"set_pte_ext of the stepper's Linux PTE is its hardware PTE "
                              f"({pte.stdout.strip().splitlines()[-1:]} vs {hw:#010x})")


def body(b, tmp, initrd):
    check = b.check
    stats, dump = os.path.join(tmp, "stats.json"), os.path.join(tmp, "pt.jsonl")
    run = subprocess.run(
        [b.mmuscope, "run", "--board", "vexpress", "--kernel", b.kernel, "--dtb", b.dtb,
         "--initrd", initrd, "--append",
         "console=ttyAMA0 panic=-1 cryptomgr.notests rdinit=/init "
         f"workloads=random:mb=1:count={COUNT}",
         "--stats", stats, "--dump-pt", dump, "--quiet"],
        capture_output=True, text=True)
    check(run.returncode == 0, f"mmuscope exits 0 (got {run.returncode}: {run.stderr[-300:]})")
    check("init: random exit 0" in run.stdout, "init saw the workload exit 0")
    check("reboot: Power down" in run.stdout, "the kernel powered the board off")
    check(os.path.exists(stats), "--stats written")
    if not os.path.exists(stats):
        return
    s = json.load(open(stats))
    check(s["exit_code"] == 0 and s["disagreements"] == 0,
          f"exit code 0, 0 disagreements (got {s['exit_code']}, {s['disagreements']})")
    check(s["markers"] == ["random-start", "random-done"], f"markers {s['markers']}")
    check(0 < s.get("model_from_instruction", 0) < s["instructions"] and
          s["tlb"]["counters"]["instructions"] == s["instructions"] - s["model_from_instruction"],
          "the model counts from where it attached (the kernel proper) to the end")

    per_asid = s["tlb"]["per_asid"]
    user_asids = [a for a in per_asid if a != "0"]
    check("0" in per_asid and per_asid["0"]["lookups"] > 0, "the kernel ran in ASID 0")
    check(len(user_asids) >= 3, f"at least 3 user address spaces (got {user_asids})")
    check(all(per_asid[a]["faults"] > 0 for a in user_asids),
          "every user address space was demand-paged (translation faults)")

    roi = s.get("roi")
    check(roi is not None and roi["start"] == "random-start" and roi["end"] == "random-done",
          "the ROI is the workload's")
    if roi:
        c = roi["counters"]
        check(list(roi["per_asid"]) not in ([], ["0"]) and len(roi["per_asid"]) == 1,
              f"the ROI runs in one user ASID (got {list(roi['per_asid'])})")
        faults = sum(v for k, v in c.items() if k.startswith("faults_"))
        check(faults == 0, f"no faults inside the ROI (got {faults})")
        check(c["dtlb_lookups"] >= 2 * COUNT,
              f"ROI data lookups >= {2 * COUNT} (got {c['dtlb_lookups']})")

    pte = subprocess.run([b.mmuscope, "pte", "--check", dump], capture_output=True, text=True)
    last = pte.stdout.strip().splitlines()[-1] if pte.stdout.strip() else ""
    words = last.split()
    checked = int(words[0]) if words and words[0].isdigit() else 0
    check(pte.returncode == 0 and "0 differ from set_pte_ext" in last and checked >= 1000,
          f"pte --check: {last!r} (exit {pte.returncode})")
    rows = [json.loads(line) for line in open(dump)]
    lowmem = [r for r in rows if r["kind"] == "section" and r["va"] == 0xC0000000]
    check(len(lowmem) == 1 and lowmem[0]["pa"] == 0x60000000,
          "VA 0xC0000000 is a section mapping PA 0x60000000")
    check(any(r["va"] == 0xFFFF0000 for r in rows), "the vectors page is mapped at 0xFFFF0000")

    check_replay(b, initrd, tmp, s["model_from_instruction"])
    if os.path.exists(os.path.join(os.path.dirname(b.mmuscope), "mmuscope-ui")):
        check_ui(b, initrd, tmp)


if __name__ == "__main__":
    sys.exit(linuxtest.main(body))
