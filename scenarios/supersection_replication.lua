-- Supersection replication mistakes caught.
-- A 16 MB supersection must be written into 16 consecutive, 16-aligned L1
-- entries that are all the same; the walker reads only the entry the VA
-- indexes, so a wrong copy changes the translation of one MB only, and
-- only when that MB is walked.  Walking every MB of the block and
-- comparing catches it; so does the model, which compares the 16 copies
-- on every walk of a supersection (counter replica_mismatches).
mm.boot{workload="probe", layout="supersections"}
mm.run_until{marker="ready"}
local base = 0xC0000000
mm.expect_eq(mm.walk(base).kind, "supersection", "lowmem starts with a supersection")
local function wrong_copies()
	local bad = {}
	for mb = 0, 15 do
		local va = base + mb * 0x100000
		local w = mm.walk(va)
		if w.result ~= "ok" or w.pa ~= mm.walk(base).pa + mb * 0x100000 then bad[#bad + 1] = mb end
	end
	return bad
end
mm.expect_eq(#wrong_copies(), 0, "all 16 copies agree")
local copy5 = mm.pte(base + 5 * 0x100000)
mm.write32(copy5.l1_addr, copy5.l1 + 0x01000000)   -- a copy pointing 16 MB further
local bad = wrong_copies()
mm.expect_eq(#bad, 1, "one copy differs")
mm.expect_eq(bad[1], 5, "the one written")
mm.tlb_flush{va=base}
mm.expect_delta("replica_mismatches", 1, function()
	mm.tlb_insert{va=base}
end, "the model's walk of copy 0 finds copy 5 differs")
mm.write32(copy5.l1_addr, copy5.l1)
mm.expect_eq(mm.run().exit_code, 0, "put back, the guest never used it")
