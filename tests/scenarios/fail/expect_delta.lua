-- must fail: a TLB flush removes entries
mm.boot{workload="probe"}
mm.run_until{marker="ready"}
mm.expect_delta("entries_invalidated", 0, function() mm.tlb_flush{all=true} end)
