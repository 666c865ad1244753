/* mmuscope run: boot the guest and run a workload under the model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "emu/emu.h"
#include "ui/ui.h"

static void run_help(void)
{
	printf(
		"usage: mmuscope run [options]\n"
		"\n"
		"Boots the guest firmware with the MMU on, runs one workload, and prints\n"
		"the MMU/TLB model's summary (per-level lookups, hit rates, walks, faults,\n"
		"cycles).\n"
		"\n"
		"options:\n"
		"  --board q3f|vexpress    board profile (default q3f)\n"
		"  --workload NAME         guest workload (default: the firmware's, 'sweep');\n"
		"                          'mmuscope run --workload list' lists them\n"
		"  --args \"ARGS\"           arguments for the workload\n"
		"  --layout NAME           how the kernel maps lowmem: sections (default),\n"
		"                          pages, supersections (where aligned), large\n"
		"                          (64 KB pages)\n"
		"  --firmware FILE         firmware ELF (default: the one built for the board)\n"
		"  --kernel FILE           boot a Linux zImage instead (--board vexpress; RAM\n"
		"                          256 MB unless --ram), as qemu-system-arm -kernel:\n"
		"  --dtb FILE              its device tree (needed; kept to one core)\n"
		"  --initrd FILE           its initramfs\n"
		"  --append \"CMDLINE\"     its command line\n"
		"  --ram MB                guest RAM size (default: the board's)\n"
		"  --max-insns N           stop after N instructions (exit 0, noted)\n"
		"  --model on|off          shadow every access with the MMU/TLB model (default\n"
		"                          on); off runs without memory or MCR hooks: the\n"
		"                          speed baseline\n"
		"  --preset NAME|FILE      TLB organisation (default: the board's core,\n"
		"                          cortex-a5 for q3f, cortex-a9 for vexpress)\n"
		"  --roi START,END|none    region of interest: also report the counters\n"
		"                          between the first marker START and the first END\n"
		"                          after it (default: the workload's NAME-start,\n"
		"                          NAME-done when it reports them; none: whole run\n"
		"                          only); a name must occur in the firmware image\n"
		"  --stats FILE.json       write every counter as JSON (\"roi\": the ROI's)\n"
		"  --heatmap FILE.png      write the per-MB heatmap of walks as a PNG\n"
		"  --console FILE          guest console output to FILE (default stdout)\n"
		"  --dump-pt FILE.jsonl    write every mapping of the current address space,\n"
		"                          one JSON object per page or section (asid, va, kind,\n"
		"                          pa, hw descriptor, Linux PTE for small pages, L1\n"
		"                          descriptor address); check it with\n"
		"                          'mmuscope pte --check FILE.jsonl'\n"
		"  --ptdump FILE           write the current address space's mappings as a\n"
		"                          ptdump-style list: VA range -> PA, size, kind,\n"
		"                          kernel/user access, XN, global, domain, Linux flags\n"
		"  --dump-ram FILE         write guest RAM as a raw image and print the\n"
		"                          'mmuscope walk' options that walk it\n"
		"  --dump-at MARKER        take the dumps when the guest reports MARKER\n"
		"                          (default: when the run ends)\n"
		"  --trace FILE            record every access, maintenance op, context switch\n"
		"                          and RAM write the model sees (uncompressed,\n"
		"                          about 4.5 bytes an access), for\n"
		"                          'mmuscope replay FILE --preset P'\n"
		"  --quiet                 no summary\n"
		"\n"
		"Exit status: 0 the guest exited 0 (or the instruction limit was reached),\n"
		"1 the guest failed or the model disagreed with QEMU, 2 bad input (including\n"
		"a workload name or arguments the guest rejects, and an --roi marker the run\n"
		"never reached, reported after the summary).\n");
}

/* The output files, each opened (so its path checked) before the run and
 * renamed into place after it (cli_output). */
enum { OUT_STATS, OUT_HEATMAP, OUT_CONSOLE, OUT_DUMP_PT, OUT_PTDUMP, OUT_DUMP_RAM, OUT_TRACE, OUT_COUNT };

struct run_args {
	emu_options emu;
	uint64_t max_insns;
	const char *path[OUT_COUNT], *dump_at;
	cli_output out[OUT_COUNT];
	bool quiet, dumped;
	emu_t *machine;         /* for the marker callback */
	int dump_status;
};

/* Returns -1 on success, else the exit status to return. */
static int parse(int argc, char **argv, struct run_args *a)
{
	a->emu.model = true;
	static const char *const flags[] = { "--help", "-h", "--quiet", NULL };
	static const char *const valued[] = { CLI_MACHINE_OPTIONS, "--max-insns", "--model",
		"--stats", "--heatmap", "--console", "--dump-pt", "--ptdump", "--dump-ram", "--dump-at",
		"--trace", "--roi", NULL };
	cli_args args = { .cmd = "run", .argc = argc, .argv = argv, .flags = flags, .valued = valued };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			run_help();
			return 0;
		}
		int machine = cli_machine_option("run", opt, val, &a->emu);
		if (machine == 2)
			return 2;
		if (machine)
			continue;
		if (!strcmp(opt, "--quiet")) a->quiet = true;
		else if (!strcmp(opt, "--stats")) a->path[OUT_STATS] = val;
		else if (!strcmp(opt, "--heatmap")) a->path[OUT_HEATMAP] = val;
		else if (!strcmp(opt, "--console")) a->path[OUT_CONSOLE] = val;
		else if (!strcmp(opt, "--dump-pt")) a->path[OUT_DUMP_PT] = val;
		else if (!strcmp(opt, "--ptdump")) a->path[OUT_PTDUMP] = val;
		else if (!strcmp(opt, "--dump-ram")) a->path[OUT_DUMP_RAM] = val;
		else if (!strcmp(opt, "--dump-at")) a->dump_at = val;
		else if (!strcmp(opt, "--trace")) a->path[OUT_TRACE] = val;
		else if (!strcmp(opt, "--roi")) a->emu.roi = val;
		else if (!strcmp(opt, "--max-insns")) {
			if (!cli_parse_u64("--max-insns", val, UINT64_MAX, &a->max_insns))
				return 2;
		} else if (!strcmp(opt, "--model")) {
			if (strcmp(val, "on") && strcmp(val, "off"))
				return cli_usage_error("run", "--model takes on or off, not '%s'", val);
			a->emu.model = !strcmp(val, "on");
		}
	}
	if (more)
		return more;
	char err[512];
	if (model_roi_check_spec(a->emu.roi, err, sizeof err))
		return cli_usage_error("run", "%s", err);
	if (a->dump_at && !a->path[OUT_DUMP_PT] && !a->path[OUT_PTDUMP] && !a->path[OUT_DUMP_RAM])
		return cli_usage_error("run", "--dump-at needs --dump-pt, --ptdump or --dump-ram");
	if (!a->emu.model && (a->path[OUT_STATS] || a->path[OUT_HEATMAP] || a->emu.preset))
		return cli_usage_error("run", "--stats, --heatmap and --preset need --model on");
	return -1;
}

/* Opens every output given; false (all closed again) if one cannot be. */
static bool open_outputs(struct run_args *a)
{
	for (int k = 0; k < OUT_COUNT; k++)
		if (a->path[k] && !cli_output_open(&a->out[k], "run", a->path[k])) {
			while (k--)
				cli_output_discard(&a->out[k]);
			return false;
		}
	return true;
}

/* Commits every output that is still open; false if one failed. */
static bool commit_outputs(struct run_args *a)
{
	bool ok = true;
	for (int k = 0; k < OUT_COUNT; k++)
		if (a->out[k].f)
			ok &= cli_output_commit(&a->out[k]);
	return ok;
}

static void discard_outputs(struct run_args *a)
{
	for (int k = 0; k < OUT_COUNT; k++)
		cli_output_discard(&a->out[k]);
}

/* Writes the requested dumps once; a failure makes the run's status 2. */
static void take_dumps(emu_t *e, struct run_args *a)
{
	if (a->dumped)
		return;
	a->dumped = true;
	if (a->path[OUT_DUMP_PT]) {
		emu_dump_pt(e, a->out[OUT_DUMP_PT].f);
		if (!cli_output_commit(&a->out[OUT_DUMP_PT]))
			a->dump_status = 2;
	}
	mmu_regime r;
	emu_read_regime(e, &r);
	if (a->path[OUT_PTDUMP]) {
		ui_ptdump(e, &r, a->out[OUT_PTDUMP].f);
		if (!cli_output_commit(&a->out[OUT_PTDUMP]))
			a->dump_status = 2;
	}
	const char *dump_ram = a->path[OUT_DUMP_RAM];
	if (dump_ram) {
		char err[512];
		if (!emu_dump_ram(e, cli_output_file(&a->out[OUT_DUMP_RAM]), err, sizeof err)) {
			fprintf(stderr, "mmuscope run: %s\n", err);
			cli_output_discard(&a->out[OUT_DUMP_RAM]);
			a->dump_status = 2;
			return;
		}
		if (!cli_output_commit(&a->out[OUT_DUMP_RAM])) {
			a->dump_status = 2;
			return;
		}
		fprintf(stderr,
			"mmuscope run: RAM written to %s; walk it with:\n"
			"  mmuscope walk --mem %s@0x%08x --ttbr0 0x%08x --ttbr1 0x%08x --ttbcr 0x%x "
			"--dacr 0x%08x --sctlr 0x%08x --prrr 0x%08x --nmrr 0x%08x --contextidr 0x%x%s "
			"--va VA\n",
			dump_ram, dump_ram, emu_ram_base(e), r.ttbr0, r.ttbr1, r.ttbcr, r.dacr,
			r.sctlr, r.prrr, r.nmrr, r.contextidr, r.has_pxn ? " --pxn" : "");
	}
}

static void dump_at_marker(void *ctx, const char *name)
{
	struct run_args *a = ctx;
	if (!strcmp(name, a->dump_at))
		take_dumps(a->machine, a);
}

int cli_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	int status = parse(argc, argv, &a);
	if (status >= 0)
		return status;
	if (!open_outputs(&a))
		return 2;
	a.emu.console = a.out[OUT_CONSOLE].f;
	if (a.path[OUT_TRACE])
		a.emu.trace = cli_output_file(&a.out[OUT_TRACE]);
	char err[512];
	emu_t *e = emu_create(&a.emu, err, sizeof err);
	if (!e) {
		fprintf(stderr, "mmuscope run: %s\n", err);
		discard_outputs(&a);
		return 2;
	}
	if (a.dump_at) {
		a.machine = e;
		emu_set_events(e, &(emu_events){ .model.ctx = &a, .on_marker = dump_at_marker });
	}
	emu_stop stop = emu_run(e, a.max_insns);
	status = 0;
	switch (stop) {
	case EMU_STOP_EXIT:
		/* The firmware exits 2 when it rejects the workload or its
		 * arguments: bad input, like a bad option. */
		status = emu_exit_code(e) == 0 ? 0 : emu_exit_code(e) == 2 ? 2 : 1;
		if (status)
			fprintf(stderr, "mmuscope run: guest exited with code %d%s\n", emu_exit_code(e),
				status == 2 ? " (bad workload or arguments)" : "");
		break;
	case EMU_STOP_INSN_LIMIT:
		fprintf(stderr, "mmuscope run: stopped at the instruction limit (%llu)\n",
			(unsigned long long)emu_insns(e));
		break;
	case EMU_STOP_ERROR:
		fprintf(stderr, "mmuscope run: %s\n", emu_error(e));
		status = 1;
		break;
	case EMU_STOP_REQUESTED: /* nothing here asks for a stop */
		break;
	}
	if (emu_disagreements(e)) {
		fprintf(stderr, "mmuscope run: %llu disagreement(s) between the model and QEMU\n",
			(unsigned long long)emu_disagreements(e));
		status = 1;
	}
	if (!emu_end_trace(e)) {
		fprintf(stderr, "mmuscope run: the trace %s could not be written completely\n",
			a.path[OUT_TRACE]);
		cli_output_discard(&a.out[OUT_TRACE]);
		status = 2;
	}
	if (a.dump_at && !a.dumped)
		fprintf(stderr, "mmuscope run: the guest never reported marker '%s'; dumping at the end\n",
			a.dump_at);
	/* Rejected input leaves the old outputs, bar the console that says why. */
	if (stop == EMU_STOP_EXIT && status == 2) {
		for (int k = 0; k < OUT_COUNT; k++)
			if (k != OUT_CONSOLE)
				cli_output_discard(&a.out[k]);
		emu_destroy(e);
		return commit_outputs(&a), 2;
	}
	take_dumps(e, &a);
	if (a.dump_status)
		status = a.dump_status;
	if (!a.quiet)
		emu_print_summary(e, stdout);
	if (a.path[OUT_STATS])
		emu_write_json(e, a.out[OUT_STATS].f);
	if (a.path[OUT_HEATMAP] &&
	    ui_heatmap_png(emu_heatmap(e), UI_METRIC_WALKS, cli_output_file(&a.out[OUT_HEATMAP]), err,
			   sizeof err) != 0) {
		fprintf(stderr, "mmuscope run: %s\n", err);
		cli_output_discard(&a.out[OUT_HEATMAP]);
		status = 2;
	}
	/* After the whole run's report: an --roi marker never reached. */
	if (emu_roi_check(e, err, sizeof err)) {
		fflush(stdout);
		fprintf(stderr, "mmuscope run: %s\n", err);
		status = 2;
	}
	emu_destroy(e);
	if (!commit_outputs(&a))
		status = 2;
	return status;
}
