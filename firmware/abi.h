/* The guest's ABI: what the guest kernel, its user programs and the host
 * agree on, each value defined here once.  Plain macros and structs only,
 * like board.h, so the freestanding guest and the host both include it:
 * the kernel as "abi.h", the user programs as "../abi.h", the host as
 * "firmware/abi.h".  The values are Linux's (ARMv7, 2-level tables) unless
 * they are mmuscope's own. */
#ifndef MMUSCOPE_FIRMWARE_ABI_H
#define MMUSCOPE_FIRMWARE_ABI_H

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

#endif
