/* mmuscope ui: the interactive heatmap, TLB view and walk stepper. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "emu/emu.h"
#include "ui/ui.h"

static void ui_help(void)
{
	printf(
		"usage: mmuscope ui [options]\n"
		"\n"
		"Boots the guest like 'mmuscope run' and shows, live: the per-MB heatmap of\n"
		"the address space (click a cell for its L2 table), the TLB contents, and a\n"
		"walk stepper that pauses on the next walk or fault and shows every\n"
		"descriptor fetch.  Press ? in the window for the keys (docs/ui.md).\n"
		"\n"
		"options:\n"
		"  --board, --workload, --args, --layout, --firmware, --ram, --preset,\n"
		"  --console FILE          as for 'mmuscope run'\n"
		"  --headless              render with SDL's offscreen driver (no display)\n"
		"  --frames N              quit after N frames (default: when closed)\n"
		"  --screenshot FILE.png   write the last frame as a PNG\n"
		"  --script FILE           synthetic input, one command a line: key NAME,\n"
		"                          click VA, hover VA, click-hot N, wait N,\n"
		"                          until-paused N, until KEY FIELD=VALUE N,\n"
		"                          screenshot FILE, state FILE, quit\n"
		"  --state FILE            write the UI's final state (key=value lines)\n"
		"  --speed N               instructions per frame (default 20000)\n"
		"  --paused                start paused\n"
		"  --metric NAME           walks (default), misses, faults, hazards, kind\n"
		"  --size WxH              window size (default 1280x800, at least 1024x640)\n"
		"  --break-va VA           w/f/b pause only on accesses to VA's 4 KB page\n"
		"  --break-pc PC           ... and only by the instruction at PC\n"
		"  --break-marker NAME     m pauses only at this marker (exit 2 if the guest\n"
		"                          never reports it)\n"
		"\n"
		"Exit status: 0 done, 1 the UI failed, 2 bad input or no SDL2 in this build.\n");
}

/* The guest checks the workload's name and arguments only after it booted
 * (about 1.7 M instructions); a quick run without the model finds out
 * before the window opens.  2 after a message if they were rejected. */
static int rejected_workload(const emu_options *eo)
{
	enum { CHECK_INSNS = 4000000 };
	FILE *quiet = fopen("/dev/null", "w");
	emu_options check = *eo;
	check.model = false;
	check.preset = NULL;
	check.console = quiet;
	char err[512];
	emu_t *e = quiet ? emu_create(&check, err, sizeof err) : NULL;
	bool rejected = e && emu_run(e, CHECK_INSNS) == EMU_STOP_EXIT && emu_exit_code(e) == 2;
	emu_destroy(e);
	if (quiet)
		fclose(quiet);
	if (rejected)
		fprintf(stderr, "mmuscope ui: guest exited with code 2 (bad workload or arguments)\n");
	return rejected ? 2 : 0;
}

int cli_ui(int argc, char **argv)
{
	emu_options eo = { .model = true };
	ui_options uo = { 0 };
	const char *console = NULL, *metric = NULL;
	static const char *const flags[] = { "--help", "-h", "--headless", "--paused", NULL };
	static const char *const valued[] = { CLI_MACHINE_OPTIONS, "--console", "--frames",
		"--screenshot", "--script", "--state", "--speed", "--metric", "--size", "--break-va",
		"--break-pc", "--break-marker", NULL };
	cli_args args = { .cmd = "ui", .argc = argc, .argv = argv, .flags = flags, .valued = valued };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			ui_help();
			return 0;
		}
		int machine = cli_machine_option("ui", opt, val, &eo);
		if (machine == 2)
			return 2;
		if (machine)
			continue;
		uint64_t n;
		if (!strcmp(opt, "--headless")) uo.headless = true;
		else if (!strcmp(opt, "--paused")) uo.paused = true;
		else if (!strcmp(opt, "--console")) console = val;
		else if (!strcmp(opt, "--screenshot")) uo.screenshot = val;
		else if (!strcmp(opt, "--script")) uo.script = val;
		else if (!strcmp(opt, "--state")) uo.state = val;
		else if (!strcmp(opt, "--metric")) metric = val;
		else if (!strcmp(opt, "--break-marker")) uo.break_marker = val;
		else if (!strcmp(opt, "--break-va") || !strcmp(opt, "--break-pc")) {
			if (!cli_parse_u64(opt, val, UINT32_MAX, &n))
				return 2;
			if (!strcmp(opt, "--break-va"))
				uo.has_break_va = true, uo.break_va = (uint32_t)n;
			else
				uo.has_break_pc = true, uo.break_pc = (uint32_t)n;
		} else if (!strcmp(opt, "--frames")) {
			if (!cli_parse_u64("--frames", val, UINT32_MAX, &n))
				return 2;
			uo.frames = (unsigned)n;
		} else if (!strcmp(opt, "--speed")) {
			if (!cli_parse_u64("--speed", val, UINT64_MAX, &uo.speed))
				return 2;
			if (!uo.speed)
				return cli_usage_error("ui", "--speed must be at least 1");
		} else if (!strcmp(opt, "--size")) {
			char tail;
			if (sscanf(val, "%dx%d%c", &uo.width, &uo.height, &tail) != 2 || uo.width < 1024 ||
			    uo.height < 640 || uo.width > 8192 || uo.height > 8192)
				return cli_usage_error("ui", "--size takes WxH, 1024x640 to 8192x8192, not '%s'", val);
		}
	}
	if (more)
		return more;
	ui_metric m = UI_METRIC_WALKS;
	if (metric && !ui_metric_parse(metric, &m))
		return cli_usage_error("ui", "--metric takes walks, misses, faults, hazards or kind, not '%s'",
				       metric);
	if (uo.headless && !uo.frames)
		return cli_usage_error("ui", "--headless needs --frames N");
	/* Every input and output checked before the machine starts. */
	FILE *script = uo.script ? fopen(uo.script, "r") : NULL;
	if (uo.script && !script) {
		fprintf(stderr, "mmuscope ui: cannot read %s: %s\n", uo.script, strerror(errno));
		return 2;
	}
	if (script)
		fclose(script);
	enum { OUT_CONSOLE, OUT_SCREENSHOT, OUT_STATE, OUT_COUNT };
	const char *paths[OUT_COUNT] = { console, uo.screenshot, uo.state };
	cli_output outs[OUT_COUNT] = { 0 };
	for (int k = 0; k < OUT_COUNT; k++)
		if (paths[k] && !cli_output_open(&outs[k], "ui", paths[k])) {
			while (k--)
				cli_output_discard(&outs[k]);
			return 2;
		}
	eo.console = outs[OUT_CONSOLE].f;
	if (uo.screenshot)
		uo.screenshot = cli_output_file(&outs[OUT_SCREENSHOT]);
	if (uo.state)
		uo.state = cli_output_file(&outs[OUT_STATE]);
	char err[512];
	emu_t *e = emu_create(&eo, err, sizeof err);
	int status = e ? rejected_workload(&eo) : 2;
	if (!e)
		fprintf(stderr, "mmuscope ui: %s\n", err);
	if (status) {
		emu_destroy(e);
		for (int k = 0; k < OUT_COUNT; k++)
			cli_output_discard(&outs[k]);
		return status;
	}
	uo.metric = m;
	uo.machine = &eo;
	status = ui_run(&e, &uo, err, sizeof err) == 0 ? 0 : 1;
	if (status)
		fprintf(stderr, "mmuscope ui: %s\n", err);
	/* The firmware exits 2 when it rejects the workload or its arguments. */
	if (emu_exit_code(e) == 2) {
		fprintf(stderr, "mmuscope ui: guest exited with code 2 (bad workload or arguments)\n");
		status = 2;
	}
	bool marker_seen = !uo.break_marker;
	for (size_t i = 0; !marker_seen && i < emu_marker_count(e); i++)
		marker_seen = !strcmp(emu_marker(e, i), uo.break_marker);
	if (!marker_seen && status != 2) {
		fprintf(stderr, "mmuscope ui: the guest never reported marker '%s' (--break-marker)\n",
			uo.break_marker);
		status = 2;
	}
	emu_destroy(e);
	for (int k = 0; k < OUT_COUNT; k++) {
		if (status == 1 && k != OUT_CONSOLE)  /* the UI failed before writing it */
			cli_output_discard(&outs[k]);
		else if (outs[k].f && !cli_output_commit(&outs[k]))
			status = 2;
	}
	return status;
}
