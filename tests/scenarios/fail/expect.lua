-- must fail: mm.expect with a false condition
mm.expect(1 == 2, "one is two")
