-- Dirty-bit permission fault.
-- ARMv7 has no hardware dirty bit either.  set_pte_ext makes every clean
-- page (L_PTE_DIRTY clear) read-only in hardware (APX, bit 9), even in a
-- writable VMA, so the first write takes a page permission fault: FS 0x0F,
-- WnR set, user domain 1 -> DFSR 0x81F.  The VMA allows the write, so the
-- handler sets L_PTE_DIRTY and rewrites the hardware PTE without APX, and
-- flushes the page (ptep_set_access_flags: on 32-bit ARM
-- flush_tlb_fix_spurious_fault is flush_tlb_page), so a read-only entry
-- the TLB kept cannot fault the retried write again.  Why: Linux must know
-- which pages to write back or swap, and this fault is the only time it
-- can find out.
-- Clean anonymous pages are rare: a read maps the shared zero page and
-- the first write copies it, dirty.  test-young-dirty makes its 8 pages
-- clean with MADV_FREE (marker young-dirty-aged), reads them (young
-- faults), then writes them: 8 dirty-bit faults.
local P = 0x40000000   -- test-young-dirty's mapping: its first mmap
mm.boot{workload="test-young-dirty"}
mm.run_until{marker="young-dirty-aged"}
local s
repeat
	s = mm.run_until{fault=0x81F, insns=2e7}
until s.reason ~= "fault" or s.far == P + 8   -- p[2]
mm.expect_eq(s.reason, "fault", "the first write to page 0 faulted")
local pte = mm.pte(P)
mm.expect_eq(pte.linux & 0x43, 0x03, "at the fault: present, young, not dirty")
mm.expect(pte.hw & 2 ~= 0, "... the hardware PTE is valid")
mm.expect(pte.hw & 0x230 == 0x230, "... AP[2:0] = 111: read-only for user and kernel")
mm.expect_eq(mm.walk(P, {user=true}).result, "ok", "a user read translates")
mm.expect_eq(mm.walk(P, {user=true, write=true}).fsr, 0x81F, "a user write: page permission fault")
mm.expect_fault{va=P + 8, fsr=0x81F, message="the first write"}
mm.expect_delta("stale_refaults", 0, function()
	mm.run_until{va=P + 8}   -- the retried write
end, "the fix-up flushed the page: the retried write walks afresh")
pte = mm.pte(P)
mm.expect_eq(pte.linux & 0x43, 0x43, "after the fix-up: present, young, dirty")
mm.expect_eq(pte.hw & 0x230, 0x030, "... AP[2:0] = 011: user read-write")
mm.expect_eq(mm.walk(P, {user=true, write=true}).result, "ok", "a user write translates")
-- The test then writes p[i * 1024 + 2] to all 8 pages (7 more dirty
-- faults), mprotects them read-only and back, and writes p[i * 1024 + 3]:
-- every page is dirty already, so no permission fault.
mm.run_until{va=P + 12}
mm.expect_delta("faults_permission", 0, function()
	mm.run_until{va=P + 7 * 0x1000 + 12}
end, "writes to the 8 dirty pages after mprotect back to read-write")
mm.expect_eq(mm.stats().stale_hazards, 0, "no stale-TLB hazard: every change was flushed")
mm.expect_eq(mm.run().exit_code, 0, "test-young-dirty passes")
mm.expect(mm.console():find("test%-young%-dirty: 0 failures") ~= nil, "its own counts held")
