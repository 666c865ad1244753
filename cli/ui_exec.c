/* mmuscope ui runs in an executable of its own, mmuscope-ui beside this one
 * (cli/ui.c): SDL2 and the ~55 libraries it loads would otherwise be
 * loaded by every command, a tenth of a short run's CPU time. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_ui(int argc, char **argv)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;
	const char name[] = "/mmuscope-ui";
	if (!slash || (size_t)(slash - path) + sizeof name > sizeof path) {
		fprintf(stderr, "mmuscope ui: cannot find this executable's directory\n");
		return 2;
	}
	memcpy(slash, name, sizeof name);
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (!args) {
		fprintf(stderr, "mmuscope ui: out of memory\n");
		return 2;
	}
	args[0] = path;
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i]; /* argv[0] is "ui": mmuscope-ui's subcommand */
	fflush(NULL);
	execv(path, args);
	int why = errno;
	free(args);
	if (why == ENOENT)
		fprintf(stderr, "mmuscope ui: unavailable: this build has no SDL2\n");
	else
		fprintf(stderr, "mmuscope ui: cannot run %s: %s\n", path, strerror(why));
	return 2;
}
