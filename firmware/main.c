/* C entry: banner, command line, workload dispatch, exit code. */
#include "fw.h"
#include "guestmm/gmm.h"

static char cmdline[256];

static const char *board_name(void)
{
#if defined(BOARD_Q3F)
	return "q3f";
#else
	return "vexpress";
#endif
}

/* Finds "workload=NAME" anywhere in the command line (qemu-system-arm puts
 * the kernel path first); the words after it are the workload's arguments.
 * No such word, or the name "default", selects the table's first entry. */
static const struct fw_workload *select_workload(char *line, const char **args)
{
	const char *name = "default";
	*args = "";
	for (char *p = line; *p; p++) {
		if ((p == line || p[-1] == ' ') && !strncmp(p, "workload=", 9)) {
			name = p + 9;
			char *end = p + 9;
			while (*end && *end != ' ')
				end++;
			if (*end)
				*args = end + 1;
			*end = 0;
			break;
		}
	}
	if (!strcmp(name, "default"))
		return &fw_workloads[0];
	for (const struct fw_workload *w = fw_workloads; w->name; w++)
		if (!strcmp(w->name, name))
			return w;
	if (!strcmp(name, "list"))
		for (const struct fw_workload *w = fw_workloads; w->name; w++)
			printk("%s: %s\n", w->name, w->help);
	/* A user program (or "list"): the user image gets "NAME ARGS" back. */
	if (**args)
		((char *)*args)[-1] = ' ';
	*args = name;
	return 0;
}

void fw_main(uint32_t phys_offset)
{
	/* The RAM size is the host's to say (--ram); setup_arch prints it. */
	printk("mmuscope firmware, board %s: RAM at %p, MMU on, "
	       "PAGE_OFFSET %p, TTBR0 %p, SCTLR %p\n",
	       board_name(), (void *)phys_offset,
	       (void *)PAGE_OFFSET, (void *)read_ttbr0(), (void *)read_sctlr());
	gic_init();
	if (fw_get_cmdline(cmdline, sizeof cmdline) < 0)
		cmdline[0] = 0;
	gmm_setup_arch(cmdline);
	gmm_mm_init();
	const char *args;
	const struct fw_workload *w = select_workload(cmdline, &args);
	fw_marker("boot");
	/* Not a kernel workload: init runs "NAME ARGS" from the user image,
	 * which exits 2 for an unknown name or bad arguments. */
	int rc = w ? w->run(args) : run_user_programs(args);
	printk("workload %s: exit %d\n", w ? w->name : args, rc);
	fw_exit(rc);
}
