-- must fail: the probe's read does not fault
mm.boot{workload="probe", args="read"}
local buf = mm.run_until{marker="ready"}.buf
mm.expect_fault{va=buf + 4, fsr=0x005, within=20000}
