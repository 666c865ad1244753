-- Dirty-bit permission fault.
-- ARMv7 has no hardware dirty bit either.  set_pte_ext makes every clean
-- page (L_PTE_DIRTY clear) read-only in hardware (APX, bit 9), even in a
-- writable VMA, so the first write takes a page permission fault: FS 0x0F,
-- WnR set, user domain 1 -> DFSR 0x81F.  The VMA allows the write, so the
-- handler only sets L_PTE_DIRTY and rewrites the hardware PTE without APX;
-- later writes go through.  Why: Linux must know which pages to write back
-- or copy, and this fault is the only time it can find out.
-- A permission increase needs no TLBI (ARM_NOTES section 8), so the TLB
-- may still hold the read-only entry from the read: the retried write
-- then hits a stale entry.  A real core may fault once more (Linux calls
-- that spurious and flushes); QEMU and the model walk again.
local P = 0x40000000   -- test-young-dirty's mapping: its first mmap
mm.boot{workload="test-young-dirty"}
-- Its first step reads the 8 pages: page 0 is mapped young and clean.
local s
repeat
	s = mm.run_until{fault=0x81F, insns=2e7}
until s.reason ~= "fault" or s.far == P
mm.expect_eq(s.reason, "fault", "the first write to page 0 faulted")
local pte = mm.pte(P)
mm.expect_eq(pte.linux & 0x43, 0x03, "at the fault: present, young, not dirty")
mm.expect(pte.hw & 2 ~= 0, "... the hardware PTE is valid")
mm.expect(pte.hw & 0x230 == 0x230, "... AP[2:0] = 111: read-only for user and kernel")
mm.expect_eq(mm.walk(P, {user=true}).result, "ok", "a user read translates")
mm.expect_eq(mm.walk(P, {user=true, write=true}).fsr, 0x81F, "a user write: page permission fault")
mm.expect_fault{va=P, fsr=0x81F, message="the first write"}

local cached = false
for _, t in ipairs(mm.tlb("main")) do
	if t.va == P then cached = true end
end
mm.expect_delta("stale_refaults", cached and 1 or 0, function()
	mm.run_until{va=P}   -- the retried write
end, "a read-only entry the TLB kept is walked again, not faulted")
pte = mm.pte(P)
mm.expect_eq(pte.linux & 0x43, 0x43, "after the fix-up: present, young, dirty")
mm.expect_eq(pte.hw & 0x230, 0x030, "... AP[2:0] = 011: user read-write")
mm.expect_eq(mm.walk(P, {user=true, write=true}).result, "ok", "a user write translates")

-- The test writes p[i * 1024] to all 8 pages (7 more dirty faults), then
-- p[i * 1024 + 1]: every page is dirty already, so no permission fault.
mm.run_until{va=P + 4}
mm.expect_delta("faults_permission", 0, function()
	mm.run_until{va=P + 7 * 0x1000 + 4}
end, "the second writes to the 8 pages")
mm.expect_eq(mm.run().exit_code, 0, "test-young-dirty passes")
mm.expect(mm.console():find("test%-young%-dirty: 0 failures") ~= nil, "its own counts held")
