/* Thumb-2 half of the exception self-test: SVC (LR = next instruction, +2),
 * a data abort in Thumb code (LR = PC+8, retried), an undefined Thumb
 * instruction, and a semihosting call in its Thumb form (SVC 0xAB). */
#include "workloads.h"
#include "semihost.h"

int selftest_thumb(void)
{
	unsigned before = selftest_failures;
	register uint32_t r0 __asm__("r0") = 40;
	register uint32_t r1 __asm__("r1") = 2;
	register uint32_t r7 __asm__("r7") = SYS_TEST_ADD;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r7) : "lr", "memory", "cc");
	selftest_expect(r0 == 42, "thumb: svc returns r0+r1", r0, 42);

	unsigned aborts = selftest_dabt.count;
	selftest_map_on_fault();
	uint32_t v = *(volatile uint32_t *)0x00700004u;
	selftest_expect(v == selftest_alias(4), "thumb: translation fault retried", v, selftest_alias(4));
	selftest_expect(selftest_dabt.count == aborts + 1, "thumb: one abort", selftest_dabt.count, aborts + 1);
	selftest_expect(selftest_dabt.far == 0x00700004u, "thumb: DFAR", selftest_dabt.far, 0x00700004u);

	unsigned undefs = selftest_undef.count;
	__asm__ volatile("udf #1" ::: "memory");
	selftest_expect(selftest_undef.count == undefs + 1, "thumb: undefined trapped",
			selftest_undef.count, undefs + 1);
	selftest_expect((selftest_undef.fsr & PSR_T) != 0, "thumb: SPSR has T set",
			selftest_undef.fsr & PSR_T, PSR_T);

	semihost_call(SYS_WRITE0, MARKER_PREFIX "thumb\n");
	return (int)(selftest_failures - before);
}
