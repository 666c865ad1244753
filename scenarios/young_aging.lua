-- The opt-in aging scan (init's aging=TICKS).
-- Linux clears young bits only when it reclaims; for demonstrations the
-- kernel can also scan every TICKS timer ticks, as idle-page tracking
-- does on demand: every young user PTE is made old (hardware PTE 0, TLB
-- flushed), so code and data pages alike refault on their next use.  A
-- code page refaults on fetch as a prefetch abort, IFSR 0x007 (the IFSR
-- has no domain field); a data page as a data abort, DFSR 0x017.
-- The workload: seq over 1 MB, 50 passes (some 5 M instructions), with
-- the scan every 8 ticks (400,000 instructions).
local P = 0x40000000   -- seq's mapping: its first mmap
mm.boot{workload="seq", args="mb=1 passes=50 aging=8"}
mm.run_until{marker="seq-start"}
local before = mm.stats().faults_translation
local f = mm.expect_fault{fsr=0x007, within=2e6, message="after a pass, a code page refaults on fetch"}
mm.expect_eq(f and f.kind, "prefetch", "... as a prefetch abort")
local pte = mm.pte(f and f.far or 0)
mm.expect(pte.linux & 3 == 1, "... its Linux PTE present but old")
mm.expect_eq(pte.hw, 0, "... and its hardware PTE 0")
local d = mm.expect_fault{fsr=0x017, within=1e6, message="the loop's data pages refault too"}
mm.expect(d and d.far >= P and d.far < P + 0x100000, "... in seq's buffer")
mm.expect(mm.stats().faults_translation > before, "translation faults counted")
mm.expect_eq(mm.run().exit_code, 0, "seq ends normally")
mm.expect(mm.console():find("aging_passes [1-9]") ~= nil, "the guest counted its aging passes")
