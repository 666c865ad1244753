/* Running in slices is the same run.  A run cut into emu_run(e, N) slices
 * (as the UI's speed setting and the scenarios' run{insns=} do) must retire
 * the same instructions and leave every model counter and the guest's exit
 * code exactly as one uninterrupted run does: a slice boundary is a block
 * boundary, the block there has not run, and the run resumes at it.
 * Workloads: the default kernel sweep; fork, whose processes switch ASIDs
 * and take demand and COW faults; test-young-dirty, with young and dirty
 * faults across an aging pass. */
#include <stdlib.h>

#include "emu/emu.h"
#include "tests/check.h"

struct outcome {
	emu_stop stop;
	int exit_code;
	uint64_t insns, slices, disagreements;
	uint64_t counters[TLB_COUNTER_COUNT];
};

static struct outcome run(const char *workload, const char *args, uint64_t slice)
{
	struct outcome o = { 0 };
	char err[256];
	emu_t *e = emu_create(&(emu_options){ .workload = workload, .args = args, .model = true,
					      .console = fopen("/dev/null", "w") },
			      err, sizeof err);
	if (!e) {
		fprintf(stderr, "emu_create: %s\n", err);
		exit(1);
	}
	/* A slice of N stops within one block of N; 100 M instructions bound a
	 * run that a bug would make endless. */
	while ((o.stop = emu_run(e, slice)) == EMU_STOP_INSN_LIMIT && emu_insns(e) < 100000000)
		o.slices++;
	o.exit_code = emu_exit_code(e);
	o.insns = emu_insns(e);
	o.disagreements = emu_disagreements(e);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		o.counters[c] = tlb_counter_get(emu_tlb(e), (tlb_counter)c);
	emu_destroy(e);
	return o;
}

static void compare(const char *workload, const char *args, const uint64_t *slices, size_t n)
{
	struct outcome whole = run(workload, args, 0);
	CHECK_EQ(whole.stop, EMU_STOP_EXIT);
	CHECK_EQ(whole.exit_code, 0);
	CHECK_EQ(whole.disagreements, 0);
	CHECK_EQ(whole.slices, 0);
	/* The model retired what the machine did: instructions cut short by
	 * an abort are taken back from both. */
	CHECK_EQ(whole.counters[TLB_CNT_instructions], whole.insns);
	for (size_t i = 0; i < n; i++) {
		struct outcome cut = run(workload, args, slices[i]);
		fprintf(stderr, "%s in slices of %llu: %llu slices, %llu instructions\n", workload,
			(unsigned long long)slices[i], (unsigned long long)cut.slices,
			(unsigned long long)cut.insns);
		CHECK_EQ(cut.stop, EMU_STOP_EXIT);
		CHECK_EQ(cut.exit_code, whole.exit_code);
		CHECK_EQ(cut.insns, whole.insns);
		CHECK_EQ(cut.disagreements, 0);
		/* Each slice ends at or after its budget: at most insns/N slices. */
		CHECK(cut.slices >= 1 && cut.slices <= whole.insns / slices[i]);
		for (int c = 0; c < TLB_COUNTER_COUNT; c++)
			if (cut.counters[c] != whole.counters[c]) {
				fprintf(stderr, "counter %s: %llu sliced, %llu whole\n",
					tlb_counter_name((tlb_counter)c),
					(unsigned long long)cut.counters[c],
					(unsigned long long)whole.counters[c]);
				CHECK_EQ(cut.counters[c], whole.counters[c]);
			}
	}
}

int main(void)
{
	compare("sweep", NULL, (const uint64_t[]){ 1000000, 200000, 997 }, 3);
	compare("fork", "children=3 pages=8", (const uint64_t[]){ 200000, 4099 }, 2);
	compare("test-young-dirty", NULL, (const uint64_t[]){ 3001 }, 1);
	return check_report();
}
