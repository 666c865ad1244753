-- Permission fault on a read-only section.
-- A 1 MB section with AP[2] (APX, bit 15) set is read-only even for the
-- kernel.  A write to it takes a section permission fault: DFSR 0x80D
-- (FS 0x0D, WnR set, domain 0).  Linux's do_sect_fault has nothing to fix
-- there; the probe workload records the abort and goes on.
-- Why: changing a live descriptor needs a TLB flush, or the old RW
-- translation would go on being used (see stale_tlb_missing_tlbi.lua).
mm.boot{workload="probe", args="write"}
local buf = mm.run_until{marker="ready"}.buf

local pte = mm.pte(buf)
mm.write32(pte.l1_addr, pte.l1 | 0x8000)   -- APX: read-only at PL1 too
mm.tlb_flush{va=buf}                        -- as the kernel would after the change
mm.expect_eq(mm.walk(buf, {write=true}).fsr, 0x80D, "the walker predicts a section permission fault")

mm.run_until{marker="write"}
mm.expect_fault{va=buf + 4, fsr=0x80D, within=10000, message="the kernel's write"}
mm.expect_eq(mm.cp15("dfsr"), 0x80D, "the guest read the model's FSR from DFSR")
mm.expect_eq(mm.run().exit_code, 0, "the probe goes on")
