-- must fail: mm.expect_eq shows both values
mm.expect_eq(0x17, 0x1F, "FSR of a young fault")
