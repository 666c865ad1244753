/* Exception-path self-test: SVC, data aborts of three kinds, a prefetch
 * abort, an undefined instruction and timer IRQs, each with the FSR/FAR the
 * architecture requires, read back from DFSR/DFAR and IFSR/IFAR.  The Thumb
 * half lives in selftest_thumb.c.  Exit 0 only when everything held. */
#include "workloads.h"

#define SECT_RW  0x40Eu               /* section, AP=001 kernel RW, C B, domain 0 */
#define SECT_RO  (0x40Eu | (1u << 15)) /* APX=1: AP=101 kernel RO */
#define SECT_DOMAIN(d) ((d) << 5)

struct abort_record selftest_dabt, selftest_undef;
static struct abort_record pabt;
unsigned selftest_failures;
static volatile unsigned ticks;
static uint32_t test_pa;

static uint32_t *pgd(void)
{
	return (uint32_t *)(PAGE_OFFSET + SWAPPER_PG_DIR_OFF);
}

static void set_section(uint32_t va, uint32_t pa, uint32_t prot)
{
	pgd()[va >> 20] = (pa & 0xFFF00000u) | prot;
	flush_tlb_kernel_page(va);
}

/* The lowmem alias of the test section, to check what went through it. */
uint32_t selftest_alias(uint32_t offset)
{
	return *(volatile uint32_t *)(test_pa - PHYS_OFFSET + PAGE_OFFSET + offset);
}

void selftest_expect(bool ok, const char *what, uint32_t got, uint32_t want)
{
	if (!ok) {
		selftest_failures++;
		printk("FAIL %s: got 0x%08lx, want 0x%08lx\n", what, got, want);
	} else {
		printk("ok   %s\n", what);
	}
}
#define EXPECT_EQ(what, got, want) \
	selftest_expect((uint32_t)(got) == (uint32_t)(want), what, (uint32_t)(got), (uint32_t)(want))

static void record(struct abort_record *r, uint32_t far, uint32_t fsr)
{
	r->count++;
	r->far = far;
	r->fsr = fsr;
}

static bool map_on_fault(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	(void)regs;
	record(&selftest_dabt, far, fsr);
	set_section(far, test_pa, SECT_RW);
	return true;
}

void selftest_map_on_fault(void)
{
	fw_data_abort_hook = map_on_fault;
}

static bool make_writable(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	(void)regs;
	record(&selftest_dabt, far, fsr);
	set_section(far, test_pa, SECT_RW);
	return true;
}

static bool open_domain5(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	(void)regs;
	record(&selftest_dabt, far, fsr);
	uint32_t dacr = CP15_READ(c3, 0, c0, 0) | (1u << 10); /* domain 5: client */
	CP15_WRITE(c3, 0, c0, 0, dacr);
	isb();
	return true;
}

extern char prefetch_landing[];
__asm__(".arm\n.type prefetch_landing, %function\nprefetch_landing:\n\tmov r0, #7\n\tbx lr\n");

static bool land_elsewhere(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	record(&pabt, far, fsr);
	regs->pc = (uint32_t)prefetch_landing; /* returns 7 to the caller's lr */
	return true;
}

static bool skip_undefined(struct fw_regs *regs)
{
	record(&selftest_undef, regs->pc, regs->cpsr);
	return true; /* the frame's pc is already the next instruction */
}

static void count_tick(unsigned irq)
{
	(void)irq;
	ticks++;
}

static uint32_t svc_call(uint32_t nr, uint32_t a0, uint32_t a1)
{
	register uint32_t r0 __asm__("r0") = a0;
	register uint32_t r1 __asm__("r1") = a1;
	register uint32_t r7 __asm__("r7") = nr;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r7) : "lr", "memory", "cc");
	return r0;
}

int workload_selftest(const char *args)
{
	(void)args;
	test_pa = PHYS_OFFSET + 0x02000000u;
	volatile uint32_t *alias = (volatile uint32_t *)(PAGE_OFFSET + 0x02000000u);

	EXPECT_EQ("svc returns r0+r1 in ARM state", svc_call(SYS_TEST_ADD, 40, 2), 42);

	/* Section translation fault on a read; the handler maps the MB and the
	 * load is re-executed (data abort returns to LR-8). */
	alias[1] = 0xCAFEF00Du;
	fw_data_abort_hook = map_on_fault;
	uint32_t v = *(volatile uint32_t *)0x00300004u;
	EXPECT_EQ("translation fault: load retried", v, 0xCAFEF00Du);
	EXPECT_EQ("translation fault: one abort", selftest_dabt.count, 1);
	EXPECT_EQ("translation fault: DFAR", selftest_dabt.far, 0x00300004u);
	/* The domain field of an L1 translation fault is UNKNOWN: mask it. */
	EXPECT_EQ("translation fault: DFSR (section, read)", selftest_dabt.fsr & ~0xF0u, 0x005);

	/* Section permission fault on a write to a kernel read-only section. */
	set_section(0x00400000u, test_pa, SECT_RO);
	fw_data_abort_hook = make_writable;
	*(volatile uint32_t *)0x00400008u = 0x12345678u;
	EXPECT_EQ("permission fault: store retried", alias[2], 0x12345678u);
	EXPECT_EQ("permission fault: DFAR", selftest_dabt.far, 0x00400008u);
	EXPECT_EQ("permission fault: DFSR (section, write, domain 0)", selftest_dabt.fsr, 0x80D);

	/* Domain fault: domain 5 is no-access in DACR 0x55. */
	set_section(0x00500000u, test_pa, SECT_RW | SECT_DOMAIN(5));
	fw_data_abort_hook = open_domain5;
	v = *(volatile uint32_t *)0x0050000Cu;
	alias[3] = 0;
	EXPECT_EQ("domain fault: DFAR", selftest_dabt.far, 0x0050000Cu);
	EXPECT_EQ("domain fault: DFSR (section, domain 5)", selftest_dabt.fsr, 0x059);
	EXPECT_EQ("domain fault: three aborts so far", selftest_dabt.count, 3);

	/* A conditional MCR whose condition fails must not reach the model:
	 * the host compares its CP15 shadow with the CPU's at exit. */
	uint32_t dacr = CP15_READ(c3, 0, c0, 0);
	__asm__ volatile("cmp %0, %0\n\tmcrne p15, 0, %1, c3, c0, 0" :: "r"(dacr), "r"(0u) : "cc");
	EXPECT_EQ("mcrne with Z set leaves DACR alone", CP15_READ(c3, 0, c0, 0), dacr);

	/* Prefetch abort: a call into an unmapped MB. */
	fw_prefetch_abort_hook = land_elsewhere;
	uint32_t (*nowhere)(void) = (uint32_t (*)(void))0x00600000u;
	EXPECT_EQ("prefetch abort: handler redirected the call", nowhere(), 7);
	EXPECT_EQ("prefetch abort: IFAR", pabt.far, 0x00600000u);
	EXPECT_EQ("prefetch abort: IFSR (section translation)", pabt.fsr, 0x005);

	/* Undefined instruction (UDF #0), skipped by the handler. */
	fw_undefined_hook = skip_undefined;
	__asm__ volatile(".word 0xe7f000f0" ::: "memory");
	EXPECT_EQ("undefined instruction: one trap", selftest_undef.count, 1);

	/* Timer IRQs through the GIC. */
	fw_timer_hook = count_tick;
	timer_start_periodic(2000);
	local_irq_enable();
	for (unsigned spin = 0; ticks < 3 && spin < 200000000u; spin++)
		__asm__ volatile("" ::: "memory");
	local_irq_disable();
	timer_stop();
	selftest_expect(ticks >= 3, "timer: three ticks delivered", ticks, 3);

	unsigned thumb_failures = selftest_thumb();
	EXPECT_EQ("thumb half", thumb_failures, 0);
	fw_data_abort_hook = 0;
	fw_prefetch_abort_hook = 0;
	fw_undefined_hook = 0;
	printk("selftest: %u failures\n", selftest_failures);
	return selftest_failures ? 1 : 0;
}
