/* The user programs' library. */
#include "ulib.h"
#include "../timing.h"

long sys_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r0 __asm__("r0") = a0, r1 __asm__("r1") = a1, r2 __asm__("r2") = a2,
		      r3 __asm__("r3") = a3, r4 __asm__("r4") = a4, r5 __asm__("r5") = a5,
		      r7 __asm__("r7") = nr;
	__asm__ volatile("svc #0"
			 : "+r"(r0)
			 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
			 : "memory");
	return r0;
}

#ifdef ULIB_LINUX
char **environ;

int main(const char *cmdline);

/* sp points to argc, argv[argc], NULL, then the environment. */
int start_linux(long *sp)
{
	static char cmdline[256];
	char **argv = (char **)(sp + 1);
	size_t n = 0;
	environ = argv + sp[0] + 1;
	for (long i = 1; i < sp[0]; i++) {
		size_t len = strlen(argv[i]);
		if (n + len + 1 >= sizeof cmdline) {
			print("command line too long\n");
			return 2;
		}
		if (n)
			cmdline[n++] = ' ';
		memcpy(cmdline + n, argv[i], len);
		n += len;
	}
	cmdline[n] = 0;
	return main(cmdline);
}

/* Linux's libgcc reports a division by zero (__aeabi_idiv0) with libc's
 * raise(SIGFPE); there is no libc. */
int raise(int sig)
{
	return (int)sys_call(__NR_kill, getpid(), sig, 0, 0, 0, 0);
}

/* r7 holds __NR_mm_marker: a kernel that gets the SVC instead of a
 * semihosting host (QEMU without userspace=on) ignores its number, as
 * EABI kernels do, and answers -ENOSYS. */
long semihost_write0(const char *s)
{
	register long r0 __asm__("r0") = SYS_WRITE0, r1 __asm__("r1") = (long)s,
		      r7 __asm__("r7") = __NR_mm_marker;
	__asm__ volatile("svc %3" : "+r"(r0) : "r"(r1), "r"(r7), "i"(SEMIHOST_SVC_ARM) : "memory");
	return r0 == -ENOSYS ? -ENOSYS : 0;
}

long marker(const char *name)
{
	char line[MARKER_LINE_SIZE];
	size_t n = sizeof MARKER_PREFIX - 1, len = strlen(name);
	if (len > MARKER_NAME_MAX)
		len = MARKER_NAME_MAX;
	memcpy(line, MARKER_PREFIX, n);
	memcpy(line + n, name, len);
	line[n + len] = '\n';
	line[n + len + 1] = 0;
	return semihost_write0(line);
}
#endif

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

bool timing_dependent_output;

/* Every byte print writes goes through here, so each line gets the tag,
 * and out in one write a line (up to the buffer's size): a process the
 * timer preempts between two writes would otherwise have its line split
 * by another process's (mix's children print side by side), which made
 * the console depend on where the timer fell (line buffering, as
 * stdio does on a terminal). */
static char line[128];
static size_t line_used;
static bool mid_line;           /* a line was flushed before its end */

void print_flush(void)
{
	if (!line_used)
		return;
	mid_line = line[line_used - 1] != '\n';
	sys_call(__NR_write, 1, (long)line, (long)line_used, 0, 0, 0);
	line_used = 0;
}

static void emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (line_used == 0 && !mid_line && timing_dependent_output) {
			memcpy(line, TIMING_TAG, sizeof TIMING_TAG - 1);
			line_used = sizeof TIMING_TAG - 1;
		}
		line[line_used++] = s[i];
		if (s[i] == '\n' || line_used == sizeof line)
			print_flush();
	}
}

void print(const char *s)
{
	emit(s, strlen(s));
}

void print_num(const char *label, long v)
{
	char buf[16];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do
		buf[n++] = (char)('0' + u % 10);
	while (u /= 10);
	print(label);
	if (v < 0)
		emit("-", 1);
	while (n)
		emit(&buf[--n], 1);
}

static bool differs(const char *a, const char *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return true;
	return false;
}

static bool is_sep(char c)
{
	return c == ' ' || c == ',';
}

const char *arg_str(const char *args, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = args; *p; p++)
		if ((p == args || is_sep(p[-1])) && !differs(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
	return 0;
}

long arg(const char *args, const char *key, long fallback)
{
	const char *v = arg_str(args, key);
	if (!v)
		return fallback;
	long n = 0;
	int base = 10;
	if (v[0] == '0' && v[1] == 'x')
		base = 16, v += 2;
	const char *digits = v;
	for (;; v++) {
		int d = *v >= '0' && *v <= '9' ? *v - '0' :
			base == 16 && *v >= 'a' && *v <= 'f' ? *v - 'a' + 10 : -1;
		if (d < 0)
			break;
		n = n * base + d;
	}
	return v > digits && (*v == 0 || is_sep(*v)) ? n : -1;
}

bool args_known(const char *args, const char *keys)
{
	for (const char *p = args; *p;) {
		while (is_sep(*p))
			p++;
		if (!*p)
			break;
		size_t n = 0;
		while (p[n] && p[n] != '=' && !is_sep(p[n]))
			n++;
		if (p[n] != '=')
			return false;
		bool found = false;
		for (const char *k = keys; *k && !found;) {
			size_t m = 0;
			while (k[m] && k[m] != ' ')
				m++;
			found = m == n && !differs(k, p, n);
			k += m;
			while (*k == ' ')
				k++;
		}
		if (!found)
			return false;
		while (*p && !is_sep(*p))
			p++;
	}
	return true;
}

uint32_t rand_next(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}
