#!/usr/bin/env python3
"""Hostile input and data safety (issue 18): what a hostile or careless user
does to mmuscope, one group of checks per part of the issue, chosen by the
second argument.  Every verdict comes from exit statuses, messages and file
contents, never from how fast the machine is: time limits here only stop a
hang, and they are long enough for the sanitizer build."""
import csv
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from clitest import BUILD, MMUSCOPE, bad_input, check, finish, run  # noqa: E402

tmp = tempfile.mkdtemp(prefix="mmuscope-hostile-")
LONG = 600   # a hang guard, not a verdict


def path(name):
    return os.path.join(tmp, name)


def write(name, text):
    with open(path(name), "w") as f:
        f.write(text)
    return path(name)


def read(name):
    with open(path(name)) as f:
        return f.read()


def one_line(p, needle):
    lines = p.stderr.strip().splitlines()
    return len(lines) == 1 and needle in lines[0]


# ---- 2, 10: the scenario sandbox -------------------------------------------------

def sandbox():
    probe = write("sandbox.lua", """
print("io", io, "package", package, "require", require, "dofile", dofile, "loadfile", loadfile)
print("os", os.execute, os.exit, os.remove, os.getenv, os.tmpname)
print("clock", type(os.clock()), type(os.time()), type(os.date("%Y")))
print("text", load("return 6 * 7")())
print("binary", load(string.dump(function() return 1 end)))
print("mode", pcall(load, "return 1", "x", "b"))
local env = {}
load("x = 5", "c", "t", env)()
mm.expect_eq(env.x, 5, "load with an env")
""")
    p = run("scenario", probe, timeout=LONG)
    out = p.stdout
    check(p.returncode == 0 and "io\tnil\tpackage\tnil\trequire\tnil\tdofile\tnil\tloadfile\tnil" in out
          and "os\tnil\tnil\tnil\tnil\tnil" in out, "no io, modules, file loading or os beyond the clock", p)
    check("clock\tnumber\tnumber\tstring" in out and "text\t42" in out,
          "os.clock, os.time, os.date and text chunks work", p)
    check("binary\tnil\tattempt to load a binary chunk" in out and "mode\tfalse" in out,
          "binary chunks are refused", p)
    p = run("scenario", "--tap", probe, timeout=LONG)
    check(p.returncode == 0 and "\n# text\t42\n" in p.stdout and "\nok 1 - " in p.stdout,
          "print goes to the report, as TAP comments with --tap", p)
    victim = write("victim.txt", "keep\n")
    for name, code in [("execute", f'os.execute("rm {victim}")'),
                       ("popen", f'io.popen("rm {victim}")'),
                       ("open", f'io.open("{victim}", "w")'),
                       ("loadlib", 'package.loadlib("libc.so.6", "system")')]:
        p = run("scenario", write(f"{name}.lua", code + "\n"), timeout=LONG)
        check(p.returncode == 2 and f"{name}.lua:1:" in p.stderr and read("victim.txt") == "keep\n",
              f"{name} is not there: a script error, the file untouched", p)
    # 10: the exit status comes from the expectations, always.
    p = run("scenario", write("exit.lua", 'mm.expect(false, "x") os.exit(true)\n'), timeout=LONG)
    check(p.returncode != 0 and "0 passed, 1 failed" in p.stdout, "os.exit cannot turn a failure into 0", p)


# ---- 3: --timeout from outside the VM ------------------------------------------------

def timeout():
    stuck = write("stuck.lua", 'print(("a"):rep(40):find(("a*"):rep(40) .. "b"))\n')
    p = run("scenario", "--timeout", "2s", stuck, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "stuck.lua: still inside one call")
          and "timeout" in p.stderr, "a runaway inside one C call ends with exit 2 and a message", p)
    spin = write("spin.lua", "mm.expect(true, 'first')\nwhile true do end\n")
    p = run("scenario", "--timeout", "2s", spin, timeout=LONG)
    check(p.returncode == 1 and "ok     " in p.stdout and "timeout" in p.stdout,
          "a runaway Lua loop is a failed expectation 'timeout'", p)


# ---- 9: scenario errors name file:line and the problem -------------------------------

def scenario_errors():
    cases = [
        ('mm.boot{workload="probe"}\nprint(mm.read32(0xFFFFFFFF))\n',
         "read32.lua:2: read32: PA 0xffffffff is not in guest RAM"),
        ('mm.boot{workload="probe"}\nmm.write32(0x10, 1)\n',
         "write32.lua:2: write32: PA 0x00000010 is not in guest RAM"),
        ('mm.boot{workload="probe"}\nmm.tlb_flush{asid=300}\n',
         "asid.lua:2: tlb_flush: asid 300 is not 0..255"),
        ('local x = 1\nerror({})\n', "table.lua:2: error object is a table value"),
        ('error("bare", 0)\n', "bare.lua:1: bare"),
        ('local function f()\n  error(setmetatable({}, {__tostring = function() return "mine" end}))\n'
         'end\nf()\n', "meta.lua:2: mine"),
    ]
    names = ["read32", "write32", "asid", "table", "bare", "meta"]
    for name, (text, want) in zip(names, cases):
        p = run("scenario", write(name + ".lua", text), timeout=LONG)
        check(p.returncode == 2 and one_line(p, want) and "%0" not in p.stderr,
              f"scenario error {name}: exit 2, '{want}'", p)


# ---- 4, 5, 6: a sweep owns its directory; merge checks every record; valid output ----

SMALL = ["--workloads", "random:mb=1 count=500", "--presets", "cortex-a5,cortex-a9",
         "--layouts", "sections", "--quiet", "--jobs", "2"]


def rows(directory):
    with open(os.path.join(directory, "results.csv"), newline="") as f:
        return list(csv.DictReader(f))


def records(directory):
    return sorted(os.listdir(os.path.join(directory, "runs")))


def sweep_dir():
    d = path("sweep")
    p = run("bench", *SMALL, "--out", d, timeout=LONG)
    check(p.returncode == 0 and len(rows(d)) == 2 and records(d) == ["0000.rec", "0001.rec"],
          "a sweep of two runs", p)
    # Another, smaller sweep into the same directory: nothing of the first is left.
    p = run("bench", "--workloads", "random:mb=1 count=400", "--presets", "cortex-a7",
            "--layouts", "sections", "--quiet", "--out", d, timeout=LONG)
    table = rows(d)
    check(p.returncode == 0 and len(table) == 1 and table[0]["preset"] == "cortex-a7"
          and records(d) == ["0000.rec"] and len(json.load(open(os.path.join(d, "results.json")))["runs"]) == 1,
          "a reused --out holds only the new sweep's records and results", p)
    # An interrupted sweep: one record lost, one writer stopped mid-file.
    p = run("bench", *SMALL, "--out", d, timeout=LONG)
    first = os.stat(os.path.join(d, "runs", "0000.rec"))
    os.unlink(os.path.join(d, "runs", "0001.rec"))
    write("sweep/runs/.0001.rec.Ab12Cd", "sweep 0123\nindex 1\n")
    write("sweep/.results.csv.Q1w2E3", "index,work")
    os.unlink(os.path.join(d, "results.csv"))
    p = run("bench", "merge", "--out", path("partial"), d, timeout=LONG)
    check(p.returncode == 1 and one_line(p, "partial sweep, 1 of its 2 runs")
          and json.load(open(path("partial/results.json")))["partial"] is True
          and "A partial sweep: 1 of its 2 runs" in read("partial/report.md"),
          "merge tells an interrupted sweep is partial", p)
    p = run("bench", *SMALL[:-3], "--out", d, timeout=LONG)
    again = os.stat(os.path.join(d, "runs", "0000.rec"))
    check(p.returncode == 0 and "resuming the sweep" in p.stderr and len(rows(d)) == 2
          and (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
          and records(d) == ["0000.rec", "0001.rec"] and not os.path.exists(path("sweep/.results.csv.Q1w2E3")),
          "the same sweep resumes: only the missing run is run, stopped writers' files are gone", p)
    # A real Ctrl-C: wherever it lands, the directory is consistent (whole records;
    # results only beside every record) and the same command finishes the sweep.
    c = path("ctrl-c")
    three = ["--workloads", "random:mb=1 count=3000", "--presets", "cortex-a5,cortex-a7,cortex-a9",
             "--layouts", "sections", "--quiet", "--jobs", "1", "--out", c]
    proc = subprocess.Popen([MMUSCOPE, "bench", *three], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not (os.path.isdir(os.path.join(c, "runs"))
                                       and any(n.endswith(".rec") for n in os.listdir(os.path.join(c, "runs")))):
        time.sleep(0.01)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=LONG)
    done = [n for n in records(c) if not n.startswith(".")]
    p = run("bench", "merge", "--out", path("ctrl-c-merged"), c, timeout=LONG)
    check(p.returncode == (0 if len(done) == 3 else 1)
          and os.path.exists(os.path.join(c, "results.csv")) == (len(done) == 3),
          f"Ctrl-C leaves whole records ({len(done)} of 3) and no stale results", p)
    p = run("bench", *three, timeout=LONG)
    check(p.returncode == 0 and len(rows(c)) == 3, "the same command then finishes the sweep", p)
    # A second sweep while one holds the directory.
    with open(os.path.join(d, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        bad_input("a second concurrent sweep is refused", ["bench", *SMALL, "--out", d], "in use")
        bad_input("a merge into a directory in use is refused", ["bench", "merge", "--out", d, d],
                  "in use")
    # A directory that is not a sweep's is never emptied.
    mine = path("mine")
    os.makedirs(mine)
    write("mine/thesis.tex", "precious\n")
    bad_input("a directory with other files is refused", ["bench", *SMALL, "--out", mine], "no sweep")
    check(read("mine/thesis.tex") == "precious\n", "... and left alone")


def merge_checks():
    good = path("good")
    p = run("bench", *SMALL, "--out", good, timeout=LONG)
    check(p.returncode == 0, "a sweep to spoil", p)
    original = open(os.path.join(good, "runs", "0001.rec")).read()

    def spoiled(name, text, needle, file="0001.rec", extra=()):
        d = path("spoil-" + name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(good, d)
        with open(os.path.join(d, "runs", file), "w") as f:
            f.write(text)
        bad_input(f"merge refuses {name}", ["bench", "merge", "--out", path("m-" + name), d, *extra],
                  needle)

    cut = original[:original.index("\n", original.index("\ncycles ") + 1) + 1]
    spoiled("a record cut after cycles", cut, "0001.rec: no ")
    spoiled("a record cut mid-line", original[:len(original) - 3], "0001.rec:")
    spoiled("index -3", original.replace("index 1\n", "index -3\n"), "0001.rec:3: index: '-3'")
    lines = original.splitlines(keepends=True)
    counter = next(i for i, l in enumerate(lines) if l.startswith("instructions "))
    over = "".join(lines[:counter] + ["instructions 99999999999999999999\n"] + lines[counter + 1:])
    spoiled("an overflowing counter", over, f"0001.rec:{counter + 1}: instructions:")
    spoiled("an unknown field", original + "bogus 1\n", "unknown field 'bogus'")
    spoiled("a field given twice", original + "cycles 5\n", "cycles given twice")
    spoiled("an exit code out of range", original.replace("exit_code 0\n", "exit_code 300\n"),
            "exit_code: '300'")
    spoiled("a record in the wrong file", original.replace("index 1\n", "index 0\n"), "belongs in 0000.rec")
    other = original.split("\n", 1)
    spoiled("a record of another sweep", "sweep 0123456789abcdef\n" + other[1], "another sweep")
    p = run("bench", "merge", "--out", path("m-twice"), good, good, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "repeats a run of"), "merge refuses the same run twice", p)
    d2 = path("other-sweep")
    run("bench", "--workloads", "random:mb=1 count=400", "--presets", "cortex-a5", "--layouts", "pages",
        "--quiet", "--out", d2, timeout=LONG)
    p = run("bench", "merge", "--out", path("m-mixed"), good, d2, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "another sweep"), "merge refuses shards of different sweeps", p)


def output_format():
    d = path("format")
    p = run("bench", "--workloads", "random:mb=1 count=500 seed=0x10,random:mb=1 count=500 seed=007",
            "--presets", "cortex-a5", "--layouts", "sections", "--quiet", "--out", d, timeout=LONG)
    try:
        runs = json.load(open(os.path.join(d, "results.json")))["runs"]
    except (OSError, ValueError, KeyError):
        runs = []
    check(p.returncode == 0 and [r["seed"] for r in runs] == [16, 7]
          and [r["seed"] for r in rows(d)] == ["16", "7"],
          "seeds are numbers the way the guest reads them (0x10 = 16, 007 = 7)", p)
    # The guest rejects the made-up key (exit 2); the outputs must still parse.
    args = 'mb=1 count=500 note="a,b"'
    d = path("quotes")
    p = run("bench", "--workloads", "random", "--args", args, "--presets", "cortex-a5",
            "--layouts", "sections", "--quiet", "--out", d, timeout=LONG)
    try:
        js = json.load(open(os.path.join(d, "results.json")))["runs"]
        table = rows(d)
        ok = js[0]["args"] == args and table[0]["args"] == args and table[0]["preset"] == "cortex-a5"
    except (OSError, ValueError, KeyError, IndexError):
        ok = False
    check(p.returncode == 2 and ok, "a quote and a comma in arguments: valid CSV (RFC 4180) and JSON", p)
    bad_input("a newline in arguments is refused", ["bench", "--workloads", "random:mb=1\ncount=5",
                                                    "--out", path("nl")], "control character")


# ---- 7, 8: write errors; bad input leaves old outputs -------------------------------

def write_errors():
    for opt in ["--stats", "--console", "--dump-pt", "--heatmap", "--dump-ram", "--trace"]:
        p = run("run", "--workload", "selftest", "--quiet", opt, "/dev/full", timeout=LONG)
        check(p.returncode == 2 and "/dev/full" in p.stderr and len(p.stderr.strip().splitlines()) == 1,
              f"run {opt} /dev/full: exit 2, one line naming it", p)
    p = subprocess.run(f"'{MMUSCOPE}' run --workload selftest --quiet > /dev/full", shell=True,
                       capture_output=True, text=True, timeout=LONG)
    check(p.returncode == 2 and "standard output" in p.stderr, "a full standard output: exit 2", p)
    d = path("full")
    run("bench", *SMALL, "--out", d, timeout=LONG)
    os.unlink(os.path.join(d, "results.csv"))
    os.symlink("/dev/full", os.path.join(d, "results.csv"))
    p = run("bench", "merge", "--out", d, d, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "results.csv: No space left on device"),
          "results through a link to /dev/full: exit 2 naming the file", p)
    os.unlink(os.path.join(d, "results.csv"))
    target = write("real.csv", "old\n")
    os.symlink(target, os.path.join(d, "results.csv"))
    p = run("bench", "merge", "--out", d, d, timeout=LONG)
    check(p.returncode == 0 and os.path.islink(os.path.join(d, "results.csv"))
          and read("real.csv").startswith("index,"), "results through a link land in its file", p)


def keep_outputs():
    good = write("good.json", '{"keep": 1}\n')
    junk = write("junk.bin", "not a trace at all\n")
    p = run("replay", junk, "--stats", good, timeout=LONG)
    check(p.returncode == 2 and read("good.json") == '{"keep": 1}\n', "replay junk: good.json is kept", p)
    con = write("con.txt", "old console\n")
    p = run("run", "--board", "nosuch", "--console", con, timeout=LONG)
    check(p.returncode == 2 and read("con.txt") == "old console\n", "run --board nosuch: the console file is kept", p)
    p = run("run", "--workload", "nosuch", "--console", con, "--stats", good, "--heatmap", path("h.png"),
            "--quiet", timeout=LONG)
    check(p.returncode == 2 and read("good.json") == '{"keep": 1}\n' and not os.path.exists(path("h.png"))
          and "nosuch" in read("con.txt"),
          "a workload the guest rejects: the stats file is kept, no heatmap, the console says why", p)
    fresh = path("never.txt")
    p = run("run", "--stats", "/nonexistent/x.json", "--console", fresh, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "/nonexistent/x.json") and p.stdout == ""
          and not os.path.exists(fresh), "an unwritable output stops the run before it starts", p)
    for opt in ["--heatmap", "--dump-pt", "--dump-ram", "--trace", "--console"]:
        p = run("run", opt, "/nonexistent/x", "--quiet", timeout=LONG)
        check(p.returncode == 2 and one_line(p, "/nonexistent/x") and p.stdout == "",
              f"run {opt} /nonexistent/x: refused before the run", p)
    p = run("run", "--stats", tmp, timeout=LONG)
    check(p.returncode == 2 and one_line(p, "Is a directory") and p.stdout == "",
          "run --stats DIR: refused before the run", p)


# ---- 11: ui ------------------------------------------------------------------------------

def ui():
    base = ["ui", "--headless", "--frames", "2"]
    state = write("state.txt", "keep\n")
    for what, args, needle in [
            ("--script nosuch", ["--script", path("nosuch")], "nosuch"),
            ("--screenshot /nonexistent/x.png", ["--screenshot", "/nonexistent/x.png"], "/nonexistent/x.png"),
            ("--state /nonexistent/x", ["--state", "/nonexistent/x"], "/nonexistent/x"),
            ("--workload nosuch", ["--workload", "nosuch"], "bad workload"),
            ("--args the guest rejects", ["--workload", "chase", "--args", "wss=64"], "bad workload"),
            ("--break-marker nosuch", ["--break-marker", "nosuch"], "nosuch"),
            ("--board nosuch with --state", ["--board", "nosuch", "--state", state], "nosuch")]:
        p = run(*base, *args, timeout=LONG)
        check(p.returncode == 2 and one_line(p, needle), f"ui {what}: exit 2, one line", p)
    check(read("state.txt") == "keep\n", "ui: bad input leaves the old state file")
    p = run(*base, "--break-marker", "boot", "--speed", "2000000", "--state", state, timeout=LONG)
    check(p.returncode == 0 and "frames=2" in read("state.txt"), "ui: a marker the guest reports is fine", p)


# ---- 12: small CLI inconsistencies -------------------------------------------------------

def cli():
    bad_input("walk --size 16", ["walk", "--size", "16", "--va", "0", "--ttbr0", "0"], "--size")
    for t in ["abc", "-1", "99999999s", "s", "0", ""]:
        bad_input(f"scenario --timeout {t!r}", ["scenario", "--timeout", t, "x.lua"], "--timeout")
    image = path("ram.img")
    with open(image, "wb") as f:
        f.write(bytes(8192))
    walk = ["walk", "--va", "0", "--ttbr0", "0", "--mem", image + "@0"]
    for opt, val in [("--va", "4"), ("--ttbr0", "0"), ("--size", "4"), ("--sctlr", "1")]:
        bad_input(f"walk {opt} twice", [*walk, opt, val, opt, val], f"{opt} given twice")
    bad_input("walk --json twice", [*walk, "--json", "--json"], "--json given twice")
    p = run(*walk, "--mem", image + "@0x10000")
    check(p.returncode in (0, 1) and p.stderr == "", "walk: --mem may be given more than once", p)
    bad_input("pte --linux twice", ["pte", "--linux", "1", "--linux", "2"], "--linux given twice")
    bad_input("pte --ext twice", ["pte", "--linux", "1", "--ext", "nG", "--ext", "nG"], "--ext given twice")
    bad_input("pte --check with --linux", ["pte", "--check", image, "--linux", "1"], "--check")
    bad_input("replay --preset twice", ["replay", image, "--preset", "cortex-a5", "--preset", "cortex-a9"],
              "--preset given twice")
    bad_input("run --quiet twice", ["run", "--quiet", "--quiet"], "--quiet given twice")
    bad_input("bench --quiet twice", ["bench", "--workloads", "seq", "--quiet", "--quiet"], "--quiet given twice")
    bad_input("run --max-insns ' -5'", ["run", "--max-insns", " -5"], "--max-insns")
    bad_input("run --max-insns '+5'", ["run", "--max-insns", "+5"], "--max-insns")
    bad_input("walk --mem DIR@0", ["walk", "--va", "0", "--ttbr0", "0", "--mem", tmp + "@0"],
              "not a regular file")
    empty = write("empty.tlb", "")
    named = write("named.tlb", "# just a name\nname = nothing\n")
    bad_input("an empty preset", ["run", "--preset", empty], "empty.tlb: no TLB level")
    bad_input("a name-only preset", ["run", "--preset", named], "named.tlb: no TLB level")
    none = write("none.tlb", "name = none\nitlb.entries = 0\ndtlb.entries = 0\nmain.entries = 0\n"
                 "walk_cache.entries = 0\n")
    p = run("run", "--preset", none, "--workload", "selftest", "--quiet", timeout=LONG)
    check(p.returncode == 0, "a TLB-less organisation written with entries = 0 runs", p)


groups = {"sandbox": sandbox, "timeout": timeout, "scenario-errors": scenario_errors,
          "sweep-dir": sweep_dir, "merge": merge_checks, "output-format": output_format,
          "write-errors": write_errors, "keep-outputs": keep_outputs, "ui": ui, "cli": cli}
groups[sys.argv[2]]()
shutil.rmtree(tmp, ignore_errors=True)
finish()
