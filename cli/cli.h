/* The mmuscope command: one function per subcommand, each taking the
 * subcommand's own argv (argv[0] is the subcommand name) and returning the
 * exit status: 0 success, 1 guest failure (or a fault, where documented),
 * 2 usage or bad input. */
#ifndef MMUSCOPE_CLI_H
#define MMUSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
