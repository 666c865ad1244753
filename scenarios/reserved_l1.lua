-- Reserved level-1 descriptor.
-- L1 type 0b11 is reserved on cores without PXN (Cortex-A5, A8, A9): the
-- walk gives a section translation fault, FS 0x05 (DFSR 0x005), just like
-- an empty entry.  (On Cortex-A7/A15 the same bits mean a PXN section.)
-- Linux's do_translation_fault then copies the entry from init_mm, so the
-- scenario puts the right value back before the guest's handler runs.
mm.boot{workload="probe", args="read"}
local buf = mm.run_until{marker="ready"}.buf
local pte = mm.pte(buf)
mm.write32(pte.l1_addr, pte.l1 | 3)
mm.tlb_flush{va=buf}
local walk = mm.walk(buf)
mm.expect_eq(walk.steps[1].kind, "reserved", "the walker decodes type 0b11 as reserved")
mm.expect_eq(walk.fsr, 0x005, "section translation fault")
local stop = mm.run_until{fault=true}
mm.expect_eq(stop.fsr, 0x005, "the guest took it")
mm.expect_eq(stop.far, buf + 4, "at the probe's read")
mm.write32(pte.l1_addr, pte.l1)
mm.expect_eq(mm.run().exit_code, 0, "the retried read went through")
