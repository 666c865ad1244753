/* Seeded random fuzzing of the walker: arbitrary descriptors, registers,
 * VAs, access kinds and sizes over small RAM windows (tables that straddle
 * the end of RAM, RAM smaller than a word).  Invariants, not values: no
 * crash or sanitizer report; a fetch outside RAM is an external abort on the
 * walk; the trace and the result agree; the FSR and PAR forms agree.
 *
 * usage: fuzz_mmu [--seed N] [--iterations N] */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "tests/check.h"

static uint64_t state;

static uint32_t rnd(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545F4914F6CDD1Dull) >> 32);
}

static bool in_ram(const mmu_mem *m, uint32_t pa)
{
	for (unsigned i = 0; i < m->nram; i++)
		if (m->ram[i].size >= 4 && pa >= m->ram[i].pa && pa - m->ram[i].pa <= m->ram[i].size - 4)
			return true;
	return false;
}

static unsigned steps_charged;
static unsigned charge(void *ctx, unsigned level, uint32_t pa)
{
	(void)ctx, (void)pa;
	steps_charged++;
	return level * 3;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0xF0221;
	unsigned long iterations = 300000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			iterations = strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: fuzz_mmu [--seed N] [--iterations N]\n");
			return 2;
		}
	}
	state = seed ? seed : 1;
	enum { WINDOW = 64 * 1024 };
	uint8_t *window = malloc(WINDOW);
	unsigned long bad = 0, kinds[MMU_FAULT_TYPE_COUNT] = { 0 };
	for (unsigned long it = 0; it < iterations && bad < 20; it++) {
		if (it % 64 == 0)
			for (unsigned i = 0; i < WINDOW; i += 4) {
				uint32_t v = rnd();
				memcpy(window + i, &v, 4);
			}
		/* One or two RAM ranges of random size (0..64 KB) inside the window. */
		mmu_ram ram[2];
		unsigned nram = 1 + (rnd() & 1);
		for (unsigned i = 0; i < nram; i++) {
			uint32_t size = rnd() % (WINDOW / nram + 1);
			ram[i] = (mmu_ram){ .host = window + i * (WINDOW / 2) * (nram - 1),
					    .pa = (uint32_t)(i * 0x100000) + (rnd() & 0x3FC),
					    .size = size > WINDOW / nram ? WINDOW / nram : size };
		}
		mmu_mem mem = { .ram = ram, .nram = nram };
		/* Table bases near the RAM so walks land in it, across its end,
		 * and outside it. */
		uint32_t near = ram[rnd() % nram].pa + (rnd() % (WINDOW + 0x2000)) - 0x1000;
		mmu_regime r = { .sctlr = rnd() | MMU_SCTLR_M, .ttbr0 = rnd() & 1 ? near : rnd(),
				 .ttbr1 = rnd() & 1 ? near : rnd(), .ttbcr = rnd() & 0x37,
				 .dacr = rnd(), .prrr = rnd(), .nmrr = rnd(), .contextidr = rnd(),
				 .has_pxn = rnd() & 1, .non_secure = rnd() & 1 };
		uint32_t va = rnd();
		mmu_kind kind = (mmu_kind)(rnd() % 3);
		bool user = rnd() & 1;
		unsigned size = 1u << (rnd() % 4);
		mmu_hooks hooks = { .fetch_cost = charge };
		mmu_entry e;
		mmu_trace t;
		steps_charged = 0;
		mmu_fault f = mmu_translate(&r, va, kind, user, size, &mem, &hooks, &e, &t);
		kinds[f.type < MMU_FAULT_TYPE_COUNT ? f.type : 0]++;

		bool ok = f.type < MMU_FAULT_TYPE_COUNT && t.nsteps <= 2 && steps_charged == t.nsteps;
		unsigned cycles = 0;
		for (unsigned s = 0; s < t.nsteps; s++) {
			cycles += t.step[s].cycles;
			ok &= t.step[s].ok == in_ram(&mem, t.step[s].addr);
			ok &= t.step[s].level == s + 1;
		}
		ok &= cycles == t.cycles;
		/* A step outside RAM ends the walk with an external abort. */
		bool outside = t.nsteps && !t.step[t.nsteps - 1].ok;
		ok &= outside == (f.type == MMU_FAULT_EXT_ABORT_WALK);
		if (f.type == MMU_FAULT_EXT_ABORT_WALK)
			ok &= f.level == t.nsteps;
		uint32_t fsr = mmu_fsr(&f, kind), par = mmu_par(&f, &e, va);
		ok &= (f.type == MMU_FAULT_NONE) == (fsr == 0);
		ok &= (f.type == MMU_FAULT_NONE) == !(par & 1);
		if (f.type == MMU_FAULT_NONE) {
			ok &= e.size_log2 == 12 || e.size_log2 == 16 || e.size_log2 == 20 ||
			      e.size_log2 == 24;
			uint64_t pa = mmu_entry_pa(&e, va);
			ok &= (va - e.va_base) < (1ull << e.size_log2);
			ok &= ((pa ^ e.pa_base) >> e.size_log2) == 0;
			if (r.sctlr & MMU_SCTLR_M)
				ok &= e.levels == t.nsteps;
		} else {
			ok &= f.level <= 2 && ((fsr >> 11) & 1) == (kind == MMU_WRITE);
		}
		if (!ok) {
			bad++;
			fprintf(stderr, "seed 0x%llx iteration %lu: va 0x%08x kind %d user %d size %u "
				"ttbr0 0x%08x ttbr1 0x%08x ttbcr 0x%x sctlr 0x%08x: %s, %u steps\n",
				(unsigned long long)seed, it, va, kind, user, size, r.ttbr0, r.ttbr1,
				r.ttbcr, r.sctlr, mmu_fault_name(f.type), t.nsteps);
		}
	}
	free(window);
	printf("seed 0x%llx: %lu iterations:", (unsigned long long)seed, iterations);
	for (int k = 0; k < MMU_FAULT_TYPE_COUNT; k++)
		printf(" %s %lu", mmu_fault_name((mmu_fault_type)k), kinds[k]);
	printf("\n");
	CHECK_EQ(bad, 0);
	for (int k = 0; k < MMU_FAULT_TYPE_COUNT; k++)
		CHECK(kinds[k] > 0); /* the fuzzer reaches every outcome */
	return check_report();
}
