/* The user programs' library: ARM EABI system calls (number in r7, SVC #0)
 * and a few helpers.  No host or kernel headers. */
#ifndef MMUSCOPE_USER_ULIB_H
#define MMUSCOPE_USER_ULIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define PAGE_SIZE 4096u

long sys_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
static inline void exit(int code) { sys_call(1, code, 0, 0, 0, 0, 0); for (;;) ; }
static inline long fork(void) { return sys_call(2, 0, 0, 0, 0, 0, 0); }
static inline long write(int fd, const void *buf, size_t len)
{
	return sys_call(4, fd, (long)buf, (long)len, 0, 0, 0);
}
static inline long getpid(void) { return sys_call(20, 0, 0, 0, 0, 0, 0); }
static inline long brk(void *addr) { return sys_call(45, (long)addr, 0, 0, 0, 0, 0); }
static inline long munmap(void *addr, size_t len) { return sys_call(91, (long)addr, (long)len, 0, 0, 0, 0); }
static inline long wait4(long pid, int *status) { return sys_call(114, pid, (long)status, 0, 0, 0, 0); }
static inline long mprotect(void *addr, size_t len, int prot)
{
	return sys_call(125, (long)addr, (long)len, prot, 0, 0, 0);
}
struct sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	unsigned long totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[8];
};
static inline long sysinfo(struct sysinfo *info) { return sys_call(116, (long)info, 0, 0, 0, 0, 0); }
static inline long sched_yield(void) { return sys_call(158, 0, 0, 0, 0, 0, 0); }
static inline void *mmap(void *addr, size_t len, int prot, int flags, int fd)
{
	return (void *)sys_call(192, (long)addr, (long)len, prot, flags, fd, 0);
}
static inline long madvise(void *addr, size_t len, int advice)
{
	return sys_call(220, (long)addr, (long)len, advice, 0, 0, 0);
}
#define MAP_FAILED_ERR(p) ((unsigned long)(p) >= 0xFFFFF000ul)

/* The kernel's memory-manager counters (guestmm/gmm.h GMM_STATS order). */
struct mm_stats {
	unsigned long demand, young, dirty, cow, cow_reuse, spurious, stack_grow, segv, forks,
		exits, switches, asid_rollovers, aging_passes, aged, tlb_flush_page, tlb_flush_mm,
		blocks, splits, reclaimed, oom, pass_referenced, dirtied, zero_page, pgscan, pgactivate,
		pgdeactivate, reclaim_referenced, pswpout, pswpin, kswapd_runs, pglazyfreed;
};
static inline long mm_stats(struct mm_stats *s)
{
	return sys_call(0xF0100, (long)s, sizeof *s, 0, 0, 0, 0);
}
/* A semihosting marker (mmuscope records it; scenarios wait on it). */
static inline long marker(const char *name) { return sys_call(0xF0101, (long)name, 0, 0, 0, 0, 0); }

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
