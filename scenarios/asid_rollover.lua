-- ASID rollover.
-- User PTEs are non-global (nG), so their TLB entries are tagged with the
-- 8-bit ASID in CONTEXTIDR and a switch needs no flush.  ASIDs are handed
-- out from 1 (0 is never a task's) with a generation above them in the
-- mm's context id; when ASID 255 is used up, the next mm that needs one
-- bumps the generation, flushes the whole TLB (TLBIALL) and starts again
-- at ASID 1.  Every mm of the old generation gets a new ASID at its next
-- switch.  Why: without that flush, the new owner of ASID 1 would hit the
-- old owner's entries -- the hazard QEMU hides, since it flushes its TLB
-- on every CONTEXTIDR write.
-- test-asid: the parent (the first mm: ASID 1) forks 300 short-lived
-- children in turn; child k first runs with ASID k + 1, so child 254 has
-- ASID 255 and child 255 causes the rollover.
mm.boot{workload="test-asid"}
local function find(pred)
	for _, t in ipairs(mm.tasks()) do
		if t.asid and pred(t) then return t end
	end
end
local function run_to(pred, what)
	for _ = 1, 20000 do
		local t = find(pred)
		if t then return t end
		if mm.run{insns=2000}.reason == "exit" then break end
	end
	mm.expect(false, "never saw " .. what)
end
local parent = run_to(function(t) return t.pid == 1 and t.generation > 0 end, "the parent")
mm.expect_eq(parent.asid, 1, "the parent has ASID 1")
local gen = parent.generation
mm.expect_eq(gen, 1, "of generation 1")
local last = run_to(function(t) return t.asid == 255 end, "ASID 255")
mm.expect_eq(last.generation, gen, "ASID 255 is still generation 1")
mm.expect_eq(last.pid, 255, "given to child 254, pid 255")
local flushes = mm.stats().flush_tlbiall
local new = run_to(function(t) return t.generation > gen end, "a new generation")
mm.expect_eq(new.generation, gen + 1, "the generation moved on by one")
mm.expect_eq(new.pid, 256, "at child 255, pid 256")
mm.expect_eq(new.asid, 1, "which starts the new generation at ASID 1, the parent's old one")
mm.expect_eq(mm.stats().flush_tlbiall - flushes, 1, "with one TLBIALL")
local p = find(function(t) return t.pid == 1 end)
mm.expect_eq(p.generation, gen, "the parent keeps its stale ASID until it runs again")
-- No entry filled under the parent's ASID 1 survived the flush: the
-- non-global entries now in the main TLB are the child's, filled since.
local others = 0
for _, e in ipairs(mm.tlb("main")) do
	if not e.global and e.asid ~= new.asid then others = others + 1 end
end
mm.expect_eq(others, 0, "no non-global entry of another ASID in the main TLB")
p = run_to(function(t) return t.pid == 1 and t.generation > gen end, "the parent's new ASID")
mm.expect_eq(p.asid, 2, "the parent, switched in again, gets ASID 2")
local r = mm.run()
mm.expect_eq(r.exit_code, 0, "test-asid passes")
mm.expect(mm.console():find("test%-asid: 0 failures") ~= nil, "every child saw the parent's data")
