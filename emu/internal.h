/* State shared by the emu/ sources.  Not part of the public interface. */
#ifndef MMUSCOPE_EMU_INTERNAL_H
#define MMUSCOPE_EMU_INTERNAL_H

#include <unicorn/unicorn.h>

#include "emu/emu.h"
#include "emu/scenario.h"
#include "mmu/mmu.h"
#include "tlb/tlb.h"

/* CPSR bits (ARM ARM B1.3.3). */
#define PSR_MODE_MASK 0x1Fu
#define PSR_T   (1u << 5)
#define PSR_F   (1u << 6)
#define PSR_I   (1u << 7)
#define PSR_A   (1u << 8)
#define PSR_E   (1u << 9)
#define PSR_IT_LOW  (0x3Fu << 10)
#define PSR_J   (1u << 24)
#define PSR_IT_HIGH (0x3u << 25)
#define MODE_USR 0x10u

typedef struct emu_board {
	const char *name;
	uint32_t ram_base, ram_default_mb, ram_max_mb;
	/* Device bases; 0 where the board has none.  gic_cpu lies inside the
	 * MPCore private page, which also holds the SCU (+0) and the private
	 * timer (+0x600). */
	uint32_t uart, timer, timer2, gic_dist, gic_cpu, sysregs, sysctl, l2cc;
	unsigned uart_irq, timer_irq, timer2_irq;
	/* I/O windows: every page in them that no device models reads as 0
	 * and ignores writes, so the drivers of absent parts decline. */
	uint32_t io[2][2];
	const char *default_preset;
	int cpu_model;          /* unicorn's UC_CPU_ARM_* */
	bool has_pxn;
} emu_board;

const emu_board *emu_board_find(const char *name);

/* Devices (devices.c, timers.c, gic.c).  Time is the guest's own: each
 * retired instruction takes ns_per_insn nanoseconds, and WFI skips to the
 * next timer event; so every run sees the same interrupts at the same
 * instructions. */
typedef struct emu_counter {     /* a down-counter: one SP804 half, or the TWD */
	uint32_t value;         /* the count at `since` */
	uint32_t reload;        /* loaded on reaching zero (reload mode) */
	uint64_t since;         /* ns */
	uint64_t deadline;      /* ns at which it reaches zero; UINT64_MAX: stopped */
	uint32_t ns_per_tick;
	uint32_t control, load;
	bool raw_irq;
	bool twd;               /* the private timer, else an SP804 half */
	unsigned irq;           /* its GIC line (an SP804's two halves share one) */
} emu_counter;

#define EMU_GIC_IRQS 128
typedef struct emu_gic {
	bool dist_enabled, cpu_enabled;
	uint32_t enabled[EMU_GIC_IRQS / 32], pending[EMU_GIC_IRQS / 32], active[EMU_GIC_IRQS / 32];
	uint32_t group[EMU_GIC_IRQS / 32], config[EMU_GIC_IRQS / 16];
	uint32_t lines[EMU_GIC_IRQS / 32];      /* device lines' levels */
	uint8_t priority[EMU_GIC_IRQS], targets[EMU_GIC_IRQS];
	uint32_t pmr, bpr;
} emu_gic;

typedef struct emu_devices {
	emu_counter sp804[2][2];        /* timer, timer2: two halves each */
	emu_counter twd;                /* the MPCore private timer */
	uint32_t uart_imsc, uart_regs[0x50 / 4];
	uint32_t sys_flags, sys_nvflags, sys_cfgdata, sys_cfgctrl, sys_cfgstat, sys_regs[0x100 / 4];
	uint32_t sysctl_scctrl;
	uint32_t scu_ctrl, scu_power;
	uint32_t l2cc_regs[0x1000 / 4];
	/* Pages given to unicorn as MMIO (devices and absent ones). */
	uint32_t mmio[32][2];
	size_t nmmio;
} emu_devices;

/* One MMU fault, with what the guest must see in its fault registers. */
typedef struct emu_fault {
	bool valid;
	mmu_kind kind;
	uint32_t va, fsr;
	mmu_fault fault;
} emu_fault;

/* Host-side disturbances asked for by scenarios (inject.c). */
typedef struct emu_inject_state {
	bool armed;
	emu_injection want;
	uint32_t desc_pa, desc_value;   /* the invalidated descriptor and its value */
	uint32_t region, region_size;   /* what it maps: the accesses that abort */
	unsigned domain;                /* for the FSR */
	unsigned delivered;
	unsigned skip_tlbi, tlbi_skipped;
} emu_inject_state;

struct emu {
	uc_engine *uc;
	const emu_board *board;
	uint8_t *ram;
	uint32_t ram_size;
	mmu_ram ram_view;
	mmu_mem mem;
	FILE *console;
	emu_events events;
	model_trace *trace;
	bool stop_requested;
	char cmdline[256];
	char error[256];

	uint64_t insns;         /* retired instructions (block granularity) */
	uint64_t insn_limit;
	uint32_t block_va, block_insns;
	bool block_thumb, block_user;
	/* emu_step: 1 while uc_emu_start runs one instruction, 2 once a block
	 * has been charged for it (a later block of the same start must not). */
	unsigned stepping;

	bool exited;
	int exit_code;
	emu_stop stop;

	emu_devices dev;
	emu_gic gic;
	uint32_t ns_per_insn;   /* the guest's clock (devices above) */
	uint64_t idle_ns;       /* time spent waiting in WFI */
	uint64_t next_event;    /* ns of the next timer event, or UINT64_MAX */
	bool irq_line;          /* the GIC signals an IRQ to the core */
	bool powered_off;       /* the guest asked the board to shut down */
	int reported_status;    /* EXIT_STATUS_PREFIX line; -1: none */

	/* The model (model/); NULL when --model off, and in a Linux boot
	 * until the kernel proper runs (machine.c: attach_model). */
	model_t *model, *model_waiting;
	char *trace_path;       /* a Linux boot's --trace, until attach_model */
	uint64_t model_from;    /* the instruction count when it attached (0: from the start) */
	bool booting_linux;     /* a kernel's boot code runs, not yet the kernel proper */
	bool check_access_pc;
	emu_fault predicted;    /* the model's verdict on the last data access */
	uint32_t last_data_va;  /* the last data access seen by a memory hook */
	bool last_data_write;
	uc_hook far_probe;      /* model off: memory hook for one abort retry */
	bool restart_pending;   /* leave uc_emu_start so deleted hooks are freed */
	/* access_pc.c: the block's end, where its next load/store is looked
	 * for, the last one found and the accesses it still owes; the host
	 * address of the block's first page (NULL: read through the MMU);
	 * the block's plan (NULL: none, decode as it runs), whether it was
	 * looked for, and the plan's next load/store. */
	uint32_t block_end, access_next, access_pc;
	unsigned access_left;
	const uint8_t *block_code;
	struct emu_block_plan *plans;
	const struct emu_block_plan *plan;
	bool plan_sought;
	unsigned plan_next;
	uint32_t insn_pc;       /* emu_options.check_access_pc: unicorn's PC */
	uint32_t image_end;     /* end of the loaded ELF segments (physical) */
	bool resume_valid;      /* block_hook stopped before the block at resume_pc */
	uint32_t resume_pc;     /* its address, bit 0 set for Thumb */
	uint32_t *scanned;      /* blocks already scanned for MCRs */
	size_t scanned_count, scanned_cap;
	uint64_t disagreements;
	/* The last exception entered: its vector and the instruction count
	 * then (an exception loop retires nothing between two entries). */
	bool exc_taken;
	uint64_t exc_insns;
	uint32_t exc_vector;

	char **markers;
	size_t nmarkers;
	emu_inject_state inject;
};

/* machine.c */
bool emu_is_device(const emu_t *e, uint64_t pa);

/* blocks.c: the running block's instructions (from its translation block
 * where unicorn has it); the block ran to its end (told to the model); an
 * exception at pc cut it short (the instructions from pc on did not
 * retire). */
uint32_t emu_block_insns(emu_t *e, uint32_t va, uint32_t size, bool thumb);
void emu_block_retire(emu_t *e);
void emu_block_cut(emu_t *e, uint32_t pc);

/* cp15_scan.c: scans a privileged block once; true if code hooks were
 * added for its MCRs (the block must then be translated again). */
bool emu_scan_for_mcr(emu_t *e, uint32_t va, uint32_t size, bool thumb);

/* abort.c: unicorn's interrupt hook; and an undefined instruction at pc
 * that unicorn stopped on instead of raising EXCP_UDEF. */
void emu_intr_hook(uc_engine *uc, uint32_t intno, void *opaque);
void emu_undefined_instruction(emu_t *e, uint32_t pc, bool thumb);

/* devices.c: maps the board's devices (and its absent ones) as MMIO. */
int emu_devices_map(emu_t *e);
/* timers.c: the guest's time now; and the timer events up to now (the
 * block hook calls it once now >= e->next_event). */
static inline uint64_t emu_now(const emu_t *e) { return e->insns * e->ns_per_insn + e->idle_ns; }
void emu_timers_advance(emu_t *e);
void emu_timers_init(emu_t *e);
uint64_t emu_timer_read(emu_t *e, emu_counter *c, uint64_t off);
void emu_timer_write(emu_t *e, emu_counter *c, uint64_t off, uint32_t v);
/* WFI: waits (in guest time) for the next interrupt; false if none can
 * ever come. */
bool emu_wait_for_interrupt(emu_t *e);
/* gic.c: a device line's level; e->irq_line recomputed after a GIC
 * change; the CPU interface (inside the MPCore page, devices.c) and the
 * distributor. */
void emu_irq_set_line(emu_t *e, unsigned irq, bool level);
void emu_irq_update(emu_t *e);
uint64_t emu_gicc_read(emu_t *e, uint64_t off);
void emu_gicc_write(emu_t *e, uint64_t off, uint32_t v);
uint64_t emu_gicd_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque);
void emu_gicd_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque);

/* semihost.c: serves the call at pc; returns true if it was semihosting.
 * emu_exit ends the run with the guest's exit status. */
void emu_exit(emu_t *e, int code);
bool emu_semihost(emu_t *e, uint32_t pc, bool thumb);

/* exception.c: enters an exception for the guest (fault: NULL but for
 * aborts). */
void emu_exception_enter(emu_t *e, emu_exception kind, uint32_t lr,
			 const emu_fault *fault);

/* cpu.c: the model's CP15 shadow must equal what the CPU holds: checked
 * at every abort and at exit (each difference is a disagreement). */
void emu_check_regime(emu_t *e, const char *where);
/* cpu.c: CP15 registers as unicorn holds them (emu_read_regime, emu.h,
 * reads the translation regime from them). */
uint32_t emu_cp15_read(emu_t *e, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2);
void emu_cp15_write(emu_t *e, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, uint32_t v);
/* Reads guest virtual memory with the current regime (no model counting);
 * false if any byte does not translate to RAM. */
bool emu_read_virt(emu_t *e, uint32_t va, void *buf, size_t len);
/* The same through a regime the caller read. */
bool emu_read_virt_in(emu_t *e, const mmu_regime *r, uint32_t va, void *buf, size_t len);
bool emu_write_virt(emu_t *e, uint32_t va, const void *buf, size_t len);

/* inject.c: at exception entry, swaps in an injected fault (true, *out
 * set); and whether the model must drop this TLB maintenance operation. */
bool emu_inject_take(emu_t *e, const emu_fault *fault, emu_fault *out);
bool emu_inject_drop_tlbi(emu_t *e);

/* decode.c: one load or store instruction's data accesses: `count` of
 * `size` bytes at consecutive addresses from emu_mem_address's (a swap
 * loads, then stores, at the one address), in the order QEMU makes them
 * and unicorn's memory hook sees them. */
typedef struct emu_mem_insn {
	unsigned count;
	uint8_t size;
	bool write, swap;
	bool unprivileged;      /* LDRT, STRT...: PL0 permissions at PL1 */
	/* Address: base register rn (15: the PC as the instruction reads it,
	 * word-aligned for literals) with an offset, immediate or register
	 * rm shifted, applied before the access (pre) or after; a multiple
	 * transfer counts `count` words up or down from rn. */
	uint8_t rn, rm, shift_type, shift_n;
	uint32_t imm;
	bool pre, up, multiple, literal;
} emu_mem_insn;
/* False (count 0) for an instruction without data accesses this decoder
 * can place; the Thumb one takes both halfwords of a 32-bit encoding. */
bool emu_decode_arm(uint32_t insn, emu_mem_insn *m);
bool emu_thumb_is_32bit(uint16_t first);
/* An ARM condition code on these flags (AL and the unconditional space
 * pass). */
bool emu_condition_passes(uint32_t cond, uint32_t cpsr);
bool emu_decode_thumb(uint16_t first, uint16_t second, emu_mem_insn *m);
/* The first access's address, reading the registers now. */
uint32_t emu_mem_address(emu_t *e, const emu_mem_insn *m, uint32_t pc, bool thumb);

/* access_pc.c: the instruction that made the data access at va, in a
 * block begun with emu_access_begin_block (e->block_va, e->block_thumb
 * and, with the model, e->block_code set); the block's plans are freed
 * with the machine. */
void emu_access_begin_block(emu_t *e, uint32_t va, uint32_t size, bool thumb);
uint32_t emu_access_pc(emu_t *e, uint32_t va);
void emu_access_free(emu_t *e);

/* uc_repair.c: unicorn 2.0.1's self-modifying-code check, skipped for
 * RAM pages that never held code (bytes of RAM at ram_addr 0), and its
 * region lookup, kept per megabyte.  Register after uc_open, before the
 * regions are mapped; the machine must not unmap or re-protect them. */
void emu_uc_repair_register(uc_engine *uc, uint64_t ram_bytes);
void emu_uc_repair_unregister(uc_engine *uc);

/* linux_boot.c: loads emu_options' kernel, initrd and device tree into
 * RAM; the registers the kernel starts with, or false with err set. */
typedef struct emu_linux_boot {
	uint32_t entry, r1, r2;
} emu_linux_boot;
bool emu_load_linux(emu_t *e, const emu_options *opt, emu_linux_boot *boot, char *err,
		    size_t errlen);
/* elf.c: loads the image into RAM; returns the entry point or sets err. */
bool emu_load_elf(emu_t *e, const char *path, uint32_t *entry, char *err, size_t errlen);

void emu_fail(emu_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


#endif
