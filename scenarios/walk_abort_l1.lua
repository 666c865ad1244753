-- External abort on the level-1 walk.
-- When the bus answers a descriptor fetch with an error, the access takes
-- a synchronous external abort on the walk: FS 0x0C at level 1 (no
-- domain).  Linux's do_bad has no fix for it.  Injected here: the next
-- access to the probe's buffer gets exactly that FSR through the real
-- abort path, and the descriptor is intact afterwards.
mm.boot{workload="probe", args="read read"}
local buf = mm.run_until{marker="ready"}.buf
local l1 = mm.pte(buf).l1
mm.inject{kind="walk_abort", va=buf, level=1}
mm.run_until{marker="read"}
mm.expect_fault{va=buf + 4, fsr=0x00C, within=10000, message="the first read"}
mm.expect_eq(mm.pte(buf).l1, l1, "the L1 descriptor has its value back")
mm.expect_eq(mm.stats().injected, 1, "one injected abort")
mm.run_until{marker="read"}
mm.run_until{marker="done"}
mm.expect_eq(#mm.tlb("main") > 0, true, "translations are cached again")
mm.expect_eq(mm.run().exit_code, 0, "the second read went through")
