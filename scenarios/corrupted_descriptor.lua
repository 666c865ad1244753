-- A corrupted descriptor kills only the task that used it.
-- Each process has its own L1 table, so a corrupted descriptor in one of
-- them breaks that process's view only.  Here one bit flips in the L1
-- page-table descriptor of the chase process's buffer (domain 1 -> 9,
-- bit 8); DACR 0x55 gives domain 9 no access.  Its next access there takes
-- a page domain fault carrying domain 9: DFSR 0x09B (FS 0x0B, read).
-- Linux has no fix-up for a domain fault (do_bad): the task gets SIGSEGV.
-- The other processes, their own tables untouched, finish normally.
-- Why: a fault is delivered to the task that made the access, and the
-- kernel's handling of what it cannot fix is to kill that task, not the
-- machine.
-- mix procs=4 forks pid 2 random, pid 3 chase, pid 4 seq, pid 5 matrix;
-- each maps its memory at TASK_UNMAPPED_BASE (0x40000000) in its own mm.
local BASE = 0x40000000
mm.boot{workload="mix", args="procs=4"}
mm.run_until{marker="chase-start"}    -- chase has written its buffer: mapped
local victim
for _, t in ipairs(mm.tasks()) do
	if t.pid == 3 then victim = t end
end
mm.expect_eq(victim and victim.state, "running", "chase, pid 3, is running")
mm.expect_eq(mm.cp15("contextidr") & 0xFF, victim.asid, "and is the current task")
local l1_addr = victim.pgd + (BASE >> 20) * 4
local l1 = mm.read32(l1_addr)
mm.expect_eq(l1 & 0x1E3, 0x21, "its buffer's L1 entry: a page table in domain 1")
mm.write32(l1_addr, l1 ~ 0x100)        -- the bit flip: domain 9
mm.tlb_flush{asid=victim.asid}         -- nothing cached hides it
mm.expect_eq(mm.walk(BASE, {user=true}).fsr, 0x09B, "the walker: page domain fault, domain 9")

local f = mm.expect_fault{fsr=0x09B, within=1e6, message="chase's next access"}
mm.expect(f and f.far >= BASE and f.far < BASE + 0x20000, "in its buffer")
-- The handler kills it: mm.tasks() shows it a zombie until mix reaps it.
local zombie
for _ = 1, 50000 do
	mm.run{insns=20}
	for _, t in ipairs(mm.tasks()) do
		if t.pid == 3 and t.state == "zombie" then zombie = t end
	end
	if zombie then break end
end
mm.expect_eq(zombie and zombie.exit_code, 0x100 | 11, "pid 3 is a zombie killed by SIGSEGV")
mm.expect(mm.console():find("pid 3: segmentation fault at 0x400") ~= nil, "the kernel says so")
for _, t in ipairs(mm.tasks()) do
	if t.pid ~= 3 and t.pid ~= 1 then
		mm.expect(t.state == "running" or t.state == "zombie" and t.exit_code == 0,
			  "pid " .. t.pid .. " goes on")
	end
end
mm.expect_eq(mm.run().exit_code, 1, "mix: the one child killed is its one failure")
local c = mm.console()
mm.expect(c:find("mix: 1 failures") ~= nil, "exactly one")
mm.expect(c:find("seq: checksum") ~= nil, "seq finished")
mm.expect(c:find("random: accesses") ~= nil, "random finished")
mm.expect(c:find("matrix: trace") ~= nil, "matrix finished")
mm.expect_eq(select(2, c:gsub("segmentation fault", "")), 1, "no other task was killed")
