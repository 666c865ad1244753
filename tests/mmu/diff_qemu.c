/* Differential test of mmu/ against QEMU's short-descriptor walker.
 *
 * Unicorn (QEMU 5.0 inside) runs a small loop that translates a list of VAs
 * with ATS1CPR, ATS1CPW, ATS1CUR and ATS1CUW and stores each PAR; the same
 * VAs go through mmu_translate on the same RAM and registers, and the PARs
 * must match.  Each batch builds random L1/L2 tables (every descriptor kind,
 * random attributes, tables and TTBRs outside RAM), a random TTBCR, DACR and
 * SCTLR.AFE/TRE, flushes QEMU's TLB and runs a few hundred VAs.  The code
 * runs with the MMU on through a fixed identity section in domain 15.
 *
 * Security state, found by running unicorn 2.0.1 and confirmed in its source:
 * the CPU starts Non-secure (cpu.c sets SCR.NS "for backward compatibility"),
 * and a CP_REG access with sec = 0 reaches the Non-secure bank of a banked
 * register (unicorn_arm.c: ns = !sec).  Half the batches clear SCR.NS and
 * write the Secure bank instead, so the descriptors' NS bits reach the PAR;
 * the loop reads TTBR0 and DACR back to prove the guest uses the bank written.
 *
 * An external abort on the walk is not a PAR value: the ATS operation takes
 * a Data Abort (QEMU do_ats_write), which the interrupt hook records for that
 * case before resuming after the MCR.
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
#define RAM_END   (RAM_PA + RAM_SIZE)
#define CODE      0x40000000u
#define INPUTS    0x40010000u
#define OUTPUTS   0x40020000u
#define TABLES    0x40100000u /* from here to the end of RAM: rebuilt per batch */
#define TTB0      0x40100000u
#define TTB1      0x40104000u
#define L2_POOL   0x40108000u
#define L2_TABLES 48
#define CODE_DOMAIN 15
#define VAS_PER_BATCH 256
#define OPS 4
#define ATS_ABORTED 0xFFFFFFFFu /* stands for "took a Data Abort": no PAR is all ones */

static uint8_t *ram;
static bool aborted[VAS_PER_BATCH][OPS];
static uint32_t first_mcr, code_stop; /* set by write_code */

static unsigned pick(unsigned n) { return check_rand() % n; }
static bool chance(unsigned percent) { return pick(100) < percent; }

static bool in_ram(uint32_t pa) { return pa >= RAM_PA && pa - RAM_PA <= RAM_SIZE - 4; }

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

/* MCR/MRC p15, 0, Rt, CRn, CRm, opc2 */
static uint32_t cp15_insn(bool read, uint32_t rt, uint32_t crn, uint32_t crm, uint32_t opc2)
{
	return 0xEE000F10u | (uint32_t)read << 20 | crn << 16 | rt << 12 | opc2 << 5 | crm;
}

/* The ATS loop: r0 = inputs, r1 = outputs, r2 = count; r5/r6 = TTBR0/DACR
 * as the guest sees them. */
static void write_code(void)
{
	uint32_t pc = CODE;
	put32(pc, cp15_insn(true, 5, 2, 0, 0)), pc += 4; /* r5 = TTBR0 */
	put32(pc, cp15_insn(true, 6, 3, 0, 0)), pc += 4; /* r6 = DACR */
	uint32_t loop = pc;
	put32(pc, 0xE4903004), pc += 4; /* ldr r3, [r0], #4 */
	first_mcr = pc;
	for (uint32_t op = 0; op < OPS; op++) {
		put32(pc, cp15_insn(false, 3, 7, 8, op)), pc += 4; /* ATS1C{P,U}{R,W} r3 */
		put32(pc, 0xF57FF06F), pc += 4;                    /* isb */
		put32(pc, cp15_insn(true, 4, 7, 4, 0)), pc += 4;   /* r4 = PAR */
		put32(pc, 0xE4814004), pc += 4;                    /* str r4, [r1], #4 */
	}
	put32(pc, 0xE2522001), pc += 4; /* subs r2, r2, #1 */
	put32(pc, 0x1A000000 | (((loop - (pc + 8)) >> 2) & 0xFFFFFF)), pc += 4; /* bne loop */
	code_stop = pc;
}

static uint32_t random_l2_base(void)
{
	if (chance(6))
		return 0x80000000u | (check_rand() & 0x0FFFFC00u); /* outside RAM */
	if (chance(4)) /* anywhere in the tables' area, the L1 tables included */
		return TABLES + (pick(RAM_END - TABLES) & ~0x3FFu);
	return L2_POOL + pick(L2_TABLES) * 0x400;
}

static uint32_t random_l1(void)
{
	switch (pick(20)) {
	case 0: case 1:
		return check_rand() & ~3u; /* fault, junk in the ignored bits */
	case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		return random_l2_base() | (check_rand() & 0x3FC) | 1;
	case 9:
		return check_rand() | 3; /* reserved without PXN */
	case 10: case 11:
		return (check_rand() & ~3u) | 1u << 18 | 2; /* supersection, random extended bits */
	default:
		return (check_rand() & ~(3u | 1u << 18)) | 2; /* section */
	}
}

/* Large pages are rare per entry because most are replicated over 16. */
static uint32_t random_l2(void)
{
	unsigned p = pick(100);
	if (p < 20)
		return check_rand() & ~3u;
	if (p < 24)
		return (check_rand() & ~3u) | 1;
	return check_rand() | 2; /* small; XN (bit 0) random */
}

struct batch {
	mmu_regime regime;
	bool secure;
	uint32_t vas[VAS_PER_BATCH];
};

/* A table base outside RAM: just past its end, or far away. */
static uint32_t outside_ram(void)
{
	return chance(50) ? RAM_END : 0x80000000u | (check_rand() & 0x3FFFC000u);
}

/* Random tables and registers around the fixed identity section the code
 * runs from. */
static void make_batch(struct batch *b, uint32_t sctlr_base)
{
	memset(ram + (TABLES - RAM_PA), 0, RAM_END - TABLES);
	unsigned n = chance(50) ? 0 : pick(8);
	bool code_in_ttbr1 = n && (CODE >> (32 - n));
	uint32_t ttbcr = n;
	if (chance(10))
		ttbcr |= code_in_ttbr1 ? MMU_TTBCR_PD0 : MMU_TTBCR_PD1;
	/* The TTBR that does not translate the code may point outside RAM. */
	uint32_t ttb0 = TTB0, ttb1 = TTB1;
	if (chance(15)) {
		if (code_in_ttbr1)
			ttb0 = outside_ram();
		else
			ttb1 = outside_ram();
	}

	unsigned l1_used[512];
	for (unsigned i = 0; i < 512; i++) {
		unsigned index = pick(4096);
		uint32_t d = random_l1();
		bool ss = (d & 3) == 2 && (d & (1u << 18));
		unsigned copies = ss && chance(80) ? 16 : 1;
		if (copies == 16)
			index &= ~15u;
		for (unsigned c = 0; c < copies; c++) {
			if (in_ram(ttb1))
				put32(ttb1 + (index + c) * 4, d);
			if (in_ram(ttb0) && index + c < (4096u >> n)) /* TTBR0's table is 16 KB >> N */
				put32(ttb0 + (index + c) * 4, d);
		}
		l1_used[i] = index;
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
	/* The code's section, in both tables: which one translates it depends
	 * on N.  Full access, executable, AF set. */
	uint32_t identity = CODE | 3u << 10 | CODE_DOMAIN << 5 | 2;
	if (in_ram(ttb1))
		put32(ttb1 + (CODE >> 20) * 4, identity);
	if (in_ram(ttb0) && (CODE >> 20) < (4096u >> n))
		put32(ttb0 + (CODE >> 20) * 4, identity);

	/* Half the batches all client/manager, so translations also succeed;
	 * the code's domain is always client or manager. */
	uint32_t dacr = chance(50) ? check_rand() : 0x55555555u | (check_rand() & 0xAAAAAAAAu);
	dacr = (dacr & ~(3u << 2 * CODE_DOMAIN)) | (chance(50) ? 1u : 3u) << 2 * CODE_DOMAIN;
	uint32_t sctlr = (sctlr_base & ~(MMU_SCTLR_A | MMU_SCTLR_AFE | MMU_SCTLR_TRE)) | MMU_SCTLR_M;
	if (chance(40))
		sctlr |= MMU_SCTLR_AFE;
	if (chance(50))
		sctlr |= MMU_SCTLR_TRE;
	b->secure = chance(50);
	/* TTBR low bits are walk attributes, ignored by the walk. */
	b->regime = (mmu_regime){ .sctlr = sctlr, .ttbr0 = ttb0 | (check_rand() & 0x7B),
				  .ttbr1 = ttb1 | (check_rand() & 0x7B), .ttbcr = ttbcr, .dacr = dacr,
				  .prrr = check_rand(), .nmrr = check_rand(), .non_secure = !b->secure };

	for (unsigned i = 0; i < VAS_PER_BATCH; i++) {
		uint32_t va = check_rand();
		if (chance(85))
			va = (uint32_t)l1_used[pick(512)] << 20 | (va & 0xFFFFF);
		b->vas[i] = va;
	}
}

static void cp15_write(uc_engine *uc, bool secure, unsigned crn, unsigned crm, unsigned opc2,
		       uint32_t v)
{
	uc_arm_cp_reg reg = { .cp = 15, .sec = secure, .crn = crn, .crm = crm, .opc2 = opc2, .val = v };
	if (uc_reg_write(uc, UC_ARM_REG_CP_REG, &reg) != UC_ERR_OK) {
		fprintf(stderr, "diff_qemu: cannot write CP15 c%u,c%u,%u\n", crn, crm, opc2);
		exit(2);
	}
}

static uint32_t cp15_read(uc_engine *uc, bool secure, unsigned crn, unsigned crm, unsigned opc2)
{
	uc_arm_cp_reg reg = { .cp = 15, .sec = secure, .crn = crn, .crm = crm, .opc2 = opc2 };
	if (uc_reg_read(uc, UC_ARM_REG_CP_REG, &reg) != UC_ERR_OK) {
		fprintf(stderr, "diff_qemu: cannot read CP15 c%u,c%u,%u\n", crn, crm, opc2);
		exit(2);
	}
	return (uint32_t)reg.val;
}

/* Security state and the translation registers of that state's bank. */
static void load_regime(uc_engine *uc, const struct batch *b)
{
	const mmu_regime *r = &b->regime;
	cp15_write(uc, true, 1, 1, 0, b->secure ? 0 : 1); /* SCR.NS */
	/* A CP_REG write does not rebuild QEMU's cached hflags (which hold
	 * the MMU index, Secure or not); a CPSR write does. */
	uint32_t cpsr;
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr);
	cp15_write(uc, b->secure, 2, 0, 0, r->ttbr0);
	cp15_write(uc, b->secure, 2, 0, 1, r->ttbr1);
	cp15_write(uc, b->secure, 2, 0, 2, r->ttbcr);
	cp15_write(uc, b->secure, 3, 0, 0, r->dacr);
	cp15_write(uc, b->secure, 10, 2, 0, r->prrr);
	cp15_write(uc, b->secure, 10, 2, 1, r->nmrr);
	cp15_write(uc, b->secure, 1, 0, 0, r->sctlr);
	cp15_write(uc, false, 8, 7, 0, 0); /* TLBIALL: QEMU's TLB holds the last batch */
}

static void on_interrupt(uc_engine *uc, uint32_t intno, void *user)
{
	uint32_t pc, input;
	(void)user;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	uc_reg_read(uc, UC_ARM_REG_R0, &input);
	/* A Data Abort at one of the MCRs; r0 has moved past the VA. */
	unsigned op = (pc - first_mcr) / 16, i = (input - INPUTS) / 4 - 1;
	if (intno != 4 || pc < first_mcr || (pc - first_mcr) % 16 || op >= OPS ||
	    i >= VAS_PER_BATCH) {
		fprintf(stderr, "diff_qemu: unexpected exception %u at 0x%08x\n", intno, pc);
		exit(1);
	}
	aborted[i][op] = true;
	pc += 4;
	uc_reg_write(uc, UC_ARM_REG_PC, &pc);
}

/* QEMU's known departures from the architecture, by name (DESIGN.md, "Where
 * QEMU and the architecture part ways").  QEMU 5.0 get_phys_addr_v6 checks
 * DACR right after the L1 fetch, and the access flag only in the client
 * branch of its permission check, after XN; the architecture's order is
 * external abort, translation, access flag, domain, permission.  (A fetch
 * from an XN entry with AF = 0, a permission fault under QEMU, cannot arise
 * here: ATS operations are reads and writes.) */
enum known { QEMU_DOMAIN_BEFORE_L2, QEMU_DOMAIN_BEFORE_AF, QEMU_AF_ONLY_IN_CLIENT, KNOWN_COUNT };
static const char *const known_names[KNOWN_COUNT] = {
	[QEMU_DOMAIN_BEFORE_L2] = "qemu-domain-checked-before-the-l2-fetch",
	[QEMU_DOMAIN_BEFORE_AF] = "qemu-domain-checked-before-the-access-flag",
	[QEMU_AF_ONLY_IN_CLIENT] = "qemu-access-flag-only-in-client-domains",
};
static unsigned long known_count[KNOWN_COUNT];

/* Which named difference explains QEMU's PAR, or -1.  e and t come from the
 * walk of va (e is filled even when the access flag faults). */
static int classify(const mmu_regime *r, uint32_t va, const mmu_fault *f, const mmu_entry *e,
		    const mmu_trace *t, uint32_t qemu_par)
{
	if (t->nsteps == 0 || !t->step[0].ok || qemu_par == ATS_ABORTED)
		return -1;
	const mmu_desc *l1 = &t->step[0].desc;
	bool table = l1->kind == MMU_DESC_TABLE;
	unsigned domain = table || l1->kind == MMU_DESC_SECTION ? l1->domain : 0;
	unsigned access = (r->dacr >> (2 * domain)) & 3;
	bool no_access = access == 0 || access == 2;
	unsigned qemu_fs = qemu_par & 1 ? (qemu_par >> 1) & 0x3F : 0;
	unsigned domain_fs = table ? 0x0B : 0x09;
	if (table && no_access && qemu_fs == domain_fs && f->level == 2 &&
	    (f->type == MMU_FAULT_TRANSLATION || f->type == MMU_FAULT_EXT_ABORT_WALK))
		return QEMU_DOMAIN_BEFORE_L2;
	if (f->type == MMU_FAULT_ACCESS_FLAG && no_access && qemu_fs == domain_fs)
		return QEMU_DOMAIN_BEFORE_AF;
	if (f->type == MMU_FAULT_ACCESS_FLAG && access == 3 &&
	    qemu_par == mmu_par(&(mmu_fault){ .type = MMU_FAULT_NONE }, e, va))
		return QEMU_AF_ONLY_IN_CLIENT;
	return -1;
}

static void report(uint64_t seed, unsigned long batch, const struct batch *b, unsigned i,
		   unsigned op, const mmu_mem *mem, const mmu_fault *f, uint32_t ours, uint32_t qemu)
{
	static const char *const ops[OPS] = { "ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW" };
	const mmu_regime *r = &b->regime;
	uint32_t va = b->vas[i];
	mmu_entry e;
	mmu_trace t;
	mmu_walk(r, va, mem, NULL, &e, &t);
	fprintf(stderr,
		"MISMATCH seed 0x%llx batch %lu case %u: %s va 0x%08x (%s)\n"
		"  mmu/ PAR 0x%08x (%s, level %u), QEMU PAR 0x%08x%s\n"
		"  SCTLR 0x%08x TTBR0 0x%08x TTBR1 0x%08x TTBCR 0x%x DACR 0x%08x\n",
		(unsigned long long)seed, batch, i, ops[op], va, b->secure ? "Secure" : "Non-secure",
		ours, mmu_fault_name(f->type), f->level, qemu,
		qemu == ATS_ABORTED ? " (Data Abort)" : "", r->sctlr, r->ttbr0, r->ttbr1, r->ttbcr,
		r->dacr);
	for (unsigned s = 0; s < t.nsteps; s++) {
		char text[160];
		mmu_desc_format(&t.step[s].desc, text, sizeof text);
		if (t.step[s].ok)
			fprintf(stderr, "  L%u [0x%08x] = 0x%08x %s\n", t.step[s].level,
				t.step[s].addr, t.step[s].value, text);
		else
			fprintf(stderr, "  L%u [0x%08x] outside RAM\n", t.step[s].level,
				t.step[s].addr);
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x6d6d7573636f7065ull;
	unsigned long cases = 200000;
	if (!check_seed_options(argc, argv, "--cases", &seed, &cases, "diff_qemu [--seed N] [--cases N]"))
		return 2;
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
	uint32_t sctlr_base = cp15_read(uc, false, 1, 0, 0);
	mmu_ram ram_view = { .host = ram, .pa = RAM_PA, .size = RAM_SIZE };
	mmu_mem mem = { .ram = &ram_view, .nram = 1 };

	unsigned long compared = 0, faults = 0, aborts[3] = { 0 }, unexplained = 0, batches = 0;
	unsigned long by_size[25] = { 0 }, ns_set = 0, secure_batches = 0;
	struct batch b;
	for (; compared < cases && unexplained < 10; batches++) {
		make_batch(&b, sctlr_base);
		secure_batches += b.secure;
		for (unsigned i = 0; i < VAS_PER_BATCH; i++)
			put32(INPUTS + 4 * i, b.vas[i]);
		load_regime(uc, &b);
		memset(aborted, 0, sizeof aborted);
		uint32_t r0 = INPUTS, r1 = OUTPUTS, r2 = VAS_PER_BATCH;
		uc_reg_write(uc, UC_ARM_REG_R0, &r0);
		uc_reg_write(uc, UC_ARM_REG_R1, &r1);
		uc_reg_write(uc, UC_ARM_REG_R2, &r2);
		uc_err err = uc_emu_start(uc, CODE, code_stop, 0, 0);
		uint32_t pc, ttbr0, dacr;
		uc_reg_read(uc, UC_ARM_REG_PC, &pc);
		uc_reg_read(uc, UC_ARM_REG_R5, &ttbr0);
		uc_reg_read(uc, UC_ARM_REG_R6, &dacr);
		if (err != UC_ERR_OK || pc != code_stop) {
			fprintf(stderr, "diff_qemu: seed 0x%llx batch %lu: the ATS loop stopped at "
				"0x%08x: %s\n", (unsigned long long)seed, batches, pc, uc_strerror(err));
			return 1;
		}
		if (ttbr0 != b.regime.ttbr0 || dacr != b.regime.dacr) {
			fprintf(stderr, "diff_qemu: the guest sees TTBR0 0x%08x DACR 0x%08x, not the "
				"%s bank written (0x%08x, 0x%08x)\n", ttbr0, dacr,
				b.secure ? "Secure" : "Non-secure", b.regime.ttbr0, b.regime.dacr);
			return 1;
		}
		for (unsigned i = 0; i < VAS_PER_BATCH; i++) {
			for (unsigned op = 0; op < OPS; op++) {
				uint32_t va = b.vas[i];
				mmu_kind kind = op & 1 ? MMU_WRITE : MMU_READ;
				bool user = op >= 2;
				mmu_entry e;
				mmu_fault f = mmu_translate(&b.regime, va, kind, user, 1, &mem, NULL, &e,
							    NULL);
				uint32_t ours = f.type == MMU_FAULT_EXT_ABORT_WALK ? ATS_ABORTED
										  : mmu_par(&f, &e, va);
				uint32_t qemu = aborted[i][op] ? ATS_ABORTED
							       : get32(OUTPUTS + 4 * (i * OPS + op));
				compared++;
				faults += f.type != MMU_FAULT_NONE;
				if (f.type == MMU_FAULT_EXT_ABORT_WALK)
					aborts[f.level]++;
				if (f.type == MMU_FAULT_NONE) {
					by_size[e.size_log2]++;
					ns_set += (ours >> 9) & 1;
				}
				if (ours == qemu)
					continue;
				mmu_trace t;
				mmu_walk(&b.regime, va, &mem, NULL, &e, &t);
				int known = classify(&b.regime, va, &f, &e, &t, qemu);
				if (known >= 0) {
					known_count[known]++;
					continue;
				}
				unexplained++;
				report(seed, batches, &b, i, op, &mem, &f, ours, qemu);
			}
		}
	}
	uc_close(uc);
	free(ram);
	printf("seed 0x%llx: %lu ATS cases in %lu batches (%lu Secure): %lu faulting, %lu + %lu "
	       "external aborts (L1 + L2); %lu unexplained differences\n",
	       (unsigned long long)seed, compared, batches, secure_batches, faults, aborts[1],
	       aborts[2], unexplained);
	for (int k = 0; k < KNOWN_COUNT; k++)
		printf("  known QEMU difference %-45s %lu\n", known_names[k], known_count[k]);
	printf("  translated: %lu 4K, %lu 64K, %lu 1M, %lu 16M; %lu with PAR.NS\n", by_size[12],
	       by_size[16], by_size[20], by_size[24], ns_set);
	CHECK(compared >= cases);
	CHECK_EQ(unexplained, 0);
	/* Coverage, on runs large enough to expect it: every page size, NS
	 * both ways, faults and successes, aborts at both levels. */
	if (cases >= 10000) {
		CHECK(by_size[12] && by_size[16] && by_size[20] && by_size[24]);
		CHECK(ns_set && ns_set < compared - faults);
		CHECK(faults > compared / 10 && faults < compared - compared / 10);
		CHECK(aborts[1] && aborts[2]);
	}
	return check_report();
}
