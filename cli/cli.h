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

/* Shared option parsing: a one-line error on stderr and false on failure.
 * A number is decimal, 0x hex or 0 octal, with nothing around it. */
bool cli_parse_u64(const char *opt, const char *text, uint64_t max, uint64_t *out);
/* The same check, silent, for callers that word the error themselves. */
bool cli_u64(const char *text, uint64_t max, uint64_t *out);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A subcommand's options, one at a time: "--name value" or "--name=value";
 * the names in flags take no value, every other one must be in valued
 * (both lists end with NULL; at most 64 of each) and each may be given
 * once, bar the valued ones also named in `repeatable` (may be NULL). */
typedef struct cli_args {
	const char *cmd;
	int argc, i;
	char **argv;
	const char *const *flags, *const *valued, *const *repeatable;
	uint64_t seen, flags_seen;      /* bit k: valued[k] / flags[k] was given */
} cli_args;
/* 1 with *opt and *val set (val NULL for a flag), 0 at the end, or 2 after
 * a one-line usage error. */
int cli_next_option(cli_args *a, char **opt, char **val);

/* The options of every subcommand that boots the guest. */
#define CLI_MACHINE_OPTIONS "--board", "--workload", "--args", "--layout", "--firmware", \
	"--ram", "--preset", "--kernel", "--dtb", "--initrd", "--append"
/* Applies one of CLI_MACHINE_OPTIONS to eo: 1 done, 0 not one of them, 2
 * after a one-line error. */
int cli_machine_option(const char *cmd, const char *opt, char *val, emu_options *eo);

/* An output file written whole or not at all: to a temporary file beside
 * it (beside the file a link names), renamed over it by cli_output_commit,
 * so bad input or a failed run leaves the old file as it was.  A device or
 * FIFO (/dev/stdout, a pipe) is written in place.  Every failure prints one
 * line, "mmuscope CMD: cannot write PATH: reason". */
typedef struct cli_output {
	const char *cmd, *path;         /* as given, for messages */
	char *target;                   /* path, through any link */
	char *tmp;                      /* the temporary file; NULL: in place */
	FILE *f;                        /* open on it */
} cli_output;
/* Opening checks the path: call it before the run for every output. */
bool cli_output_open(cli_output *o, const char *cmd, const char *path);
/* The file to write, for writers that open it by name themselves. */
const char *cli_output_file(const cli_output *o);
/* Flushes, checks, closes and renames into place; false after a message. */
bool cli_output_commit(cli_output *o);
/* Drops the output, leaving the old file; harmless when closed already. */
void cli_output_discard(cli_output *o);

#endif
