-- Stack growth and its limit.
-- A process starts with a 4-page stack VMA under STACK_TOP (= TASK_SIZE,
-- 0xBF000000) marked VM_GROWSDOWN.  A push below it has no VMA, yet
-- do_page_fault grows the stack VMA down to the page and demand-faults
-- it: the task never notices.  The fault itself is an ordinary page
-- translation fault on a write, DFSR 0x817 (WnR, user domain 1), since the
-- stack's 2 MB slot already has a page table.  Growth stops at
-- RLIMIT_STACK (8 MB): a fault below STACK_TOP - 8 MB = 0xBE800000 is a
-- bad area and the task gets SIGSEGV.  That address is in a 2 MB slot
-- nothing has used, so its L1 entry is empty: a section translation
-- fault on a write, FS 0x05 with WnR (0x805).  Why: the stack must grow
-- on demand, and a runaway recursion must kill only its own task.
-- test-stack recurses ~1 MB deep, then forks a child that recurses 25 MB.
local VMA_START, LIMIT = 0xBF000000 - 4 * 0x1000, 0xBF000000 - 8 * 0x100000
mm.boot{workload="test-stack"}

local s
repeat
	s = mm.run_until{fault=true, insns=5e7}
until s.reason ~= "fault" or s.far < VMA_START
mm.expect(s.reason == "fault" and s.far >= LIMIT, "a fault below the initial stack VMA")
mm.expect_eq(s.fsr, 0x817, "a page translation fault on a write (a push)")
local grown = s.far & ~0xFFF
mm.expect_eq(mm.pte(grown).hw, 0, "nothing mapped there yet")
mm.run_until{va=s.far}                          -- the retried push
mm.expect(mm.pte(grown).hw & 2 ~= 0, "the stack grew: the page is mapped")
mm.expect_eq(mm.pte(grown).linux & 0x43, 0x43, "... young and dirty (a write fault)")

-- The child runs into the limit.
repeat
	s = mm.run_until{fault=0x805, insns=2e8}
until s.reason ~= "fault" or s.far < LIMIT
mm.expect_eq(s.reason, "fault", "a fault below the stack limit")
mm.expect(s.far and s.far >= LIMIT - 0x1000, "just below it: one frame further")
local tasks = mm.tasks()
mm.expect_eq(#tasks, 2, "parent and child")
local child = tasks[2]
mm.expect_eq(child.state, "running", "the child made it")
mm.expect_eq(tasks[1].state, "waiting", "the parent waits in wait4")
-- The handler prints the kill, then do_exit frees the child's memory (a
-- while: 8 MB of stack), leaves it a zombie and runs the parent, whose
-- wait4 reaps it.  Step finely to see the zombie.
for _ = 1, 1000 do
	if mm.console():find("segmentation fault") then break end
	mm.run{insns=1000}
end
local zombie
for _ = 1, 100000 do
	mm.run{insns=20}
	for _, t in ipairs(mm.tasks()) do
		if t.pid == child.pid and t.state == "zombie" then zombie = t end
	end
	if zombie then break end
end
mm.expect(zombie ~= nil, "the child became a zombie")
mm.expect_eq(zombie and zombie.exit_code, 0x100 | 11, "killed by SIGSEGV (EXIT_SIGNALED | 11)")
mm.expect(mm.console():find("segmentation fault at 0xbe7") ~= nil, "the kernel says where")
mm.expect_eq(mm.run().exit_code, 0, "test-stack passes: the parent saw status 11")
mm.expect(mm.console():find("test%-stack: 0 failures") ~= nil, "its own checks held")
