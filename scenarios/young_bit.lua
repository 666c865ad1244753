-- Young-bit translation fault and its fix-up.
-- ARMv7 short descriptors have no "accessed" bit that the hardware sets
-- (AFE = 0 under Linux), so Linux emulates L_PTE_YOUNG with faults: an old
-- page keeps its Linux PTE (present, PFN) but its hardware twin is 0, so
-- any access takes a page translation fault, FS 0x07.  In the DFSR that is
-- 0x017 (domain 1, the user domain); in the IFSR, which has no domain
-- field, 0x007.  The hardware cannot tell an old page from an unmapped one:
-- only the Linux PTE, 2 KB below, can.  The fix-up sets YOUNG and rewrites
-- the hardware PTE, flushing the page (ptep_set_access_flags).  Reclaim
-- clears YOUNG again under memory pressure (ptep_clear_flush_young: hw ->
-- 0, TLB flushed), as do MADV_FREE and the opt-in aging scan, and the next
-- access refaults.  Why: this is how Linux finds out which pages are in
-- use, on a core that never tells it.  (young_aging.lua: the aging scan.)
-- test-young-dirty maps 8 pages at TASK_UNMAPPED_BASE (its first mmap),
-- reads them (the zero page), writes them (copies), makes them old and
-- clean with MADV_FREE, and reads them again.
local P = 0x40000000
mm.boot{workload="test-young-dirty"}

-- The first page of the mapping: its 2 MB slot has no page table yet, so
-- the very first read is a section (L1) translation fault, FS 0x05.
local s = mm.run_until{fault=true, insns=5e6}
mm.expect_eq(s.far, P, "the first user fault in the mapping is at its start")
mm.expect_eq(s.fsr & 0x40F, 0x005, "an empty L1 slot: section translation fault")

-- The second page: the table exists now, its PTE is none -> FS 0x07.
mm.expect_fault{va=P + 0x1000, fsr=0x017, within=1e6, message="demand fault on the 2nd page"}
mm.run_until{va=P + 0x1000}                     -- the retried read
local pte = mm.pte(P + 0x1000)
mm.expect(pte.linux & 3 == 3, "after the fix-up: Linux PTE present and young")
mm.expect(pte.hw & 2 ~= 0, "... and the hardware PTE is a valid small page")
mm.expect(pte.hw & 0x200 ~= 0, "... read-only (APX): the shared zero page")

-- Wait for the read after MADV_FREE: the guest stops at the abort,
-- before its handler runs, so the PTE is seen as madvise left it.
mm.run_until{marker="young-dirty-aged"}
repeat
	s = mm.run_until{fault=0x017, insns=2e7}
until s.reason ~= "fault" or s.far == P
mm.expect_eq(s.reason, "fault", "page 0 faulted again after MADV_FREE")
pte = mm.pte(P)
mm.expect(pte.linux & 1 == 1, "old: the Linux PTE is still present")
mm.expect_eq(pte.linux & 2, 0, "... but old")
mm.expect_eq(pte.hw, 0, "... so its hardware PTE is a fault")
mm.expect_eq(mm.walk(P, {user=true}).fsr, 0x017, "the walker gives a page translation fault")
mm.expect_fault{va=P, fsr=0x017, message="the read of the old page"}

mm.run_until{va=P}                              -- the retried read
pte = mm.pte(P)
mm.expect(pte.linux & 2 ~= 0, "fixed up: young again")
mm.expect(pte.hw & 2 ~= 0, "... valid in hardware")
mm.expect(pte.hw & 0x200 ~= 0, "... and read-only: MADV_FREE left it clean")
mm.expect_eq(mm.walk(P, {user=true, write=true}).fsr, 0x81F, "a user write: the dirty-bit fault")
mm.expect_eq(mm.run().exit_code, 0, "test-young-dirty passes")
mm.expect(mm.console():find("test%-young%-dirty: 0 failures") ~= nil, "its own counts held")
