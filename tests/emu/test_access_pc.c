/* Every data access is attributed to the instruction that made it.  Inside
 * memory hooks unicorn 2.0.1 reports the block's first address, so emu/
 * follows the block's loads and stores itself (access_pc in machine.c);
 * here a hook on every instruction gives unicorn's exact PC for each access
 * and any difference counts as a disagreement.  The workloads cover LDM/STM
 * (every function's prologue), LDRD/STRD, conditional loads and stores,
 * the kernel's exception entry and copy routines, and user processes. */
#include <stdlib.h>

#include "emu/emu.h"
#include "tests/check.h"

static void check_workload(const char *workload, const char *args)
{
	char err[256];
	emu_t *e = emu_create(&(emu_options){ .workload = workload, .args = args, .model = true,
					      .check_access_pc = true,
					      .console = fopen("/dev/null", "w") },
			      err, sizeof err);
	if (!e) {
		fprintf(stderr, "emu_create: %s\n", err);
		exit(1);
	}
	emu_stop stop = emu_run(e, 100000000);
	fprintf(stderr, "%s: %llu instructions, %llu disagreements\n", workload,
		(unsigned long long)emu_insns(e), (unsigned long long)emu_disagreements(e));
	CHECK_EQ(stop, EMU_STOP_EXIT);
	CHECK_EQ(emu_exit_code(e), 0);
	CHECK_EQ(emu_disagreements(e), 0);
	emu_destroy(e);
}

int main(void)
{
	check_workload("selftest", NULL);
	check_workload("test-vmalloc", NULL);
	check_workload("sweep", "4 1");
	check_workload("test-young-dirty", NULL);
	check_workload("fork", "children=2 pages=4");
	check_workload("matrix", "n=12");
	check_workload("test-segv", NULL);
	check_workload("mmap", "iterations=5 pages=4");
	return check_report();
}
