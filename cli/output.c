/* Output files written whole or not at all (cli.h: cli_output). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static bool output_error(cli_output *o, int err)
{
	fprintf(stderr, "mmuscope %s: cannot write %s: %s\n", o->cmd, o->path, strerror(err));
	return false;
}

bool cli_output_open(cli_output *o, const char *cmd, const char *path)
{
	*o = (cli_output){ .cmd = cmd, .path = path };
	if (!*path)
		return output_error(o, ENOENT);
	/* Through a link to the file it names, so the link stays a link. */
	char *target = realpath(path, NULL);
	if (!target && errno != ENOENT)
		return output_error(o, errno);
	o->target = target ? target : strdup(path);
	struct stat st;
	bool exists = stat(o->target, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return cli_output_discard(o), output_error(o, EISDIR);
	if (exists && !S_ISREG(st.st_mode)) {
		/* A device or FIFO (/dev/stdout, a pipe): written in place. */
		if (!(o->f = fopen(o->target, "w")))
			return cli_output_discard(o), output_error(o, errno);
		return true;
	}
	if (exists && access(o->target, W_OK) != 0)
		return cli_output_discard(o), output_error(o, errno);
	const char *slash = strrchr(o->target, '/');
	int dirlen = slash ? (int)(slash - o->target) + 1 : 0;
	if (asprintf(&o->tmp, "%.*s.%s.XXXXXX", dirlen, o->target, o->target + dirlen) < 0) {
		o->tmp = NULL;
		return cli_output_discard(o), output_error(o, ENOMEM);
	}
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;
		free(o->tmp);
		o->tmp = NULL;
		return cli_output_discard(o), output_error(o, err);
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
	if (!(o->f = fdopen(fd, "w"))) {
		int err = errno;
		close(fd);
		return cli_output_discard(o), output_error(o, err);
	}
	return true;
}

const char *cli_output_file(const cli_output *o)
{
	return o->tmp ? o->tmp : o->target;
}

bool cli_output_commit(cli_output *o)
{
	if (!o->f)
		return false;
	errno = 0;
	bool flushed = fflush(o->f) == 0 && !ferror(o->f);
	int err = errno ? errno : EIO;
	bool closed = fclose(o->f) == 0;
	if (flushed && !closed)
		err = errno;
	o->f = NULL;
	bool ok = flushed && closed;
	if (ok && o->tmp) {
		if (rename(o->tmp, o->target) != 0) {
			ok = false, err = errno;
		} else {
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (!ok)
		output_error(o, err);
	cli_output_discard(o);
	return ok;
}

void cli_output_discard(cli_output *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
}
