/* mmuscope replay: run a recorded trace through the MMU/TLB model alone,
 * under any TLB preset. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "emu/emu.h"

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

int cli_replay(int argc, char **argv)
{
	const char *trace = NULL, *preset = "cortex-a5", *stats = NULL, *roi = NULL;
	bool quiet = false, preset_given = false, stats_given = false;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			printf("usage: mmuscope replay TRACE [--preset NAME|FILE] [--roi START,END|none]\n"
			       "                      [--stats FILE.json] [--quiet]\n"
			       "\n"
			       "Runs a trace recorded by 'mmuscope run --trace TRACE' through the MMU/TLB\n"
			       "model alone (no unicorn) with the given TLB preset (default cortex-a5),\n"
			       "prints the summary, the accesses replayed per second, and with --stats\n"
			       "writes the TLB counters as JSON.  With the preset of the live run the\n"
			       "counters equal the live run's.  The trace holds the run's markers:\n"
			       "--roi selects the region of interest as 'mmuscope run --roi' does\n"
			       "(default: the recorded workload's NAME-start,NAME-done when reported;\n"
			       "a marker never reached is exit status 2, after the summary).\n");
			return 0;
		}
		if (!strcmp(opt, "--quiet")) {
			if (quiet)
				return cli_usage_error("replay", "option %s given twice", opt);
			quiet = true;
		} else if (!strcmp(opt, "--roi")) {
			if (i + 1 >= argc)
				return cli_usage_error("replay", "option %s needs a value", opt);
			if (roi)
				return cli_usage_error("replay", "option %s given twice", opt);
			roi = argv[++i];
		} else if (!strcmp(opt, "--preset") || !strcmp(opt, "--stats")) {
			if (i + 1 >= argc)
				return cli_usage_error("replay", "option %s needs a value", opt);
			bool *given = opt[2] == 'p' ? &preset_given : &stats_given;
			if (*given)
				return cli_usage_error("replay", "option %s given twice", opt);
			*given = true;
			*(opt[2] == 'p' ? &preset : &stats) = argv[++i];
		} else if (opt[0] == '-' || trace) {
			return cli_usage_error("replay", "unexpected argument '%s'", opt);
		} else {
			trace = opt;
		}
	}
	if (!trace)
		return cli_usage_error("replay", "a trace file is required");
	char err[512];
	if (model_roi_check_spec(roi, err, sizeof err))
		return cli_usage_error("replay", "%s", err);
	cli_output json = { 0 };
	if (stats && !cli_output_open(&json, "replay", stats))
		return 2;
	uint64_t accesses = 0;
	/* CPU time as well as wall time: on a shared machine the wall clock
	 * also counts the time other processes had the core. */
	struct timespec wall0, wall1, cpu0, cpu1;
	clock_gettime(CLOCK_MONOTONIC, &wall0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
	int status = model_replay(trace, preset, roi, quiet ? NULL : stdout, json.f, &accesses, err,
				sizeof err);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
	clock_gettime(CLOCK_MONOTONIC, &wall1);
	if (status) {
		cli_output_discard(&json);
		fprintf(stderr, "mmuscope replay: %s\n", err);
		return status;
	}
	if (stats && !cli_output_commit(&json))
		return 2;
	double wall = seconds_between(&wall0, &wall1), cpu = seconds_between(&cpu0, &cpu1);
	if (!quiet)
		printf("replayed      %llu accesses in %.3f s (%.3f s CPU): %.1f M accesses/s, "
		       "%.1f M per CPU second\n", (unsigned long long)accesses, wall, cpu,
		       wall > 0 ? accesses / wall / 1e6 : 0, cpu > 0 ? accesses / cpu / 1e6 : 0);
	return 0;
}
