/* Micro-benchmark of the TLB model (a benchmark, not a test): translated
 * accesses per second for each shipped preset and three streams:
 *   hit-seq    4-byte reads walking through 4 pages, again and again (the
 *              micro TLB's last-used entry serves almost every access);
 *   hit-mix    reads rotating over 8 pages (micro hits that search the level);
 *   miss       4 KB strides over 16 MB (4096 pages: beyond every main TLB,
 *              so nearly every access walks).
 * Usage: bench_tlb [SCALE]  (SCALE multiplies the access counts; default 1) */
#include <stdlib.h>
#include <time.h>

#include "tests/tlb/guest_pt.h"
#include "tlb/tlb.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef uint32_t (*stream_fn)(uint64_t i);

static uint32_t hit_seq(uint64_t i) { return 0x00400000u + (uint32_t)((i * 4) & 0x3FFF); }
static uint32_t hit_mix(uint64_t i) { return 0x00400000u + (uint32_t)((i % 8) << 12); }
static uint32_t miss(uint64_t i) { return 0x00400000u + (uint32_t)((i % 4096) << 12); }

static const struct {
	const char *name;
	stream_fn next;
	uint64_t accesses;
} streams[] = {
	{ "hit-seq", hit_seq, 200000000 },
	{ "hit-mix", hit_mix, 50000000 },
	{ "miss", miss, 5000000 },
};

int main(int argc, char **argv)
{
	static const char *const presets[] = { "cortex-a5", "cortex-a7", "cortex-a8", "cortex-a9",
					       "cortex-a15" };
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	guest g;
	guest_init(&g);
	/* 16 MB of 4 KB user pages from 0x00400000; 16 L2 tables. */
	for (uint32_t p = 0; p < 4096; p++)
		guest_map_page(&g, 0x00400000u + (p << 12), 0x41000000u + (p << 12), PT_NG);
	guest_set_asid(&g, 1);

	printf("%-11s %-8s %12s %10s %9s %9s\n", "preset", "stream", "accesses", "M/s", "ns/acc",
	       "micro hit");
	uint64_t sink = 0;
	for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
		tlb_config cfg;
		char err[256];
		if (tlb_preset_load(presets[p], &cfg, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		for (size_t s = 0; s < sizeof streams / sizeof streams[0]; s++) {
			tlb_t *t = tlb_new(&cfg);
			uint64_t n = (uint64_t)((double)streams[s].accesses * scale);
			tlb_result r;
			double start = now();
			for (uint64_t i = 0; i < n; i++) {
				tlb_access(t, &g.regime, &g.mem, streams[s].next(i), MMU_READ, true, 4,
					   0x8000, &r);
				sink += r.pa;
			}
			double secs = now() - start;
			double hits = (double)tlb_counter_get(t, TLB_CNT_dtlb_hits);
			printf("%-11s %-8s %12llu %10.1f %9.2f %8.2f%%\n", presets[p], streams[s].name,
			       (unsigned long long)n, (double)n / secs / 1e6, secs * 1e9 / (double)n,
			       100.0 * hits / (double)n);
			tlb_free(t);
		}
	}
	guest_free(&g);
	return sink == 42;      /* keeps the translations observable */
}
