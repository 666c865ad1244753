-- XN prefetch abort.
-- Lowmem data is mapped with execute-never sections (XN, bit 4), so the
-- kernel calling into a data buffer takes a prefetch abort: IFSR 0x00D
-- (section permission; the IFSR has no domain and no WnR) and IFAR = the
-- branch target.  Why: W^X for the kernel's own memory.
mm.boot{workload="probe", args="exec"}
local buf = mm.run_until{marker="ready"}.buf
local walk = mm.walk(buf, {fetch=true})
mm.expect(walk.steps[1].fields:find("xn") ~= nil, "the section descriptor has XN")
mm.expect_eq(walk.fsr, 0x00D, "a fetch from it is a section permission fault")
mm.run_until{marker="exec"}
local f = mm.expect_fault{va=buf, fsr=0x00D, within=10000}
mm.expect_eq(f and f.kind, "prefetch", "delivered as a prefetch abort")
mm.expect_eq(mm.cp15("ifar"), buf, "IFAR holds the target")
mm.expect_eq(mm.run().exit_code, 0, "the probe returns from the call and goes on")
