/* mmuscope: dispatch to the subcommands. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cli_run, "boot the guest, run a workload, print the model's summary" },
	{ "walk", cli_walk, "walk a page-table image for one VA and print every step" },
	{ "bench", cli_bench, "sweep workloads x TLB presets x layouts; CSV, JSON, report" },
	{ "replay", cli_replay, "run a recorded trace through the MMU/TLB model alone" },
	{ "scenario", cli_scenario, "run Lua scenarios: drive the guest, inject faults, check" },
	{ "ui", cli_ui, "the live heatmap, TLB view and walk stepper (SDL2)" },
	{ "layout", cli_layout, "boot the guest, print its memory layout and meminfo, exit" },
	{ "pte", cli_pte, "the hardware PTE Linux writes for a Linux PTE, both decoded" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmuscope COMMAND [options]\n"
		"\n"
		"A cycle-level ARMv7-A MMU and TLB emulator: a Linux-style guest runs\n"
		"under unicorn while every access goes through the MMU/TLB model.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'mmuscope COMMAND --help' describes a command's options.\n"
		"Exit status: 0 success, 1 guest failure, 2 usage or bad input.\n");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "mmuscope %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see 'mmuscope %s --help')\n", cmd);
	va_end(ap);
	return 2;
}

bool cli_u64(const char *text, uint64_t max, uint64_t *out)
{
	/* strtoull would take leading blanks and a sign (" -5" is 2^64-5) */
	if (!text || !isdigit((unsigned char)*text))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_u64(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
	if (cli_u64(text, max, out))
		return true;
	fprintf(stderr, "mmuscope: %s: '%s' is not a number in 0..%llu\n", opt, text ? text : "",
		(unsigned long long)max);
	return false;
}

/* The index of name in a NULL-ended list, or -1. */
static int listed(const char *const *names, const char *name)
{
	for (int k = 0; names[k]; k++)
		if (!strcmp(names[k], name))
			return k;
	return -1;
}

int cli_next_option(cli_args *a, char **opt, char **val)
{
	if (++a->i >= a->argc)
		return 0;
	*opt = a->argv[a->i];
	*val = NULL;
	int flag = listed(a->flags, *opt);
	if (flag >= 0) {
		if (a->flags_seen >> flag & 1)
			return cli_usage_error(a->cmd, "option %s given twice", *opt);
		a->flags_seen |= 1ull << flag;
		return 1;
	}
	if (strncmp(*opt, "--", 2) != 0)
		return cli_usage_error(a->cmd, "unexpected argument '%s'", *opt);
	char *eq = strchr(*opt, '=');
	if (eq) {
		*eq = 0;
		*val = eq + 1;
	}
	int k = listed(a->valued, *opt);
	if (k < 0)
		return cli_usage_error(a->cmd, "unknown option '%s'", *opt);
	if (a->seen >> k & 1 && !(a->repeatable && listed(a->repeatable, *opt) >= 0))
		return cli_usage_error(a->cmd, "option %s given twice", *opt);
	a->seen |= 1ull << k;
	if (!eq && a->i + 1 < a->argc)
		*val = a->argv[++a->i];
	if (!*val)
		return cli_usage_error(a->cmd, "option %s needs a value", *opt);
	return 1;
}

int cli_machine_option(const char *cmd, const char *opt, char *val, emu_options *eo)
{
	uint64_t mb;
	if (!strcmp(opt, "--board")) eo->board = val;
	else if (!strcmp(opt, "--workload")) eo->workload = val;
	else if (!strcmp(opt, "--args")) eo->args = val;
	else if (!strcmp(opt, "--layout")) eo->layout = val;
	else if (!strcmp(opt, "--firmware")) eo->firmware = val;
	else if (!strcmp(opt, "--preset")) eo->preset = val;
	else if (!strcmp(opt, "--kernel")) eo->kernel = val;
	else if (!strcmp(opt, "--dtb")) eo->dtb = val;
	else if (!strcmp(opt, "--initrd")) eo->initrd = val;
	else if (!strcmp(opt, "--append")) eo->append = val;
	else if (!strcmp(opt, "--ram")) {
		if (!cli_parse_u64("--ram", val, 4096, &mb))
			return 2;
		if (mb == 0)
			return cli_usage_error(cmd, "--ram must be at least 1 MB");
		eo->ram_mb = (uint32_t)mb;
	} else
		return 0;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmuscope %s\n", MMUSCOPE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			int status = commands[i].run(argc - 1, argv + 1);
			errno = 0;
			if (fflush(stdout) != 0 || ferror(stdout)) {
				fprintf(stderr, "mmuscope %s: cannot write the standard output: %s\n",
					argv[1], strerror(errno ? errno : EIO));
				return 2;
			}
			return status;
		}
	fprintf(stderr, "mmuscope: unknown command '%s' (see 'mmuscope --help')\n", argv[1]);
	return 2;
}
