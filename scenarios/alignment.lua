-- Alignment fault.
-- LDREX/STREX (and LDRD, LDM) need an aligned address even with
-- SCTLR.A = 0, as Linux runs.  The fault comes before any walk: DFSR 0x001,
-- no domain.  Why: the alignment check has the highest priority of all.
mm.boot{workload="probe", args="unaligned"}
local buf = mm.run_until{marker="ready"}.buf
mm.expect_eq(mm.cp15("sctlr") & 2, 0, "SCTLR.A is clear")
mm.run_until{marker="unaligned"}
mm.expect_delta("walks_d", 0, function()
	mm.expect_fault{va=buf + 2, fsr=0x001, within=10000, message="LDREX at buf + 2"}
end, "no walk for an alignment fault")
mm.expect_eq(mm.run().exit_code, 0, "the probe goes on")
