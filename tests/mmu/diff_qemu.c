/* Differential test of mmu/ against QEMU's short-descriptor walker.
 *
 * Unicorn (QEMU inside) runs a small loop that translates a list of VAs with
 * ATS1CPR, ATS1CPW, ATS1CUR and ATS1CUW and stores each PAR; the same VAs go
 * through mmu_translate on the same RAM and registers, and the PARs must
 * match.  Each batch builds random L1/L2 tables (every descriptor kind,
 * random attributes, table bases outside RAM), a random TTBCR, DACR and
 * SCTLR.AFE/TRE, flushes QEMU's TLB and runs a few hundred VAs.  The code
 * runs with the MMU on through a fixed identity section in domain 15.
 *
 * An external abort on the walk is not a PAR value: the ATS operation takes
 * a Data Abort (ARM ARM B4.2.6; QEMU's do_ats_write), which the interrupt
 * hook records for that case before resuming after the MCR.
 *
 * Where QEMU departs from the architecture (DESIGN.md) the difference is
 * counted under its name instead of failing; anything else fails and prints
 * the seed and the case.
 *
 * usage: diff_qemu [--seed N] [--cases N] */
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "mmu/mmu.h"
#include "tests/check.h"

#define RAM_PA    0x40000000u
#define RAM_SIZE  0x00400000u
#define CODE      0x40000000u
#define INPUTS    0x40010000u
#define OUTPUTS   0x40020000u
#define TTB0      0x40100000u
#define TTB1      0x40104000u
#define L2_POOL   0x40108000u
#define L2_TABLES 48
#define VAS_PER_BATCH 256
#define OPS 4
#define ATS_ABORTED 0xFFFFFFFFu /* stands for "took a Data Abort": no PAR is all ones */

static bool aborted[VAS_PER_BATCH][OPS];

static uint8_t *ram;
static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic for a given seed on every host */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static unsigned pick(unsigned n) { return rnd() % n; }
static bool chance(unsigned percent) { return pick(100) < percent; }

static void put32(uint32_t pa, uint32_t v)
{
	uint8_t *p = ram + (pa - RAM_PA);
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(uint32_t pa)
{
	const uint8_t *p = ram + (pa - RAM_PA);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ATS loop: r0 = inputs, r1 = outputs, r2 = count. */
static void write_code(void)
{
	static const uint32_t loop[] = {
		0xE4903004, /* ldr  r3, [r0], #4 */
		0xEE073F18, /* mcr  p15, 0, r3, c7, c8, 0   ATS1CPR */
		0xF57FF06F, /* isb */
		0xEE174F14, /* mrc  p15, 0, r4, c7, c4, 0   PAR */
		0xE4814004, /* str  r4, [r1], #4 */
		0xEE073F38, /* ATS1CPW */
		0xF57FF06F,
		0xEE174F14,
		0xE4814004,
		0xEE073F58, /* ATS1CUR */
		0xF57FF06F,
		0xEE174F14,
		0xE4814004,
		0xEE073F78, /* ATS1CUW */
		0xF57FF06F,
		0xEE174F14,
		0xE4814004,
		0xE2522001, /* subs r2, r2, #1 */
		0x1AFFFFEC, /* bne  loop (-20 words from pc+8) */
		0xE320F000, /* nop: the stop address */
	};
	for (unsigned i = 0; i < sizeof loop / sizeof loop[0]; i++)
		put32(CODE + 4 * i, loop[i]);
}

#define CODE_END (CODE + 19 * 4)

static uint32_t random_attrs_section(void)
{
	return (rnd() & 0x000BFDFC) & ~(1u << 18); /* all but type, bit 18 */
}

static uint32_t random_l1(void)
{
	uint32_t l2 = L2_POOL + pick(L2_TABLES) * 0x400;
	switch (pick(20)) {
	case 0: case 1:
		return rnd() & ~3u; /* fault, junk in the ignored bits */
	case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		if (chance(6))
			l2 = 0x80000000u | (rnd() & 0x0FFFFC00u); /* outside RAM */
		else if (chance(4)) /* anywhere above the outputs, which change mid-batch */
			l2 = TTB0 + (rnd() % (RAM_PA + RAM_SIZE - TTB0) & ~0x3FFu);
		return l2 | (rnd() & 0x3FC) | 1;
	case 9:
		return (rnd() & ~3u) | 3; /* reserved without PXN */
	case 10: case 11:
		return (rnd() & 0xFFFFFFFCu) | 1u << 18 | 2; /* supersection, random extended bits */
	default:
		return (rnd() & 0xFFF00000u) | random_attrs_section() | 2;
	}
}

/* Large pages are rare per entry because most are replicated over 16. */
static uint32_t random_l2(void)
{
	unsigned p = pick(100);
	if (p < 20)
		return rnd() & ~3u;
	if (p < 24)
		return (rnd() & ~3u) | 1;
	return rnd() | 2; /* small; XN (bit 0) random */
}

struct batch {
	mmu_regime regime;
	uint32_t vas[VAS_PER_BATCH];
	unsigned nvas;
};

/* Random tables and registers; the identity section for the code goes in
 * last, in whichever table translates the code's VA. */
static void make_batch(struct batch *b, uint32_t sctlr_base, bool non_secure)
{
	memset(ram + (TTB0 - RAM_PA), 0, 0x8000 + L2_TABLES * 0x400);
	unsigned n = chance(50) ? 0 : pick(8);
	uint32_t ttbcr = n;
	bool code_in_ttbr1 = n && (CODE >> (32 - n));
	if (chance(10))
		ttbcr |= code_in_ttbr1 ? MMU_TTBCR_PD0 : MMU_TTBCR_PD1;

	unsigned l1_used[600], nused = 0;
	for (unsigned i = 0; i < 512; i++) {
		unsigned index = pick(4096);
		uint32_t d = random_l1();
		bool ss = (d & 3) == 2 && (d & (1u << 18));
		unsigned copies = ss && chance(80) ? 16 : 1;
		if (copies == 16)
			index &= ~15u;
		for (unsigned c = 0; c < copies; c++) {
			put32(TTB1 + (index + c) * 4, d);
			if (index + c < (4096u >> n)) /* TTBR0's table is 16 KB >> N */
				put32(TTB0 + (index + c) * 4, d);
		}
		if (nused < 600)
			l1_used[nused++] = index;
	}
	for (unsigned t = 0; t < L2_TABLES; t++) {
		for (unsigned i = 0; i < 256; i++) {
			uint32_t d = random_l2();
			unsigned copies = (d & 3) == 1 && chance(80) ? 16 : 1;
			unsigned at = copies == 16 ? i & ~15u : i;
			for (unsigned c = 0; c < copies; c++)
				put32(L2_POOL + t * 0x400 + (at + c) * 4, d);
			if (copies == 16)
				i = at + 15;
		}
	}
	uint32_t identity = CODE | 3u << 10 | 15u << 5 | 2;
	put32((code_in_ttbr1 ? TTB1 : TTB0) + (CODE >> 20) * 4, identity);

	/* Half the batches all client/manager, so translations also succeed. */
	uint32_t dacr = chance(50) ? rnd() : 0x55555555u | (rnd() & 0xAAAAAAAAu);
	dacr = (dacr & 0x3FFFFFFFu) | (chance(50) ? 1u : 3u) << 30;
	uint32_t sctlr = (sctlr_base & ~(MMU_SCTLR_A | MMU_SCTLR_AFE | MMU_SCTLR_TRE)) | MMU_SCTLR_M;
	if (chance(40))
		sctlr |= MMU_SCTLR_AFE;
	if (chance(50))
		sctlr |= MMU_SCTLR_TRE;
	b->regime = (mmu_regime){ .sctlr = sctlr, .ttbr0 = TTB0 | (rnd() & 0x5B), .ttbr1 = TTB1,
				  .ttbcr = ttbcr, .dacr = dacr, .prrr = rnd(), .nmrr = rnd(),
				  .non_secure = non_secure };

	b->nvas = VAS_PER_BATCH;
	for (unsigned i = 0; i < b->nvas; i++) {
		uint32_t va = rnd();
		if (chance(85))
			va = (uint32_t)l1_used[pick(nused)] << 20 | (va & 0xFFFFF);
		b->vas[i] = va;
	}
}

static void cp15_write(uc_engine *uc, unsigned crn, unsigned crm, unsigned opc2, uint32_t v)
{
	uc_arm_cp_reg reg = { .cp = 15, .crn = crn, .crm = crm, .opc2 = opc2, .val = v };
	if (uc_reg_write(uc, UC_ARM_REG_CP_REG, &reg) != UC_ERR_OK) {
		fprintf(stderr, "diff_qemu: cannot write CP15 c%u,c%u,%u\n", crn, crm, opc2);
		exit(2);
	}
}

static uint32_t cp15_read(uc_engine *uc, unsigned crn, unsigned crm, unsigned opc2)
{
	uc_arm_cp_reg reg = { .cp = 15, .crn = crn, .crm = crm, .opc2 = opc2 };
	uc_reg_read(uc, UC_ARM_REG_CP_REG, &reg);
	return (uint32_t)reg.val;
}

static void on_interrupt(uc_engine *uc, uint32_t intno, void *user)
{
	uint32_t pc, input;
	(void)user;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	uc_reg_read(uc, UC_ARM_REG_R0, &input);
	/* The MCRs sit at CODE + 4 + 16 * op; r0 has moved past the VA. */
	unsigned op = (pc - CODE - 4) / 16, i = (input - INPUTS) / 4 - 1;
	if (intno != 4 || pc < CODE + 4 || (pc - CODE - 4) % 16 || op >= OPS || i >= VAS_PER_BATCH) {
		fprintf(stderr, "diff_qemu: unexpected exception %u at 0x%08x\n", intno, pc);
		exit(1);
	}
	aborted[i][op] = true;
	pc += 4;
	uc_reg_write(uc, UC_ARM_REG_PC, &pc);
}

/* QEMU's known departures from the architecture, by name. */
enum known { QEMU_DOMAIN_BEFORE_L2, QEMU_DOMAIN_BEFORE_AF, QEMU_AF_ONLY_IN_CLIENT, KNOWN_COUNT };
static const char *const known_names[KNOWN_COUNT] = {
	[QEMU_DOMAIN_BEFORE_L2] = "qemu-domain-checked-before-the-l2-fetch",
	[QEMU_DOMAIN_BEFORE_AF] = "qemu-domain-checked-before-the-access-flag",
	[QEMU_AF_ONLY_IN_CLIENT] = "qemu-access-flag-only-in-client-domains",
};
static unsigned long known_count[KNOWN_COUNT];

static unsigned domain_access(const mmu_regime *r, unsigned domain)
{
	return (r->dacr >> (2 * domain)) & 3;
}

/* Which named difference explains QEMU's PAR, or -1. */
static int classify(const struct batch *b, uint32_t va, const mmu_fault *f, uint32_t qemu_par)
{
	unsigned qemu_fs = qemu_par != ATS_ABORTED && (qemu_par & 1) ? (qemu_par >> 1) & 0x1F : 0;
	mmu_entry e;
	mmu_trace t;
	mmu_walk(&b->regime, va, &(mmu_mem){ .ram = &(mmu_ram){ ram, RAM_PA, RAM_SIZE }, .nram = 1 },
		 NULL, &e, &t);
	if (t.nsteps == 0 || !t.step[0].ok)
		return -1;
	mmu_desc l1 = t.step[0].desc;
	unsigned dom_access = domain_access(&b->regime, l1.kind == MMU_DESC_TABLE ||
								 l1.kind == MMU_DESC_SECTION ? l1.domain : 0);
	bool no_access = dom_access == 0 || dom_access == 2;
	if (l1.kind == MMU_DESC_TABLE && no_access && qemu_fs == 0x0B &&
	    ((f->type == MMU_FAULT_TRANSLATION && f->level == 2) ||
	     f->type == MMU_FAULT_EXT_ABORT_WALK))
		return QEMU_DOMAIN_BEFORE_L2;
	if (f->type == MMU_FAULT_ACCESS_FLAG && no_access && (qemu_fs == 0x09 || qemu_fs == 0x0B))
		return QEMU_DOMAIN_BEFORE_AF;
	if (f->type == MMU_FAULT_ACCESS_FLAG && dom_access == 3 && qemu_par != ATS_ABORTED &&
	    !(qemu_par & 1))
		return QEMU_AF_ONLY_IN_CLIENT;
	return -1;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x6d6d7573636f7065ull;
	unsigned long cases = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			cases = strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: diff_qemu [--seed N] [--cases N]\n");
			return 2;
		}
	}
	rng_state = seed ? seed : 1;
	ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	uc_engine *uc;
	if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &uc) != UC_ERR_OK ||
	    uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_A9) != UC_ERR_OK ||
	    uc_mem_map_ptr(uc, RAM_PA, RAM_SIZE, UC_PROT_ALL, ram) != UC_ERR_OK) {
		fprintf(stderr, "diff_qemu: cannot set up unicorn\n");
		return 2;
	}
	write_code();
	uc_hook interrupt;
	uc_hook_add(uc, &interrupt, UC_HOOK_INTR, (void *)on_interrupt, NULL, 1, 0);
	uint32_t sctlr_base = cp15_read(uc, 1, 0, 0);
	bool non_secure = cp15_read(uc, 1, 1, 0) & 1; /* SCR.NS */
	mmu_ram ram_view = { .host = ram, .pa = RAM_PA, .size = RAM_SIZE };
	mmu_mem mem = { .ram = &ram_view, .nram = 1 };

	unsigned long compared = 0, faults = 0, unexplained = 0, by_size[25] = { 0 };
	struct batch b;
	while (compared < cases && unexplained < 10) {
		make_batch(&b, sctlr_base, non_secure);
		for (unsigned i = 0; i < b.nvas; i++)
			put32(INPUTS + 4 * i, b.vas[i]);
		cp15_write(uc, 2, 0, 0, b.regime.ttbr0);
		cp15_write(uc, 2, 0, 1, b.regime.ttbr1);
		cp15_write(uc, 2, 0, 2, b.regime.ttbcr);
		cp15_write(uc, 3, 0, 0, b.regime.dacr);
		cp15_write(uc, 10, 2, 0, b.regime.prrr);
		cp15_write(uc, 10, 2, 1, b.regime.nmrr);
		cp15_write(uc, 1, 0, 0, b.regime.sctlr);
		cp15_write(uc, 8, 7, 0, 0); /* TLBIALL: QEMU's TLB holds the last batch */
		memset(aborted, 0, sizeof aborted);
		uint32_t r0 = INPUTS, r1 = OUTPUTS, r2 = b.nvas;
		uc_reg_write(uc, UC_ARM_REG_R0, &r0);
		uc_reg_write(uc, UC_ARM_REG_R1, &r1);
		uc_reg_write(uc, UC_ARM_REG_R2, &r2);
		uc_err err = uc_emu_start(uc, CODE, CODE_END, 0, 0);
		uint32_t pc;
		uc_reg_read(uc, UC_ARM_REG_PC, &pc);
		if (err != UC_ERR_OK || pc != CODE_END) {
			fprintf(stderr, "diff_qemu: seed 0x%llx: the ATS loop stopped at 0x%08x: %s\n",
				(unsigned long long)seed, pc, uc_strerror(err));
			return 1;
		}
		for (unsigned i = 0; i < b.nvas; i++) {
			for (unsigned op = 0; op < OPS; op++) {
				uint32_t va = b.vas[i];
				mmu_kind kind = op & 1 ? MMU_WRITE : MMU_READ;
				bool user = op >= 2;
				mmu_entry e;
				mmu_fault f = mmu_translate(&b.regime, va, kind, user, 1, &mem, NULL, &e, NULL);
				uint32_t ours = f.type == MMU_FAULT_EXT_ABORT_WALK ? ATS_ABORTED
										  : mmu_par(&f, &e, va);
				uint32_t qemu = aborted[i][op] ? ATS_ABORTED
							       : get32(OUTPUTS + 4 * (i * OPS + op));
				compared++;
				faults += f.type != MMU_FAULT_NONE;
				if (f.type == MMU_FAULT_NONE)
					by_size[e.size_log2]++;
				if (ours == qemu)
					continue;
				int known = classify(&b, va, &f, qemu);
				if (known >= 0) {
					known_count[known]++;
					continue;
				}
				unexplained++;
				fprintf(stderr,
					"MISMATCH seed 0x%llx: ATS1C%s%s va 0x%08x: mmu/ PAR 0x%08x (%s), "
					"QEMU PAR 0x%08x\n  sctlr 0x%08x ttbr0 0x%08x ttbr1 0x%08x ttbcr 0x%x "
					"dacr 0x%08x\n",
					(unsigned long long)seed, user ? "U" : "P", op & 1 ? "W" : "R", va,
					ours, mmu_fault_name(f.type), qemu, b.regime.sctlr, b.regime.ttbr0,
					b.regime.ttbr1, b.regime.ttbcr, b.regime.dacr);
			}
		}
	}
	uc_close(uc);
	free(ram);
	printf("seed 0x%llx: %lu ATS cases compared (%lu faulting), %lu unexplained differences\n",
	       (unsigned long long)seed, compared, faults, unexplained);
	for (int k = 0; k < KNOWN_COUNT; k++)
		printf("  known QEMU difference %-45s %lu\n", known_names[k], known_count[k]);
	printf("  translated: %lu 4K, %lu 64K, %lu 1M, %lu 16M\n", by_size[12], by_size[16],
	       by_size[20], by_size[24]);
	CHECK(compared >= cases);
	CHECK(by_size[12] && by_size[16] && by_size[20] && by_size[24]);
	CHECK(faults > compared / 10 && faults < compared - compared / 10);
	CHECK_EQ(unexplained, 0);
	return check_report();
}
