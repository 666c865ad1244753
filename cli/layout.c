/* mmuscope layout: boot the guest only to print its memory layout (the
 * "Virtual kernel memory layout" block, meminfo, the buddy lists and
 * memblock), then exit.  The guest's layout workload with the model off. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "emu/emu.h"

/* The biggest boot (vexpress, 1 GB, small pages) takes some 21 million. */
#define LAYOUT_MAX_INSNS 100000000ull

static int usage(void)
{
	printf("usage: mmuscope layout [--board q3f|vexpress] [--layout L] [--ram MB]\n"
	       "\n"
	       "Boots the guest and prints the kernel's memory layout as Linux does at\n"
	       "boot (vector, fixmap, vmalloc, lowmem, modules, .text/.init/.data/.bss),\n"
	       "meminfo, the free lists and memblock; then exits.  --layout chooses how\n"
	       "lowmem is mapped (sections, pages, supersections, large).\n");
	return 0;
}

int cli_layout(int argc, char **argv)
{
	emu_options eo = { .workload = "layout", .model = false };
	static const char *const flags[] = { "--help", "-h", NULL };
	static const char *const valued[] = { "--board", "--layout", "--ram", NULL };
	cli_args args = { .cmd = "layout", .argc = argc, .argv = argv, .flags = flags, .valued = valued };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h"))
			return usage();
		if (cli_machine_option("layout", opt, val, &eo) == 2)
			return 2;
	}
	if (more)
		return more;

	char err[512];
	emu_t *e = emu_create(&eo, err, sizeof err);
	if (!e) {
		fprintf(stderr, "mmuscope layout: %s\n", err);
		return 2;
	}
	emu_stop stop = emu_run(e, LAYOUT_MAX_INSNS);
	fflush(stdout);
	int status = 1;
	if (stop == EMU_STOP_ERROR) {
		fprintf(stderr, "mmuscope layout: %s\n", emu_error(e));
	} else if (stop != EMU_STOP_EXIT) {
		fprintf(stderr, "mmuscope layout: the guest did not finish booting\n");
	} else if (emu_exit_code(e) != 0) {
		/* 2: the guest refused its command line, bad input as for run. */
		status = emu_exit_code(e) == 2 ? 2 : 1;
		fprintf(stderr, "mmuscope layout: guest exited with code %d\n", emu_exit_code(e));
	} else {
		status = 0;
	}
	emu_destroy(e);
	return status;
}
