-- External abort on the level-2 walk.
-- With layout=pages, lowmem is mapped by small pages, so every walk reads
-- a level-2 descriptor.  A bus error on that fetch is FS 0x0E, which
-- (unlike 0x0C) carries the domain of the level-1 entry: here domain 0,
-- so DFSR 0x00E.  The injection touches only the one page.
mm.boot{workload="probe", layout="pages", args="read"}
local buf = mm.run_until{marker="ready"}.buf
mm.expect_eq(mm.walk(buf).kind, "small", "the buffer is mapped by small pages")
mm.inject{kind="walk_abort", va=buf, level=2}
mm.expect_eq(mm.walk(buf + 0x1000).result, "ok", "the next page still translates")
mm.run_until{marker="read"}
mm.expect_fault{va=buf + 4, fsr=0x00E, within=10000}
mm.expect_eq(mm.run().exit_code, 0, "the probe goes on")
