/* The user programs' library: ARM EABI system calls (number in r7, SVC #0)
 * and a few helpers.  No host or kernel headers: the system call numbers,
 * flags and structures are the guest ABI's (../abi.h). */
#ifndef MMUSCOPE_USER_ULIB_H
#define MMUSCOPE_USER_ULIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../abi.h"

#define PAGE_SIZE 4096u

long sys_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* print's output is line-buffered (ulib.c): a line it holds goes out
 * before fork (the child would print it again) and exit.  write() does not
 * flush: print ends its lines, and a write must touch no page but its
 * buffer's (test-syscalls counts the young faults one causes). */
void print_flush(void);
static inline void exit(int code)
{
	print_flush();
	sys_call(__NR_exit, code, 0, 0, 0, 0, 0);
	for (;;)
		;
}
static inline long fork(void)
{
	print_flush();
	return sys_call(__NR_fork, 0, 0, 0, 0, 0, 0);
}
static inline long write(int fd, const void *buf, size_t len)
{
	return sys_call(__NR_write, fd, (long)buf, (long)len, 0, 0, 0);
}
static inline long getpid(void) { return sys_call(__NR_getpid, 0, 0, 0, 0, 0, 0); }
static inline long brk(void *addr) { return sys_call(__NR_brk, (long)addr, 0, 0, 0, 0, 0); }
static inline long munmap(void *addr, size_t len)
{
	return sys_call(__NR_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}
static inline long wait4(long pid, int *status)
{
	return sys_call(__NR_wait4, pid, (long)status, 0, 0, 0, 0);
}
static inline long mprotect(void *addr, size_t len, int prot)
{
	return sys_call(__NR_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}
static inline long sysinfo(struct sysinfo *info)
{
	return sys_call(__NR_sysinfo, (long)info, 0, 0, 0, 0, 0);
}
static inline long sched_yield(void) { return sys_call(__NR_sched_yield, 0, 0, 0, 0, 0, 0); }
static inline void *mmap(void *addr, size_t len, int prot, int flags, int fd)
{
	return (void *)sys_call(__NR_mmap2, (long)addr, (long)len, prot, flags, fd, 0);
}
static inline long madvise(void *addr, size_t len, int advice)
{
	return sys_call(__NR_madvise, (long)addr, (long)len, advice, 0, 0, 0);
}
#define MAP_FAILED_ERR(p) ((unsigned long)(p) >= 0xFFFFF000ul)

/* The kernel's memory-manager counters (a real Linux answers -ENOSYS:
 * the number is in ARM's private range, above the few it serves there). */
static inline long mm_stats(struct mm_stats *s)
{
	return sys_call(__NR_mm_stats, (long)s, sizeof *s, 0, 0, 0, 0);
}
#ifdef ULIB_LINUX
/* The same programs built for a real Linux (firmware/linux/): crt0 hands
 * the initial stack to start_linux, which calls main with argv[1..]
 * joined by spaces, "NAME ARGS" as the project's kernel passes it. */
extern char **environ;
int start_linux(long *sp);
/* A real Linux has no __NR_mm_marker: a marker goes to the host straight
 * from user space as a semihosting SYS_WRITE0 (ulib.c), which mmuscope
 * and QEMU (-semihosting-config ...,userspace=on) serve from any mode. */
long semihost_write0(const char *s);
long marker(const char *name);
#else
/* A semihosting marker (mmuscope records it; scenarios wait on it). */
static inline long marker(const char *name)
{
	return sys_call(__NR_mm_marker, (long)name, 0, 0, 0, 0, 0);
}
#endif

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Set by a process whose output lines may come out in an order that
 * depends on the timer (children running side by side): each of its lines
 * then starts with TIMING_TAG (../timing.h). */
extern bool timing_dependent_output;
void print(const char *s);
void print_num(const char *label, long v);
/* Arguments are "key=value" words separated by spaces or commas.  The
 * value of key, or 0 when it is absent. */
const char *arg_str(const char *args, const char *key);
/* key's value as a number (decimal or 0x hex), fallback when absent, -1
 * when it is not a number. */
long arg(const char *args, const char *key, long fallback);
/* Every word is "key=value" with a key from the space-separated list. */
bool args_known(const char *args, const char *keys);
uint32_t rand_next(uint32_t *state);

#endif
