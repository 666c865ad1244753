/* The mmuscope command: one function per subcommand, each taking the
 * subcommand's own argv (argv[0] is the subcommand name) and returning the
 * exit status: 0 success, 1 guest failure (or a fault, where documented),
 * 2 usage or bad input. */
#ifndef MMUSCOPE_CLI_H
#define MMUSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/emu.h"

int cli_run(int argc, char **argv);
int cli_walk(int argc, char **argv);
int cli_pte(int argc, char **argv);
int cli_layout(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_scenario(int argc, char **argv);
int cli_ui(int argc, char **argv);

/* Shared option parsing: a one-line error on stderr and false on failure. */
bool cli_parse_u64(const char *opt, const char *text, uint64_t max, uint64_t *out);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A subcommand's options, one at a time: "--name value" or "--name=value";
 * the names in flags take no value, every other one must be in valued
 * (both lists end with NULL; at most 64 valued) and may be given once. */
typedef struct cli_args {
	const char *cmd;
	int argc, i;
	char **argv;
	const char *const *flags, *const *valued;
	uint64_t seen;          /* bit k: valued[k] was given */
} cli_args;
/* 1 with *opt and *val set (val NULL for a flag), 0 at the end, or 2 after
 * a one-line usage error. */
int cli_next_option(cli_args *a, char **opt, char **val);

/* The options of every subcommand that boots the guest. */
#define CLI_MACHINE_OPTIONS "--board", "--workload", "--args", "--layout", "--firmware", \
	"--ram", "--preset"
/* Applies one of CLI_MACHINE_OPTIONS to eo: 1 done, 0 not one of them, 2
 * after a one-line error. */
int cli_machine_option(const char *cmd, const char *opt, char *val, emu_options *eo);

#endif
