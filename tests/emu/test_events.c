/* The event interface of emu/: a boot of the selftest workload seen through
 * emu_events.  The selftest takes a domain fault at DFAR 0x0050000C with
 * DFSR 0x059 (section, domain 5) by construction, reports the markers
 * "boot" and "thumb", and programs TTBR0; walks seen by the callback must be
 * exactly the model's walk counters.  A stop requested at the first marker
 * pauses the run, and a second emu_run finishes it. */
#include "emu/emu.h"
#include "tests/check.h"

struct seen {
	emu_t *e;
	unsigned markers, ttbr0_writes, svcs;
	uint64_t walks, accesses;
	bool domain_abort, stop_at_marker;
	char first_marker[32];
};

static void on_marker(void *ctx, const char *name)
{
	struct seen *s = ctx;
	if (!s->markers++) {
		snprintf(s->first_marker, sizeof s->first_marker, "%s", name);
		if (s->stop_at_marker)
			emu_request_stop(s->e);
	}
}

static void on_walk(void *ctx, uint32_t va, const mmu_fault *f, const mmu_entry *entry,
		    const mmu_trace *t)
{
	struct seen *s = ctx;
	(void)va;
	s->walks++;
	CHECK(t->nsteps >= 1 && t->nsteps <= 2);
	CHECK((entry != NULL) == (f->type == MMU_FAULT_NONE));
}

static void on_access(void *ctx, const model_access_event *a)
{
	struct seen *s = ctx;
	s->accesses++;
	(void)a;
}

static void on_cp15(void *ctx, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	struct seen *s = ctx;
	(void)value;
	if (crn == 2 && opc1 == 0 && crm == 0 && opc2 == 0)
		s->ttbr0_writes++;
}

static void on_exception(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr, uint32_t far)
{
	struct seen *s = ctx;
	(void)pc;
	if (kind == EMU_EXC_DABT && fsr == 0x059 && far == 0x0050000C)
		s->domain_abort = true;
	if (kind == EMU_EXC_SVC)
		s->svcs++;
}

int main(void)
{
	struct seen s = { .stop_at_marker = true };
	char err[256];
	emu_t *e = emu_create(&(emu_options){ .workload = "selftest", .model = true,
					      .console = fopen("/dev/null", "w") },
			      err, sizeof err);
	if (!e) {
		fprintf(stderr, "emu_create: %s\n", err);
		return 1;
	}
	s.e = e;
	emu_set_events(e, &(emu_events){ .model = { .ctx = &s, .on_walk = on_walk,
						    .on_access = on_access, .on_cp15 = on_cp15 },
					  .on_marker = on_marker, .on_exception = on_exception });
	CHECK_EQ(emu_run(e, 0), EMU_STOP_REQUESTED);
	CHECK_STR(s.first_marker, "boot");
	uint64_t paused_at = emu_insns(e);
	CHECK_EQ(emu_run(e, 0), EMU_STOP_EXIT);
	CHECK(emu_insns(e) > paused_at);
	CHECK_EQ(emu_exit_code(e), 0);
	CHECK_EQ(s.markers, 2);
	CHECK(s.domain_abort);
	CHECK(s.svcs >= 1);
	CHECK(s.ttbr0_writes >= 1);
	const tlb_t *t = emu_tlb(e);
	CHECK_EQ(s.walks, tlb_counter_get(t, TLB_CNT_walks_i) + tlb_counter_get(t, TLB_CNT_walks_d));
	CHECK(s.accesses >= tlb_counter_get(t, TLB_CNT_accesses));
	emu_destroy(e);
	return check_report();
}
