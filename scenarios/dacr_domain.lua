-- Domain fault from a DACR change.
-- Every L1 descriptor (section or page table) names one of 16 domains;
-- DACR gives each domain no access (00), client (01: AP and XN checked) or
-- manager (11).  The guest runs with DACR 0x55 (domains 0-3 client), so
-- the other domains are no-access.  Here the probe buffer's MB is moved
-- to domain 5 (descriptor change + TLBI), domain 5 made client, and a read
-- fills the TLB.  Then DACR alone is changed back to no-access for domain
-- 5: DACR is applied at lookup, not at fill, so the cached translation
-- faults too.  The fault is a domain fault carrying the domain: FS 0x09
-- for a section (DFSR 0x059), FS 0x0B for a page (DFSR 0x05B, under
-- layout=pages, where the domain comes from the L1 page-table entry).
-- Why: domains were Linux's way to switch the kernel's view of user
-- memory (set_fs, software PAN) with one register write and no TLB flush.
local function domain_fault(layout, kind, fsr)
	mm.boot{workload="probe", layout=layout, args="read read read"}
	local buf = mm.run_until{marker="ready"}.buf
	local dacr = mm.dacr()
	mm.expect_eq(dacr, 0x55, layout .. ": DACR_INIT, domains 0-3 client")
	local p = mm.pte(buf)
	mm.expect_eq(mm.walk(buf).kind, kind, layout .. ": buf is mapped by a " .. kind .. " descriptor")
	mm.write32(p.l1_addr, (p.l1 & ~0x1E0) | (5 << 5))   -- L1 domain field [8:5] = 5
	mm.tlb_flush{va=buf}
	mm.expect_eq(mm.walk(buf).fsr, fsr, layout .. ": domain 5 is no-access: the walker says so")
	mm.dacr(dacr | (1 << 10))                           -- domain 5: client
	mm.expect_eq(mm.walk(buf).domain, 5, layout .. ": client now, it translates in domain 5")
	mm.run_until{marker="read"}
	mm.expect_delta("faults_domain", 0, function()
		mm.run_until{marker="read"}
	end, layout .. ": the first read")
	mm.dacr(dacr)                                       -- domain 5: no access again, no TLBI
	mm.expect_fault{va=buf + 4, fsr=fsr, within=10000, message=layout .. ": the second read"}
	mm.dacr(dacr | (1 << 10))
	mm.run_until{marker="read"}
	mm.expect_delta("faults_domain", 0, function()
		mm.run_until{marker="done"}
	end, layout .. ": client again, the third read")
	mm.write32(p.l1_addr, p.l1)
	mm.tlb_flush{va=buf}
	mm.dacr(dacr)
	mm.expect_eq(mm.run().exit_code, 0, layout .. ": the probe goes on")
end
domain_fault("sections", "section", 0x059)
domain_fault("pages", "small", 0x05B)
