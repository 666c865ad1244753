-- must fail: with its TLBI the remap leaves no stale entry
mm.boot{workload="probe", args="read remap read"}
local buf = mm.run_until{marker="ready"}.buf
mm.expect_hazard{va=buf, within=50000}
