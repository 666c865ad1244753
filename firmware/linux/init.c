/* /init of the initramfs for a real Linux kernel (Debian's armmp on the
 * vexpress-a9 board, docs/linux-initramfs.md): runs the user workloads
 * one after the other, each as "/bin/mmuscope-user NAME key=value ...",
 * reports how they ended to the host, and powers off.
 *
 * The list comes from the kernel command line's workloads=LIST, which
 * Linux hands to init as an environment variable (a key without a dot
 * that the kernel does not know), else from /etc/workloads.  LIST is
 * workloads separated by commas (or newlines in the file), each NAME
 * with its arguments after colons: workloads=random:mb=8,chase,fork.
 * workloads=sh starts busybox's shell instead. */
#include "../user/ulib.h"

#define WORKLOADS_FILE "/etc/workloads"
#define USER_PROGRAM "/bin/mmuscope-user"
#define SHELL "/bin/sh"
#define MAX_WORDS 16
#define BAD_ARG 2       /* as the user programs exit on bad arguments */

#define O_RDONLY 0
/* reboot(2)'s magic numbers and command (include/uapi/linux/reboot.h) */
#define LINUX_REBOOT_MAGIC1 0xfee1deadul
#define LINUX_REBOOT_MAGIC2 672274793ul
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcul

static long execve(const char *path, char *const argv[], char *const envp[])
{
	return sys_call(__NR_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

static const char *getenv(const char *name)
{
	size_t n = strlen(name);
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return 0;
}

/* The workload list: the command line's, else the file's (NUL-terminated
 * in buf), else 0. */
static const char *workload_list(char *buf, size_t size)
{
	const char *env = getenv("workloads");
	if (env)
		return env;
	long fd = sys_call(__NR_open, (long)WORKLOADS_FILE, O_RDONLY, 0, 0, 0, 0);
	if (fd < 0)
		return 0;
	size_t n = 0;
	long got;
	while (n < size - 1 && (got = sys_call(__NR_read, fd, (long)(buf + n), (long)(size - 1 - n), 0, 0, 0)) > 0)
		n += (size_t)got;
	sys_call(__NR_close, fd, 0, 0, 0, 0, 0);
	buf[n] = 0;
	return buf;
}

/* A wait4 status as one number: the exit code, or 128 + the signal that
 * killed the process (as shells report it). */
static int exit_code(int status)
{
	return (status & 0x7F) ? 128 + (status & 0x7F) : (status >> 8) & 0xFF;
}

/* Runs one workload, its words separated by colons in item[0..len): its
 * exit code. */
static int run(const char *item, size_t len)
{
	char words[128], *argv[MAX_WORDS + 2] = { "mmuscope-user" };
	int argc = 1;
	if (len >= sizeof words) {
		print("init: workload too long\n");
		return BAD_ARG;
	}
	memcpy(words, item, len);
	words[len] = 0;
	for (char *w = words;; *w++ = 0) {
		if (argc > MAX_WORDS) {
			print("init: too many arguments\n");
			return BAD_ARG;
		}
		argv[argc++] = w;
		while (*w && *w != ':')
			w++;
		if (!*w)
			break;
	}
	argv[argc] = 0;
	long pid = fork();
	if (pid == 0) {
		execve(USER_PROGRAM, argv, environ);
		print("init: cannot execute " USER_PROGRAM "\n");
		exit(127);
	}
	int status = 0;
	if (pid < 0 || wait4(pid, &status) != pid) {
		print("init: cannot start ");
		print(argv[1]);
		print("\n");
		return 1;
	}
	int code = exit_code(status);
	print("init: ");
	print(argv[1]);
	print_num(" exit ", code);
	print("\n");
	return code;
}

static int run_all(const char *list)
{
	int overall = 0;
	bool any = false;
	for (const char *p = list; *p;) {
		size_t n = 0;
		while (p[n] && p[n] != ',' && p[n] != '\n')
			n++;
		if (n) {
			int code = run(p, n);
			if (!overall)
				overall = code;
			any = true;
		}
		p += n + (p[n] != 0);
	}
	if (!any) {
		print("init: no workloads: give workloads=NAME[:key=value...],... on the kernel command line\n");
		return BAD_ARG;
	}
	return overall;
}

/* The kernel's bare command-line words (cmdline) are not used. */
int main(const char *cmdline)
{
	(void)cmdline;
	static char file[512];
	const char *list = workload_list(file, sizeof file);
	int overall;
	if (list && !strcmp(list, "sh")) {
		char *argv[] = { "sh", 0 };
		execve(SHELL, argv, environ);
		print("init: cannot execute " SHELL "\n");
		overall = 127;
	} else {
		overall = run_all(list ? list : "");
	}
	char line[32] = EXIT_STATUS_PREFIX;
	size_t n = strlen(line);
	/* overall is 0..255: at most three digits */
	if (overall >= 100)
		line[n++] = (char)('0' + overall / 100);
	if (overall >= 10)
		line[n++] = (char)('0' + overall / 10 % 10);
	line[n++] = (char)('0' + overall % 10);
	line[n++] = '\n';
	line[n] = 0;
	print_flush();
	semihost_write0(line);
	sys_call(__NR_sync, 0, 0, 0, 0, 0, 0);
	sys_call(__NR_reboot, (long)LINUX_REBOOT_MAGIC1, (long)LINUX_REBOOT_MAGIC2,
		 (long)LINUX_REBOOT_CMD_POWER_OFF, 0, 0, 0);
	print("init: power-off failed\n");
	return 1; /* the kernel panics: init exited */
}
