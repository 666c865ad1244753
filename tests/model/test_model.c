/* The model library on its own, with no machine and no unicorn: a tiny
 * page table (tests/tlb/guest_pt.h), a few accesses, CP15 writes and
 * retired instructions fed by hand, then the same run recorded and
 * replayed.  Expected values follow from the preset (Cortex-A9: 32-entry
 * micro TLBs, a 128-entry main TLB, no walk cache) and ARM_NOTES §2: a
 * section walk reads one L1 descriptor, a small-page walk one L1 and one
 * L2 descriptor, and an unmapped MB faults at level 1 (FSR 0x005). */
#include <stdlib.h>
#include <unistd.h>

#include "model/model.h"
#include "tests/check.h"
#include "tests/tlb/guest_pt.h"

struct seen {
	unsigned accesses, walks, cp15;
};

static void on_access(void *ctx, const model_access_event *a)
{
	(void)a;
	((struct seen *)ctx)->accesses++;
}

static void on_walk(void *ctx, uint32_t va, const mmu_fault *f, const mmu_entry *e,
		    const mmu_trace *t)
{
	(void)va, (void)f, (void)e, (void)t;
	((struct seen *)ctx)->walks++;
}

static void on_cp15(void *ctx, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	(void)crn, (void)opc1, (void)crm, (void)opc2, (void)value;
	((struct seen *)ctx)->cp15++;
}

static uint64_t counter(const model_t *m, tlb_counter c)
{
	return tlb_counter_get(model_tlb(m), c);
}

/* What a replay with --roi none prints: the counters, and no ROI. */
static char *summary_of(const model_t *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	tlb_stats_print(model_tlb(m), f);
	model_roi_print(NULL, model_tlb(m), f);
	fclose(f);
	return text;
}

int main(void)
{
	guest g;
	guest_init(&g);
	guest_map_section(&g, 0x00100000u, 0x40200000u, 0);
	guest_map_page(&g, 0x00300000u, 0x40201000u, 0);
	guest_set_asid(&g, 1);

	char err[256] = "";
	model_t *m = model_new("cortex-a9", &g.regime, &g.ram_view, err, sizeof err);
	CHECK(m != NULL);
	if (!m) {
		fprintf(stderr, "%s\n", err);
		return check_report();
	}
	struct seen seen = { 0 };
	model_set_events(m, &(model_events){ .ctx = &seen, .on_access = on_access,
					     .on_walk = on_walk, .on_cp15 = on_cp15 });
	char path[] = "/tmp/mmuscope-test-model-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return check_report();
	close(fd);
	model_trace *trace = model_trace_open(path, "unit", m, err, sizeof err);
	CHECK(trace != NULL);
	model_set_trace(m, trace);

	uint64_t pa = 0;
	mmu_fault f = model_access(m, 0x00100010u, MMU_READ, false, 4, 0x00100000u, &pa);
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	CHECK_EQ(pa, 0x40200010u);
	f = model_access(m, 0x00100014u, MMU_READ, false, 4, 0x00100004u, &pa); /* micro hit */
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	CHECK_EQ(pa, 0x40200014u);
	f = model_access(m, 0x00300004u, MMU_WRITE, true, 4, 0x00100008u, &pa);
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	CHECK_EQ(pa, 0x40201004u);
	uint32_t stored = 0x12345678u;
	model_ram_written(m, (uint32_t)pa, &stored, 4);
	f = model_access(m, 0x00500000u, MMU_READ, false, 4, 0x0010000Cu, &pa);
	CHECK_EQ(f.type, MMU_FAULT_TRANSLATION);
	CHECK_EQ(f.level, 1);
	CHECK_EQ(mmu_fsr(&f, MMU_READ), 0x005u);
	model_retire(m, 10);
	model_marker(m, "unit-start");
	model_cp15(m, 8, 0, 7, 0, 0); /* TLBIALL */
	f = model_access(m, 0x00100010u, MMU_READ, false, 4, 0x00100010u, &pa); /* walks again */
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	model_cp15(m, 13, 0, 0, 1, 2); /* CONTEXTIDR: ASID 2 */
	CHECK_EQ(model_regime(m)->contextidr, 2);
	model_marker(m, "unit-done");
	model_retire(m, 5);

	CHECK_EQ(counter(m, TLB_CNT_instructions), 15);
	CHECK_EQ(counter(m, TLB_CNT_accesses), 5);
	CHECK_EQ(counter(m, TLB_CNT_walks_d), 4);
	CHECK_EQ(counter(m, TLB_CNT_walk_steps_l1), 4);
	CHECK_EQ(counter(m, TLB_CNT_walk_steps_l2), 1);
	CHECK_EQ(counter(m, TLB_CNT_dtlb_hits), 1);
	CHECK_EQ(counter(m, TLB_CNT_faults_translation), 1);
	CHECK_EQ(counter(m, TLB_CNT_flush_tlbiall), 1);
	/* Walks: three of one L1 fetch, one of two, 30 cycles a fetch; four
	 * main TLB lookups at 2; micro TLB hits cost 0. */
	CHECK_EQ(counter(m, TLB_CNT_translation_cycles), 5 * 30 + 4 * 2);
	/* TLBIALL found the section and the page in the micro and main TLBs. */
	CHECK_EQ(counter(m, TLB_CNT_entries_invalidated), 4);
	CHECK_EQ(seen.accesses, 5);
	CHECK_EQ(seen.walks, 4);
	CHECK_EQ(seen.cp15, 2);
	const model_heat *heat = model_heatmap(m);
	CHECK_EQ(heat->walks[0x001], 2);
	CHECK_EQ(heat->walks[0x003], 1);
	CHECK_EQ(heat->walks[0x005], 1);
	CHECK_EQ(heat->faults[0x005], 1);

	model_set_trace(m, NULL);
	CHECK(model_trace_close(trace));

	/* The replay runs a fresh model over the recorded RAM and inputs: the
	 * same counters, and the ROI between the two markers (one access: the
	 * walk after the TLBIALL). */
	char *live = summary_of(m);
	char *replayed = NULL, *json = NULL;
	size_t replayed_len = 0, json_len = 0;
	FILE *summary = open_memstream(&replayed, &replayed_len);
	FILE *stats = open_memstream(&json, &json_len);
	uint64_t accesses = 0;
	int status = model_replay(path, "cortex-a9", "none", summary, stats, &accesses, err,
				  sizeof err);
	fclose(summary);
	fclose(stats);
	CHECK_EQ(status, 0);
	CHECK_EQ(accesses, 5);
	CHECK_STR(replayed, live);
	CHECK(strstr(json, "\"walks_d\": 4") != NULL);
	free(replayed);
	free(json);
	replayed = NULL;
	summary = open_memstream(&replayed, &replayed_len);
	status = model_replay(path, "cortex-a9", NULL, summary, NULL, NULL, err, sizeof err);
	fclose(summary);
	CHECK_EQ(status, 0);
	CHECK(strstr(replayed, "\n== region of interest: unit-start .. unit-done ==\n"
			       "instructions  0\n") != NULL);
	free(replayed);

	/* A trace cut short is a one-line error naming where, never a crash. */
	CHECK(truncate(path, 40) == 0);
	status = model_replay(path, "cortex-a9", "none", NULL, NULL, NULL, err, sizeof err);
	CHECK_EQ(status, 2);
	CHECK(strstr(err, "bad trace at byte offset") != NULL);

	free(live);
	unlink(path);
	model_free(m);
	guest_free(&g);
	return check_report();
}
