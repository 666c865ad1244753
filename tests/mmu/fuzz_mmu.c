/* Seeded random fuzzing of the walker: arbitrary descriptors, registers,
 * VAs, access kinds and sizes over small RAM windows (tables that straddle
 * the end of RAM, RAM smaller than a word, RAM at the top of the address
 * space).  Each RAM range is its own exact-size allocation, so under
 * AddressSanitizer a read past a range is caught.  Invariants, not values:
 * no crash; descriptor reads agree with an independent reader, and one
 * outside RAM is an external abort on the walk; the trace, the entry, the
 * FSR and the PAR agree with each other and with mmu_walk/mmu_check.
 *
 * usage: fuzz_mmu [--seed N] [--iterations N] */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "tests/check.h"

#define MAX_RAMS 3
#define ITERATIONS_PER_RAM 64 /* iterations that share one set of RAM ranges */


static unsigned pick(unsigned n) { return check_rand() % n; }
static bool chance(unsigned percent) { return pick(100) < percent; }

static mmu_ram ram[MAX_RAMS];
static uint8_t *host[MAX_RAMS];
static unsigned nram;

/* The reference reader: 64-bit bounds, unlike the walker's. */
static bool oracle_read(uint32_t pa, uint32_t *value)
{
	for (unsigned i = 0; i < nram; i++) {
		if (pa >= ram[i].pa && (uint64_t)pa + 4 <= (uint64_t)ram[i].pa + ram[i].size) {
			const uint8_t *p = ram[i].host + (pa - ram[i].pa);
			*value = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[3] << 24;
			return true;
		}
	}
	return false;
}

/* An address at, in or just around one of the ranges (often at its edges). */
static uint32_t near_ram(void)
{
	const mmu_ram *r = &ram[pick(nram)];
	switch (pick(4)) {
	case 0:
		return r->pa + r->size - 1 - pick(8); /* straddling the end */
	case 1:
		return r->pa - pick(8);
	default:
		return r->pa + pick(r->size + 1);
	}
}

static uint32_t random_descriptor(void)
{
	switch (pick(6)) {
	case 0: case 1:
		return check_rand();
	case 2: case 3: /* a page table whose 1 KB overlaps, or borders, a range */
		return (near_ram() & ~0x3FFu) | (check_rand() & 0x3FC) | 1;
	default: /* section, supersection, reserved; as L2: large or small pages */
		return check_rand() | 2;
	}
}

/* New RAM ranges: sizes from 0 up, tiny ones often; PAs anywhere, unaligned
 * ones too, some ending at the top of the address space. */
static void new_ram(void)
{
	for (unsigned i = 0; i < nram; i++)
		free(host[i]);
	nram = 1 + pick(MAX_RAMS);
	for (unsigned i = 0; i < nram; i++) {
		uint32_t size = chance(30) ? pick(8) : chance(50) ? pick(512) : pick(16384);
		uint32_t pa = (i * 0x100000u) + (chance(80) ? check_rand() & 0xFFFFC : check_rand() & 0xFFFFF);
		if (chance(10))
			pa = (uint32_t)(0x100000000ull - size);
		host[i] = malloc(size);
		ram[i] = (mmu_ram){ .host = host[i], .pa = pa, .size = size };
	}
	/* Ranges may overlap; the first that holds an address wins, for both
	 * the walker and the oracle. */
	for (unsigned i = 0; i < nram; i++)
		for (uint32_t off = 0; off < ram[i].size; off += 4) {
			uint32_t v = random_descriptor();
			memcpy(host[i] + off, &v, ram[i].size - off < 4 ? ram[i].size - off : 4);
		}
}

static unsigned steps_charged;
static unsigned charge(void *ctx, unsigned level, uint32_t pa)
{
	(void)ctx, (void)pa;
	steps_charged++;
	return level * 3 + 1;
}

/* Registers and VA of one case.  Most cases aim the L1 fetch at a chosen
 * address near RAM (choosing the TTBR and VA index to land there) and, when
 * the L1 entry there is a page table, aim the L2 fetch near RAM too. */
static void random_case(mmu_regime *r, uint32_t *va)
{
	unsigned n = pick(8);
	*r = (mmu_regime){ .sctlr = check_rand(), .ttbr0 = check_rand(), .ttbr1 = check_rand(),
			   .ttbcr = n | (chance(10) ? check_rand() & 0x30 : 0), .dacr = check_rand(),
			   .prrr = check_rand(), .nmrr = check_rand(), .contextidr = check_rand(),
			   .has_pxn = chance(50), .non_secure = chance(50) };
	/* Alignment faults precede the walk: keep them a minority. */
	r->sctlr = (r->sctlr & ~MMU_SCTLR_A) | (chance(15) ? MMU_SCTLR_A : 0);
	if (chance(95))
		r->sctlr |= MMU_SCTLR_M;
	*va = check_rand();
	if (chance(25))
		return;
	uint32_t target = near_ram() & ~3u;
	uint32_t index1 = (target & 0x3FFF) >> 2;
	if (n && chance(50) && index1 >> (12 - n)) {
		/* TTBR1: 16 KB table, indexed by all of VA[31:20] */
		r->ttbr1 = (target & ~0x3FFFu) | (check_rand() & 0x3FFF);
		*va = index1 << 20 | (*va & 0xFFFFF);
	} else {
		uint32_t size = 0x4000u >> n;
		r->ttbr0 = (target & ~(size - 1)) | (check_rand() & (size - 1));
		*va = ((target & (size - 1)) >> 2) << 20 | (*va & 0xFFFFF);
	}
	uint32_t l1;
	if (oracle_read(target, &l1) && (l1 & 3) == 1 && chance(80)) {
		uint32_t l2 = near_ram();
		if ((l2 & ~0x3FFu) == (l1 & ~0x3FFu))
			*va = (*va & ~0xFF000u) | ((l2 & 0x3FC) >> 2) << 12;
	}
}

static unsigned long bad;

#define EXPECT(cond)                                                                    \
	do {                                                                            \
		if (!(cond)) {                                                          \
			ok = false;                                                     \
			fprintf(stderr, "fuzz_mmu: line %d: %s\n", __LINE__, #cond);   \
		}                                                                       \
	} while (0)

int main(int argc, char **argv)
{
	uint64_t seed = 0xF0221;
	unsigned long iterations = 600000;
	if (!check_seed_options(argc, argv, "--iterations", &seed, &iterations,
				"fuzz_mmu [--seed N] [--iterations N]"))
		return 2;
	unsigned long outcomes[MMU_FAULT_TYPE_COUNT] = { 0 }, l2_in_ram = 0, straddling = 0;
	for (unsigned long it = 0; it < iterations && bad < 20; it++) {
		if (it % ITERATIONS_PER_RAM == 0)
			new_ram();
		mmu_regime r;
		uint32_t va;
		random_case(&r, &va);
		mmu_kind kind = (mmu_kind)pick(3);
		bool user = chance(50);
		unsigned size = 1u << pick(4);
		mmu_hooks hooks = { .fetch_cost = charge }, latency = { .mem_latency = 1 + pick(100) };
		const mmu_hooks *h = chance(40) ? &hooks : chance(50) ? &latency : NULL;
		mmu_mem mem = { .ram = ram, .nram = nram };
		mmu_entry e;
		mmu_trace t;
		steps_charged = 0;
		mmu_fault f = mmu_translate(&r, va, kind, user, size, &mem, h, &e, &t);
		bool ok = true;
		EXPECT(f.type < MMU_FAULT_TYPE_COUNT);
		if (!ok) {
			bad++;
			continue;
		}
		outcomes[f.type]++;

		/* Alignment comes before everything; with the MMU off nothing faults. */
		bool misaligned = (r.sctlr & MMU_SCTLR_A) && size > 1 && (va & (size - 1));
		EXPECT((f.type == MMU_FAULT_ALIGNMENT) == misaligned);
		if (!(r.sctlr & MMU_SCTLR_M) || misaligned)
			EXPECT(t.nsteps == 0);
		if (!(r.sctlr & MMU_SCTLR_M) && !misaligned)
			EXPECT(f.type == MMU_FAULT_NONE && mmu_entry_pa(&e, va) == va);

		/* The trace: at most two steps at the architectural addresses,
		 * each read the way the oracle reads it, cycles summed. */
		EXPECT(t.nsteps <= 2);
		unsigned cycles = 0, n = r.ttbcr & 7;
		bool ttbr1 = n && va >> (32 - n);
		uint32_t l1_addr = ttbr1 ? (r.ttbr1 & ~0x3FFFu) | ((va >> 18) & 0x3FFC)
					 : (r.ttbr0 & ~(0x3FFFu >> n)) | ((va >> 18) & 0x3FFC);
		for (unsigned s = 0; s < t.nsteps && s < 2; s++) {
			const mmu_step *st = &t.step[s];
			uint32_t value = 0;
			bool readable = oracle_read(st->addr, &value);
			EXPECT(st->level == s + 1 && st->ok == readable);
			EXPECT(!readable || st->value == value);
			EXPECT(st->addr == (s == 0 ? l1_addr
						   : (t.step[0].value & ~0x3FFu) | ((va >> 10) & 0x3FC)));
			cycles += st->cycles;
			l2_in_ram += s == 1 && readable;
			for (unsigned i = 0; i < nram; i++)
				straddling += st->addr - ram[i].pa < ram[i].size && !readable;
		}
		EXPECT(cycles == t.cycles);
		if (h == &hooks)
			EXPECT(steps_charged == t.nsteps);
		else
			EXPECT(t.cycles == t.nsteps * (h ? h->mem_latency : 0));
		bool outside = t.nsteps && !t.step[t.nsteps - 1].ok;
		EXPECT(outside == (f.type == MMU_FAULT_EXT_ABORT_WALK));
		if (outside)
			EXPECT(f.level == t.nsteps);

		/* A walk that succeeded: the entry, and mmu_check deciding the rest. */
		bool walked = f.type == MMU_FAULT_NONE || f.type == MMU_FAULT_DOMAIN ||
			      f.type == MMU_FAULT_PERMISSION;
		if (walked && (r.sctlr & MMU_SCTLR_M)) {
			unsigned log2 = e.size_log2;
			EXPECT(log2 == 12 || log2 == 16 || log2 == 20 || log2 == 24);
			uint64_t mask = (1ull << log2) - 1, pa = mmu_entry_pa(&e, va);
			EXPECT(e.va_base == (va & ~mask) && (e.pa_base & mask) == 0);
			EXPECT(pa >= e.pa_base && pa - e.pa_base <= mask && (pa & mask) == (va & mask));
			EXPECT(e.levels == t.nsteps && e.l1_addr == l1_addr);
			mmu_fault c = mmu_check(&e, &r, kind, user);
			EXPECT(c.type == f.type && c.level == f.level && c.domain == f.domain);
		}
		if (!misaligned && (r.sctlr & MMU_SCTLR_M)) {
			mmu_entry e2;
			mmu_fault w = mmu_walk(&r, va, &mem, NULL, &e2, NULL);
			EXPECT(walked ? w.type == MMU_FAULT_NONE
				      : w.type == f.type && w.level == f.level);
		}

		/* FSR and PAR: the same fault status, present iff there is a fault. */
		uint32_t fsr = mmu_fsr(&f, kind), par = mmu_par(&f, &e, va);
		EXPECT((f.type == MMU_FAULT_NONE) == (fsr == 0));
		EXPECT((f.type == MMU_FAULT_NONE) == !(par & 1));
		if (f.type != MMU_FAULT_NONE) {
			unsigned fs = (fsr & 0xF) | ((fsr >> 6) & 0x10);
			EXPECT(((par >> 1) & 0x1F) == fs && ((par >> 6) & 1) == ((fsr >> 12) & 1));
			EXPECT((par & ~0x7Fu) == 0 && f.level <= 2);
			EXPECT(((fsr >> 11) & 1) == (kind == MMU_WRITE));
			if (kind != MMU_FETCH && f.type != MMU_FAULT_ALIGNMENT)
				EXPECT(((fsr >> 4) & 0xF) == f.domain);
			if (kind == MMU_FETCH)
				EXPECT((fsr & 0xF0) == 0); /* IFSR: no domain */
		} else if (r.sctlr & MMU_SCTLR_M) {
			uint32_t pa = (uint32_t)mmu_entry_pa(&e, va);
			bool ss = e.size_log2 == 24;
			EXPECT(((par >> 1) & 1) == ss && ((par >> 9) & 1) == e.ns);
			EXPECT((par & 0x1FC) == 0);
			EXPECT((par ^ pa) >> (ss ? 24 : 12) == 0);
		}
		if (!ok) {
			bad++;
			fprintf(stderr, "  seed 0x%llx iteration %lu: va 0x%08x kind %d user %d size %u "
				"sctlr 0x%08x ttbr0 0x%08x ttbr1 0x%08x ttbcr 0x%x dacr 0x%08x: "
				"%s level %u, %u steps\n", (unsigned long long)seed, it, va, kind, user,
				size, r.sctlr, r.ttbr0, r.ttbr1, r.ttbcr, r.dacr,
				mmu_fault_name(f.type), f.level, t.nsteps);
		}
	}
	for (unsigned i = 0; i < nram; i++)
		free(host[i]);
	printf("seed 0x%llx: %lu iterations:", (unsigned long long)seed, iterations);
	for (int k = 0; k < MMU_FAULT_TYPE_COUNT; k++)
		printf(" %s %lu", mmu_fault_name((mmu_fault_type)k), outcomes[k]);
	printf("; %lu L2 fetches in RAM, %lu straddling an end\n", l2_in_ram, straddling);
	CHECK_EQ(bad, 0);
	if (iterations >= 10000) { /* the fuzzer reaches every outcome and edge */
		for (int k = 0; k < MMU_FAULT_TYPE_COUNT; k++)
			CHECK(outcomes[k] > 0);
		CHECK(l2_in_ram > 0 && straddling > 0);
	}
	return check_report();
}
