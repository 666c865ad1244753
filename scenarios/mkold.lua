-- mkold, then re-reference.
-- pte_mkold clears L_PTE_YOUNG; set_pte_ext then writes 0 to the hardware
-- PTE, though the Linux PTE stays present with its PFN.  Done the way
-- ptep_clear_flush_young does it -- the PTE change, then a TLBIMVA for the
-- page -- the next access to the page takes a page translation fault
-- (DFSR 0x017, user domain 1), handle_pte_fault sets YOUNG again and the
-- access retries.  Done without the flush (ptep_test_and_clear_young) the
-- TLB keeps the old entry: the next access is served from it, and the
-- model flags a stale-TLB hazard.  Linux accepts that on purpose -- the
-- page is merely thought unused for a while -- but it shows why "old"
-- means nothing to a TLB until the entry is invalidated.
-- The workload: seq mb=1 writes every page, then reads and writes one word per 64 bytes of its
-- 1 MB mapping at TASK_UNMAPPED_BASE, page after page.
local Q, R = 0x40005000, 0x40006000
mm.boot{workload="seq", args="mb=1 passes=2"}  -- its pages are written before seq-start
mm.run_until{marker="seq-start"}
mm.run_until{va=Q}          -- page Q was faulted in, dirtied, and is in use
local asid = mm.cp15("contextidr") & 0xFF
local pte = mm.pte(Q)
mm.expect_eq(pte.linux & 0x43, 0x43, "page Q: present, young, dirty")
mm.expect(pte.hw & 2 ~= 0, "... valid in hardware")

mm.pte_set(Q, {young=false})                  -- pte_mkold
mm.expect_eq(mm.pte(Q).hw, 0, "old: the hardware PTE is 0")
mm.expect_eq(mm.pte(Q).linux & 0x41, 0x41, "... the Linux PTE still present and dirty")
mm.tlb_flush{va=Q, asid=asid}                 -- flush_tlb_page
-- run_until stops at the block boundary after the access: seq's loop is
-- one block (the load and the store of a line), so line Q is done and the
-- next access is the load of line Q + 0x40: a page translation fault on a
-- read, DFSR 0x017.
mm.expect_fault{va=Q + 0x40, fsr=0x017, within=10000, message="the re-reference"}
mm.run_until{va=Q + 0x40}
pte = mm.pte(Q)
mm.expect_eq(pte.linux & 0x43, 0x43, "fixed up: young again, still dirty")
mm.expect_eq(pte.hw & 0x232, 0x032, "... valid and user read-write in hardware")

-- The same on page R, without the flush.
mm.run_until{va=R + 0x40}
-- Everything the kernel changed so far it flushed, as Linux does
-- (ptep_set_access_flags, ptep_clear_flush): no hazard yet.
mm.expect_eq(mm.stats().stale_hazards, 0, "no stale-TLB hazard before the unflushed mkold")
local before = mm.pte(R).hw
mm.pte_set(R, {young=false})
mm.expect_delta("faults_translation", 0, function()
	local h = mm.expect_hazard{va=R, within=1000, message="the next access to R"}
	mm.expect_eq(h and h.desc_level, 2, "the changed descriptor is R's L2 entry")
	mm.expect_eq(h and h.value_at_fill, before, "filled from the young PTE")
	mm.expect_eq(h and h.value_now, 0, "which is 0 now")
end, "served from the stale entry, no fault")
mm.expect_eq(mm.run().exit_code, 0, "seq ends normally")
