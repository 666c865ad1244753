-- Large-page replication mistakes caught.
-- A 64 KB large page is one L2 descriptor written into 16 consecutive
-- entries, starting at an index that is a multiple of 16: the walker
-- reads only the entry VA[19:12] selects, and takes PA[15:12] from the VA.
-- A TLB entry filled from any copy covers the whole 64 KB, so a wrong copy
-- is invisible while another copy's entry is cached, and changes the
-- translation of all 64 KB when it is the one walked: the result depends
-- on which page was touched first (UNPREDICTABLE in the architecture).
-- Walking every 4 KB page of the block and comparing catches it; so does
-- the model, which compares the 16 copies on every walk of a large page
-- (counter replica_mismatches).
-- layout=large maps lowmem, the probe's buffer with it, with large pages.
mm.boot{workload="probe", layout="large", args="read"}
local buf = mm.run_until{marker="ready"}.buf
local w = mm.walk(buf)
mm.expect_eq(w.kind, "large", "the buffer is mapped by large pages")
mm.expect_eq(w.size, 0x10000, "of 64 KB")
local first = mm.pte(buf).hw_addr
mm.expect_eq(first & 0x3F, 0, "its first copy is 16-aligned in the L2 table (64 bytes)")
local desc = mm.read32(first)
local function wrong_copies()
	local bad = {}
	for i = 0, 15 do
		local x = mm.walk(buf + i * 0x1000)
		if x.result ~= "ok" or x.pa ~= w.pa + i * 0x1000 then bad[#bad + 1] = i end
	end
	return bad
end
local same = 0
for i = 0, 15 do
	if mm.read32(first + 4 * i) == desc then same = same + 1 end
end
mm.expect_eq(same, 16, "the guest wrote 16 identical copies")
mm.expect_eq(#wrong_copies(), 0, "every 4 KB of the block translates consistently")

-- The mistake: copy 7 points one large page further.
mm.write32(first + 7 * 4, desc + 0x10000)
local bad = wrong_copies()
mm.expect_eq(#bad, 1, "one copy differs")
mm.expect_eq(bad[1], 7, "the one written")

-- What a TLB makes of it: filled from copy 0, page 7 hits that entry.
mm.tlb_flush{va=buf}
mm.expect_delta("replica_mismatches", 1, function()
	mm.tlb_insert{va=buf}
end, "the model's walk of copy 0 finds copy 7 differs")
mm.expect_delta("walks_d", 0, function()
	mm.tlb_insert{va=buf + 0x7000}
end, "page 7 is served from copy 0's entry: no walk reads the wrong copy")
-- Filled from copy 7 instead, the whole block is 64 KB off, page 0 too.
mm.tlb_flush{va=buf + 0x7000}   -- one TLBIMVA anywhere in the block drops it
mm.tlb_insert{va=buf + 0x7000}
local entry
for _, e in ipairs(mm.tlb("main")) do
	if e.va == buf and e.size == 0x10000 then entry = e end
end
mm.expect(entry ~= nil, "one 64 KB entry for the block")
mm.expect_eq(entry and entry.pa, w.pa + 0x10000, "page 0 now translates 64 KB off")

mm.write32(first + 7 * 4, desc)
mm.tlb_flush{va=buf}
mm.expect_eq(#wrong_copies(), 0, "put back, consistent again")
mm.expect_eq(mm.run().exit_code, 0, "the probe's read goes through")
