-- vmalloc fault sync.
-- vmalloc maps new memory in init_mm's tables only; a process pgd copied
-- earlier lacks the L1 entry.  The first touch takes a section translation
-- fault (0x005, or 0x805 on a write) at a kernel address; do_translation_fault
-- copies the entry from init_mm and the access retries.
mm.boot{workload="test-vmalloc"}
local f
repeat
	local s = mm.run_until{fault=true, insns=50000000}
	if s.reason ~= "fault" then break end
	if s.far >= 0xC4000000 and s.far < 0xFF000000 and s.fsr & 0x40F == 0x005 then f = s end
until f
mm.expect(f ~= nil, "a section translation fault in the vmalloc area")
mm.expect_eq(mm.run().exit_code, 0, "test-vmalloc passes: every such fault was fixed up")
