-- A missing TLBI caught as a stale-TLB hazard.
-- The probe remaps its buffer's section (store, then TLBIMVA) between two
-- reads.  With the TLBI dropped, the TLB keeps the old translation: the
-- next read is served from an entry whose descriptor has changed.  Real
-- hardware would silently read the old page and QEMU hides the bug; the
-- model flags it as a stale-TLB hazard.
mm.boot{workload="probe", args="read remap read"}
local buf = mm.run_until{marker="ready"}.buf
mm.run_until{marker="remap"}
mm.skip_tlbi{count=1}
mm.run_until{marker="read"}
mm.expect_eq(mm.stats().tlbi_skipped, 1, "the remap's TLBIMVA never reached the model")
local h = mm.expect_hazard{va=buf, within=10000, message="the read after the remap"}
mm.expect_eq(h and h.desc_level, 1, "the changed descriptor is the L1 section")
mm.expect_eq(h and (h.value_now ~ h.value_at_fill), 0x100000, "it now points 1 MB further")
mm.expect_eq(mm.run().exit_code, 0, "the probe ends")
