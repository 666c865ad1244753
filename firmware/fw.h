/* Firmware-wide declarations: console, semihosting, exceptions, devices. */
#ifndef MMUSCOPE_FW_H
#define MMUSCOPE_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "board.h"

/* Saved state of an interrupted context; layout set by entry.S. */
struct fw_regs {
	uint32_t cpsr;     /* the interrupted context's CPSR (SPSR on entry) */
	uint32_t pad;
	uint32_t usr_sp;   /* the user-mode banked sp and lr */
	uint32_t usr_lr;
	uint32_t r[13];
	uint32_t pc;       /* where the exception returns to */
};
#define PSR_MODE_USR 0x10u
#define PSR_MODE_SVC 0x13u
static inline bool user_mode(const struct fw_regs *regs)
{
	return (regs->cpsr & 0x1Fu) == PSR_MODE_USR;
}
void ret_to_user(const struct fw_regs *frame) __attribute__((noreturn));
struct kernel_ctx { uint32_t r4_r11[8], sp, lr; };
int kernel_ctx_save(struct kernel_ctx *ctx) __attribute__((returns_twice));
void kernel_ctx_restore(struct kernel_ctx *ctx, int value) __attribute__((noreturn));

#define PSR_T 0x20u
#define PSR_I 0x80u
#define PSR_MODE_MASK 0x1Fu

static inline void mmio_write32(uint32_t va, uint32_t v) { *(volatile uint32_t *)va = v; }
static inline uint32_t mmio_read32(uint32_t va) { return *(volatile uint32_t *)va; }

/* CP15 access by name: MRC/MCR p15, opc1, Rt, CRn, CRm, opc2. */
#define CP15_READ(crn, opc1, crm, opc2) ({ uint32_t v_; \
	__asm__ volatile("mrc p15, " #opc1 ", %0, " #crn ", " #crm ", " #opc2 : "=r"(v_)); v_; })
#define CP15_WRITE(crn, opc1, crm, opc2, v) \
	__asm__ volatile("mcr p15, " #opc1 ", %0, " #crn ", " #crm ", " #opc2 :: "r"(v) : "memory")
#define read_dfsr()  CP15_READ(c5, 0, c0, 0)
#define read_ifsr()  CP15_READ(c5, 0, c0, 1)
#define read_dfar()  CP15_READ(c6, 0, c0, 0)
#define read_ifar()  CP15_READ(c6, 0, c0, 2)
#define read_ttbr0() CP15_READ(c2, 0, c0, 0)
#define read_sctlr() CP15_READ(c1, 0, c0, 0)
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
/* TLBIMVA with ASID 0: kernel mappings are global, so this removes them. */
static inline void flush_tlb_kernel_page(uint32_t va)
{
	dsb();
	CP15_WRITE(c8, 0, c7, 1, va & ~0xFFFu);
	dsb();
	isb();
}

/* console.c: PL011 output and a small printf. */
void console_putc(char c);
void console_puts(const char *s);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Starts a line whose content depends on when timer interrupts arrived:
 * prints TIMING_TAG (timing.h), then the caller prints the rest. */
void printk_timing_tag(void);

/* semihost.c: ARM semihosting (exit codes, markers, command line). */
void fw_exit(int code) __attribute__((noreturn));
void fw_exit_failure(void) __attribute__((noreturn));
void fw_marker(const char *name);
int fw_get_cmdline(char *buf, size_t len);

/* exceptions.c: C handlers, and hooks a workload installs to take faults. */
typedef bool (*fw_abort_hook)(struct fw_regs *regs, uint32_t far, uint32_t fsr);
/* volatile: a workload sets a hook just before the access that traps. */
extern fw_abort_hook volatile fw_data_abort_hook, fw_prefetch_abort_hook;
typedef bool (*fw_undef_hook)(struct fw_regs *regs);
extern fw_undef_hook volatile fw_undefined_hook;
typedef void (*fw_irq_hook)(unsigned irq);
extern fw_irq_hook volatile fw_timer_hook;
/* System calls: number in r7, arguments in r0-r1, result in r0 (EABI). */
#define SYS_TEST_ADD 0x900001u /* r0 + r1, for the exception-path tests */
uint32_t fw_syscall(uint32_t nr, uint32_t a0, uint32_t a1);

/* devices.c: GIC and SP804 timer. */
void gic_init(void);
void timer_start_periodic(uint32_t interval);
void timer_stop(void);
void timer_clear(void);
unsigned gic_ack(void);
void gic_eoi(unsigned irq);

/* lib.c */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);

/* Workloads: each returns the exit code; args is the rest of the command line. */
struct fw_workload {
	const char *name;
	const char *help;
	int (*run)(const char *args);
};
extern const struct fw_workload fw_workloads[];

#endif
