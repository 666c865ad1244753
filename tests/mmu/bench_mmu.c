/* Micro-benchmark (not a test): mmu_translate walks per second for each
 * kind of mapping, with and without a trace.  Prints figures only.
 *
 * usage: bench_mmu [MILLIONS]   (walks per kind, default 5) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmu/mmu.h"

#define RAM_PA 0x40000000u

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void put32(uint8_t *ram, uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_PA), &v, 4);
}

int main(int argc, char **argv)
{
	unsigned long n = (argc > 1 ? strtoul(argv[1], NULL, 0) : 5) * 1000000ul;
	uint8_t *ram = calloc(1, 1 << 20);
	/* L1 at RAM_PA: 0x000xxxxx small pages, 0x001xxxxx large pages,
	 * 0x01xxxxxx a supersection, 0xC00xxxxx a section. */
	put32(ram, RAM_PA + 0x000 * 4, (RAM_PA + 0x4000) | 1);
	put32(ram, RAM_PA + 0x001 * 4, (RAM_PA + 0x4400) | 1);
	for (unsigned i = 0; i < 16; i++)
		put32(ram, RAM_PA + (0x010 + i) * 4, 0x41000000u | 1u << 18 | 3u << 10 | 2);
	put32(ram, RAM_PA + 0xC00 * 4, 0x40000000u | 3u << 10 | 2);
	for (unsigned i = 0; i < 256; i++) {
		put32(ram, RAM_PA + 0x4000 + i * 4, (0x40100000u + i * 0x1000) | 3u << 4 | 2);
		put32(ram, RAM_PA + 0x4400 + i * 4, (0x40100000u + (i >> 4) * 0x10000) | 3u << 4 | 1);
	}
	mmu_ram view = { .host = ram, .pa = RAM_PA, .size = 1 << 20 };
	mmu_mem mem = { .ram = &view, .nram = 1 };
	mmu_regime r = { .sctlr = MMU_SCTLR_M, .ttbr0 = RAM_PA, .dacr = 0x55555555u };
	mmu_hooks hooks = { .mem_latency = 1 };
	static const struct { const char *name; uint32_t base; unsigned size_log2; } kinds[] = {
		{ "section", 0xC0000000u, 20 }, { "supersection", 0x01000000u, 24 },
		{ "small page", 0x00000000u, 12 }, { "large page", 0x00100000u, 16 },
	};
	printf("%-14s %12s %12s %12s\n", "mapping", "walks", "M walks/s", "traced M/s");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		/* Time the walk that succeeds, not a fault path. */
		mmu_entry check;
		mmu_fault first = mmu_translate(&r, kinds[k].base, MMU_READ, false, 4, &mem, &hooks,
						&check, NULL);
		if (first.type != MMU_FAULT_NONE || check.size_log2 != kinds[k].size_log2) {
			fprintf(stderr, "bench_mmu: the %s mapping does not translate\n", kinds[k].name);
			return 1;
		}
		double rate[2];
		volatile uint64_t sink = 0; /* keeps the walks from being optimised away */
		for (int traced = 0; traced < 2; traced++) {
			mmu_entry e;
			mmu_trace t;
			double start = now();
			for (unsigned long i = 0; i < n; i++) {
				uint32_t va = kinds[k].base + (uint32_t)((i * 0x1010) & 0xFFFFF);
				mmu_fault f = mmu_translate(&r, va, MMU_READ, false, 4, &mem, &hooks, &e,
							    traced ? &t : NULL);
				sink += f.type + mmu_entry_pa(&e, va);
			}
			rate[traced] = n / (now() - start) / 1e6;
		}
		printf("%-14s %12lu %12.1f %12.1f\n", kinds[k].name, n, rate[0], rate[1]);
	}
	free(ram);
	return 0;
}
