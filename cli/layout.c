/* mmuscope layout: boot the guest only to print its memory layout (the
 * "Virtual kernel memory layout" block, meminfo, the buddy lists and
 * memblock), then exit.  A `run` of the guest's layout workload with the
 * model off. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_layout(int argc, char **argv)
{
	char *run_argv[16] = { "run", "--workload", "layout", "--model", "off", "--quiet" };
	int n = 6;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			printf("usage: mmuscope layout [--board q3f|vexpress] [--layout L] [--ram MB]\n"
			       "\n"
			       "Boots the guest and prints the kernel's memory layout as Linux does at\n"
			       "boot (vector, fixmap, vmalloc, lowmem, modules, .text/.init/.data/.bss),\n"
			       "meminfo, the free lists and memblock; then exits.  --layout chooses how\n"
			       "lowmem is mapped (sections, pages, supersections, large).\n");
			return 0;
		}
		if (strcmp(opt, "--board") && strcmp(opt, "--layout") && strcmp(opt, "--ram"))
			return cli_usage_error("layout", "unknown option '%s'", opt);
		if (i + 1 >= argc)
			return cli_usage_error("layout", "option %s needs a value", opt);
		run_argv[n++] = argv[i];
		run_argv[n++] = argv[++i];
		if (n > 12)
			return cli_usage_error("layout", "each option may be given once");
	}
	return cli_run(n, run_argv);
}
