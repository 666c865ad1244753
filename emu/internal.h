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
	uint32_t uart, timer, gic_dist, gic_cpu;
	unsigned timer_irq;
	const char *default_preset;
	int cpu_model;          /* unicorn's UC_CPU_ARM_* */
	bool has_pxn;
} emu_board;

const emu_board *emu_board_find(const char *name);

/* Devices (devices.c). */
typedef struct emu_timer {
	uint32_t load, control, bgload;
	bool raw_irq;
	uint64_t start;         /* instruction count when the value was `load` */
} emu_timer;

typedef struct emu_gic {
	bool dist_enabled, cpu_enabled;
	uint32_t enabled[4], pending[4], active[4];
	uint8_t priority[128], targets[128];
	uint32_t pmr;
} emu_gic;

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

	emu_timer timer;
	uint64_t timer_deadline; /* instruction count of the next expiry, or UINT64_MAX */
	emu_gic gic;

	/* The model (model/); NULL when --model off. */
	model_t *model;
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

/* devices.c */
int emu_devices_map(emu_t *e);
bool emu_irq_line(const emu_t *e);
void emu_timer_expire(emu_t *e);

/* semihost.c: serves the call at pc; returns true if it was semihosting. */
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

/* elf.c: loads the image into RAM; returns the entry point or sets err. */
bool emu_load_elf(emu_t *e, const char *path, uint32_t *entry, char *err, size_t errlen);

void emu_fail(emu_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


#endif
