-- Young-bit translation fault and its fix-up.
-- ARMv7 short descriptors have no "accessed" bit that the hardware sets
-- (AFE = 0 under Linux), so Linux emulates L_PTE_YOUNG with faults: an old
-- page keeps its Linux PTE (present, PFN) but its hardware twin is 0, so
-- any access takes a page translation fault, FS 0x07.  In the DFSR that is
-- 0x017 (domain 1, the user domain); in the IFSR, which has no domain
-- field, 0x007.  The hardware cannot tell an old page from an unmapped one:
-- only the Linux PTE, 2 KB below, can.  The fix-up sets YOUNG and rewrites
-- the hardware PTE; the timer's aging pass clears YOUNG again (hw -> 0,
-- TLB flushed), and the next access refaults.  Why: this is how Linux
-- finds out which pages are in use, on a core that never tells it.
-- test-young-dirty maps 8 pages at TASK_UNMAPPED_BASE (its first mmap)
-- and reads, writes, waits for an aging pass and reads them again.
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
mm.expect(pte.hw & 0x200 ~= 0, "... read-only (APX) until written: clean")

-- Wait for the read after the aging pass: the guest stops at the abort,
-- before its handler runs, so the PTE is seen as the aging left it.
repeat
	s = mm.run_until{fault=0x017, insns=2e7}
until s.reason ~= "fault" or s.far == P
mm.expect_eq(s.reason, "fault", "page 0 faulted again after the aging pass")
pte = mm.pte(P)
mm.expect(pte.linux & 1 == 1, "aged: the Linux PTE is still present")
mm.expect_eq(pte.linux & 2, 0, "... but old")
mm.expect_eq(pte.hw, 0, "... so its hardware PTE is a fault")
mm.expect_eq(mm.walk(P, {user=true}).fsr, 0x017, "the walker gives a page translation fault")
local f = mm.expect_fault{fsr=0x007, message="an aged code page refaults on fetch"}
mm.expect_eq(f and f.kind, "prefetch", "... as a prefetch abort (IFSR has no domain)")
mm.expect_fault{va=P, fsr=0x017, message="the read of the aged page"}

mm.run_until{va=P}                              -- the retried read
pte = mm.pte(P)
mm.expect(pte.linux & 2 ~= 0, "fixed up: young again")
mm.expect(pte.hw & 2 ~= 0, "... valid in hardware")
mm.expect_eq(pte.hw & 0x200, 0, "... and writable: the page was already dirty")
mm.expect_eq(mm.walk(P, {user=true, write=true}).result, "ok", "a user write now translates")
mm.expect_eq(mm.run().exit_code, 0, "test-young-dirty passes")
mm.expect(mm.console():find("test%-young%-dirty: 0 failures") ~= nil, "its own counts held")
