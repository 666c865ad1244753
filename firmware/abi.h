/* The guest's ABI: what the guest kernel, its user programs and the host
 * agree on, each value defined here once.  Plain macros and structs only,
 * like board.h, so the freestanding guest and the host both include it:
 * the kernel as "abi.h", the user programs as "../abi.h", the host as
 * "firmware/abi.h".  The values are Linux's (ARMv7, 2-level tables) unless
 * they are mmuscope's own. */
#ifndef MMUSCOPE_FIRMWARE_ABI_H
#define MMUSCOPE_FIRMWARE_ABI_H

#include <stdint.h>

#include "board.h"

/* ---- the virtual memory map (arch/arm/include/asm/memory.h) ----
 * A Thumb-2 kernel as in seed 000: modules start 8 MB below PAGE_OFFSET,
 * user space ends 16 MB below it.  User programs are linked at 0x10000
 * with their brk heap above them (up to TASK_UNMAPPED_BASE), mmap works
 * bottom-up from TASK_UNMAPPED_BASE, and the stack grows down from
 * STACK_TOP by at most STACK_LIMIT. */
#define TASK_SIZE (PAGE_OFFSET - 0x01000000u)
#define TASK_UNMAPPED_BASE 0x40000000ul
#define STACK_TOP TASK_SIZE
#define STACK_LIMIT (8ul << 20)         /* RLIMIT_STACK */
#define MODULES_VADDR (PAGE_OFFSET - 0x00800000u)
#define MODULES_END PAGE_OFFSET
#define VMALLOC_END 0xFF000000ul
#define FIXADDR_START 0xFFF00000ul
#define FIXADDR_TOP 0xFFFE0000ul
#define VECTORS_BASE 0xFFFF0000ul

/* ---- page tables (arch/arm/include/asm/pgtable-2level.h) ----
 * A PTE page holds two Linux PTE tables, then the two hardware tables
 * they shadow: each hardware PTE is PTE_HWTABLE_OFF bytes above its Linux
 * PTE, so a hardware table in the upper half of a page is Linux's. */
#define PTE_HWTABLE_OFF 0x800u

/* Linux PTE bits (the word at ptep; the PFN is in bits 31:12). */
#define L_PTE_VALID (1u << 0)
#define L_PTE_PRESENT (1u << 0)
#define L_PTE_YOUNG (1u << 1)
#define L_PTE_DIRTY (1u << 6)
#define L_PTE_RDONLY (1u << 7)
#define L_PTE_USER (1u << 8)
#define L_PTE_XN (1u << 9)
#define L_PTE_SHARED (1u << 10)
#define L_PTE_NONE (1u << 11)        /* PROT_NONE: present to Linux, no hardware entry */
#define L_PTE_MT_MASK (0xFu << 2)    /* the memory type */
#define L_PTE_MT_UNCACHED (0x00u << 2)
#define L_PTE_MT_BUFFERABLE (0x01u << 2)
#define L_PTE_MT_WRITETHROUGH (0x02u << 2)
#define L_PTE_MT_WRITEBACK (0x03u << 2)
#define L_PTE_MT_DEV_SHARED (0x04u << 2)
#define L_PTE_MT_MINICACHE (0x06u << 2)
#define L_PTE_MT_WRITEALLOC (0x07u << 2)
#define L_PTE_MT_DEV_WC (0x09u << 2)
#define L_PTE_MT_DEV_CACHED (0x0Bu << 2)
#define L_PTE_MT_DEV_NONSHARED (0x0Cu << 2)
#define L_PTE_MT_VECTORS (0x0Fu << 2)

/* ---- tasks: the kernel's `tasks` table, which the host's scenarios read
 * (guestmm/gmm.h: struct task_struct) ---- */
#define NR_TASKS 64
enum task_state { TASK_UNUSED, TASK_RUNNING, TASK_WAITING, TASK_ZOMBIE };

/* ---- system calls: ARM EABI, the number in r7, the arguments in r0-r5,
 * SVC 0, the result in r0 (a negative errno on failure) ---- */
#define __NR_exit 1
#define __NR_fork 2
#define __NR_write 4
#define __NR_getpid 20
#define __NR_brk 45
#define __NR_munmap 91
#define __NR_wait4 114
#define __NR_sysinfo 116
#define __NR_mprotect 125
#define __NR_sched_yield 158
#define __NR_mmap2 192
#define __NR_madvise 220
/* Only the programs built for a real Linux (firmware/linux/) make these:
 * init reads its workload list, starts the workloads and powers off;
 * raise (user/ulib.c) kills. */
#define __NR_read 3
#define __NR_open 5
#define __NR_close 6
#define __NR_execve 11
#define __NR_sync 36
#define __NR_kill 37
#define __NR_reboot 88
/* mmuscope's own: copy the memory manager's counters (struct mm_stats, at
 * most the length asked for), and report a semihosting marker named by a
 * user string. */
#define __NR_mm_stats 0xF0100
#define __NR_mm_marker 0xF0101

/* errno values (asm-generic/errno-base.h, errno.h) */
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define ENODEV 19
#define EINVAL 22
#define ENOSYS 38

/* The signals that end a task; wait4's status holds the number. */
#define SIGKILL 9
#define SIGSEGV 11

/* mmap2, mprotect and madvise (asm-generic/mman-common.h) */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* sysinfo (include/uapi/linux/sysinfo.h, as a 32-bit process sees it):
 * the kernel fills in RAM and swap in pages (mem_unit) and procs. */
struct sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	unsigned long totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[8];
};

/* What the memory manager did for user processes; the kernel reports it
 * when the user programs end, and __NR_mm_stats copies it (in this order:
 * new counters go last).  U counters do not depend on when timer
 * interrupts arrive, so they are the same on every machine: one "mm:"
 * line.  T counters do: the aging pass and preemption run on the tick,
 * young faults come from aging, a write to an aged page is a young fault
 * instead of a dirty one, and whether a COW fault copies or reuses (or
 * splits a block) depends on whether the sharers wrote or exited first:
 * one tagged "mm:" line.  Their tick-independent sums are U counters:
 * dirtied (the faults that made a clean page dirty, through either path)
 * and the COW faults (cow + cow_reuse, printed as cow_breaks). */
#define MM_STATS(U, T) U(demand) T(young) T(dirty) T(cow) T(cow_reuse) T(spurious) \
	U(stack_grow) U(segv) U(forks) U(exits) T(switches) U(asid_rollovers) \
	T(aging_passes) T(aged) T(tlb_flush_page) U(tlb_flush_mm) U(blocks) T(splits) \
	T(reclaimed) U(oom) T(pass_referenced) U(dirtied) U(zero_page) T(pgscan) \
	T(pgactivate) T(pgdeactivate) T(reclaim_referenced) T(pswpout) T(pswpin) T(kswapd_runs) T(pglazyfreed)
struct mm_stats {
#define MM_STAT_FIELD(name) unsigned long name;
	MM_STATS(MM_STAT_FIELD, MM_STAT_FIELD)
#undef MM_STAT_FIELD
};

/* ---- semihosting (ARM, A-profile): how the guest reports to the host.
 * SVC SEMIHOST_SVC_ARM in ARM state or SEMIHOST_SVC_THUMB in Thumb, the
 * operation in r0, the address of its parameter block in r1, the result
 * in r0.  mmuscope serves these operations, qemu-system-arm -semihosting
 * too. ---- */
#define SEMIHOST_SVC_ARM 0x123456
#define SEMIHOST_SVC_THUMB 0xAB
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_CLOCK 0x10
#define SYS_GET_CMDLINE 0x15
#define SYS_HEAPINFO 0x16
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
/* SYS_EXIT's reason, and SYS_EXIT_EXTENDED's {reason, exit code} block:
 * ADP_STOPPED_APPLICATION_EXIT is a normal exit, any other a failure. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20024
/* A marker, a named point of the run that scenarios wait on and --roi
 * measures between, is a SYS_WRITE0 of MARKER_PREFIX NAME "\n" in at most
 * MARKER_LINE_SIZE bytes, its NUL included: a longer name is cut to
 * MARKER_NAME_MAX characters.  Other hosts simply print the line. */
#define MARKER_PREFIX "[marker] "
#define MARKER_LINE_SIZE 64
#define MARKER_NAME_MAX (MARKER_LINE_SIZE - (sizeof MARKER_PREFIX - 1) - 2)
/* On a real Linux, init (firmware/linux/init.c) reports how its workloads
 * ended with one SYS_WRITE0 of EXIT_STATUS_PREFIX N "\n" before it powers
 * off: N is 0 when every workload exited 0, else the first other exit
 * code (128 + the signal for one killed).  The kernel's own exit code
 * does not reach the host, and a power-off looks the same either way. */
#define EXIT_STATUS_PREFIX "[exit-status] "

#endif
