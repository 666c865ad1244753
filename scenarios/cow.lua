-- Copy-on-write after fork.
-- fork() makes every private writable page read-only in both processes.
-- The child's first write to one takes a page permission fault (0x81F);
-- do_wp_page copies the page and maps the copy writable.  mm.tasks() shows
-- parent and child, each with its own ASID and page tables.
mm.boot{workload="test-cow"}
local seen
repeat
	local s = mm.run_until{fault=0x81F, insns=20000000}
	if s.reason ~= "fault" then break end
	if #mm.tasks() >= 2 then seen = s end
until seen
mm.expect(seen ~= nil, "a write fault while two tasks exist")
local tasks = mm.tasks()
mm.expect(#tasks >= 2 and tasks[1].asid ~= tasks[2].asid, "parent and child have different ASIDs")
mm.expect(#tasks >= 2 and tasks[1].pgd ~= tasks[2].pgd, "and different page tables")
mm.expect_eq(mm.run().exit_code, 0, "test-cow passes")
mm.expect(mm.console():find("test%-cow: 0 failures") ~= nil, "its own checks held")
