/* emu/: the machine.  Unicorn runs the guest firmware on a board (RAM,
 * PL011, SP804, GIC, semihosting); the host performs exception entry; every
 * fetch and data access is offered to the MMU/TLB model (tlb/ + mmu/), which
 * is cross-checked against QEMU's own MMU on every abort. */
#ifndef MMUSCOPE_EMU_EMU_H
#define MMUSCOPE_EMU_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlb/tlb.h"

typedef struct emu emu_t;

typedef struct emu_options {
	const char *board;      /* "q3f" (default) or "vexpress" */
	const char *firmware;   /* ELF image; NULL: the build's image for the board */
	const char *workload;   /* NULL or "default": the firmware's default workload */
	const char *args;       /* the workload's arguments; may be NULL */
	const char *layout;     /* lowmem mapping: sections (NULL), pages, supersections, large */
	uint32_t ram_mb;        /* 0: the board's default size */
	bool model;             /* shadow every access with the MMU/TLB model */
	const char *preset;     /* TLB preset name or path; NULL: the board's core */
	FILE *console;          /* UART output; NULL: stdout */
	const char *trace;      /* record the model's inputs here (needs model) */
	/* Region of interest: "START,END" (two markers), "none", or NULL for
	 * the workload's own "NAME-start,NAME-done" when it reports them. */
	const char *roi;
	/* Tests: check the PC each access is attributed to against unicorn's
	 * own, synced by a hook on every instruction (slow); a mismatch counts
	 * as a disagreement. */
	bool check_access_pc;
} emu_options;

typedef enum emu_stop {
	EMU_STOP_EXIT,        /* the guest exited through semihosting */
	EMU_STOP_INSN_LIMIT,  /* the instruction budget ran out */
	EMU_STOP_ERROR,       /* the guest ran off the rails (see emu_error) */
	EMU_STOP_REQUESTED,   /* an event callback called emu_request_stop */
} emu_stop;

/* Exceptions the host enters for the guest. */
typedef enum emu_exception {
	EMU_EXC_UND, EMU_EXC_SVC, EMU_EXC_PABT, EMU_EXC_DABT, EMU_EXC_IRQ
} emu_exception;

/* One access the model translated.  Fetches are offered once per
 * translated block and once more per further page it covers. */
typedef struct emu_access {
	uint32_t va, pc;
	mmu_kind kind;
	bool user;
	uint8_t asid;
	const tlb_result *result;   /* where it hit, cycles, PA or fault */
} emu_access;

/* What the core does, for tools that record or draw it (UI, scenarios,
 * traces) without hooking unicorn themselves.  Every callback may be NULL;
 * they run inside the emulation and may call emu_request_stop. */
typedef struct emu_events {
	void *ctx;
	void (*on_access)(void *ctx, const emu_access *access);
	/* Every table walk of the model; entry is NULL when it faulted. */
	void (*on_walk)(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
			const mmu_trace *trace);
	/* Each CP15 write the model is told about (MCR), in program order. */
	void (*on_cp15)(void *ctx, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
			uint32_t value);
	/* Each exception the host enters; fsr/far are 0 except for aborts. */
	void (*on_exception)(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr,
			     uint32_t far);
	void (*on_marker)(void *ctx, const char *name);
	/* Each stale-TLB hazard the model flags (DESIGN.md). */
	void (*on_hazard)(void *ctx, const tlb_hazard *hazard);
} emu_events;

/* Builds the machine and loads the firmware.  Returns NULL with a one-line
 * message in err for bad options or a bad image (exit status 2 material). */
emu_t *emu_create(const emu_options *opt, char *err, size_t errlen);
void emu_destroy(emu_t *e);

/* Runs until the guest exits, max_insns more instructions ran (0: no
 * limit), or an error. */
emu_stop emu_run(emu_t *e, uint64_t max_insns);

/* Runs exactly one instruction (an exception entry on the way, such as an
 * abort or IRQ, is taken and the handler's first instruction runs), with
 * the instruction count and the model's accounting kept exact. */
emu_stop emu_step(emu_t *e);

/* Installs (or with NULL removes) the event callbacks.  Walk and access
 * events need the model on. */
void emu_set_events(emu_t *e, const emu_events *events);
/* From an event callback: stop after the current instruction block;
 * emu_run then returns EMU_STOP_REQUESTED and a later emu_run resumes. */
void emu_request_stop(emu_t *e);

int emu_exit_code(const emu_t *e);
const char *emu_error(const emu_t *e);
uint64_t emu_insns(const emu_t *e);
/* Model disagreements with QEMU's MMU and placeholder hits: host-side bugs. */
uint64_t emu_disagreements(const emu_t *e);

/* The TLB model, or NULL when the model is off. */
const tlb_t *emu_tlb(const emu_t *e);

/* The translation registers as the CPU holds them now. */
void emu_read_regime(emu_t *e, mmu_regime *r);
uint32_t emu_ram_base(const emu_t *e);

/* One JSON object per line for every page or section the current address
 * space maps: asid, ttbr, va, kind, size, pa, hw (the leaf descriptor),
 * global, l1_addr; for pages also l1 and l2_addr, and for small pages in a
 * Linux-style table the Linux PTE ("linux"). */
void emu_dump_pt(emu_t *e, FILE *out);
/* The whole guest RAM as a raw image (for `mmuscope walk --mem FILE@BASE`). */
bool emu_dump_ram(emu_t *e, const char *path, char *err, size_t errlen);

/* Finishes the trace a run records (emu_options.trace); false if it could
 * not be written completely.  emu_destroy does it too, silently. */
bool emu_end_trace(emu_t *e);

/* Runs a trace written by a run with emu_options.trace through a fresh
 * MMU/TLB model with the given preset, without unicorn; prints the summary
 * and/or writes the TLB counters as JSON, with the region of interest `roi`
 * (as emu_options.roi; the default names the recorded run's workload).
 * Returns 0, or 2 with a one-line message (naming the byte offset of a
 * corrupt or truncated trace; or an ROI marker never reached, after the
 * outputs). */
int emu_replay(const char *path, const char *preset, const char *roi, FILE *summary,
	       FILE *stats_json, uint64_t *accesses, char *err, size_t errlen);

/* Region of interest.  Checks the form of an --roi value before anything
 * runs: 0, or 2 with a one-line message (malformed, END equal to START, a
 * name no marker can have).  emu_create checks it too, and that a name it
 * asks for occurs in the firmware image. */
int emu_roi_check_spec(const char *roi, char *err, size_t errlen);
/* The counters between the ROI's markers (END minus START, per ASID and
 * per page size too), or NULL when the run has no complete ROI. */
const tlb_stats *emu_roi_result(const emu_t *e, const char **start, const char **end);
/* After the run: 0, or 2 with a one-line message when the ROI named by
 * emu_options.roi was not completed (a default ROI never is an error). */
int emu_roi_check(const emu_t *e, char *err, size_t errlen);

/* Named markers the guest reported, in order. */
size_t emu_marker_count(const emu_t *e);
const char *emu_marker(const emu_t *e, size_t i);

/* Per-MB (L1 slot) counters of the address space, for the heatmap. */
typedef struct emu_heat {
	uint32_t walks[4096];
	uint32_t misses[4096];
	uint32_t faults[4096];
	uint32_t hazards[4096];
} emu_heat;
const emu_heat *emu_heatmap(const emu_t *e);

void emu_print_summary(const emu_t *e, FILE *out);
void emu_write_json(const emu_t *e, FILE *out);

/* ---- Scenario support (inject.c): inspect and disturb a stopped machine ---- */

/* Guest RAM by physical address; false outside RAM. */
bool emu_phys_read32(const emu_t *e, uint32_t pa, uint32_t *value);
bool emu_phys_write32(emu_t *e, uint32_t pa, uint32_t value);
/* A walk and check of one access with the given regime over guest RAM,
 * without any TLB or counting; trace may be NULL. */
mmu_fault emu_translate(emu_t *e, const mmu_regime *r, uint32_t va, mmu_kind kind, bool user,
			mmu_entry *entry, mmu_trace *trace);
/* The address and size of a symbol of an ELF image; false if absent. */
bool emu_elf_symbol(const char *path, const char *name, uint32_t *addr, uint32_t *size);
/* Guest memory by virtual address with the current regime (no counting). */
bool emu_virt_read(emu_t *e, uint32_t va, void *buf, size_t len);
/* A core register (r0..r15, sp, lr, pc, cpsr, spsr) or a CP15 register
 * (sctlr, ttbr0, ttbr1, ttbcr, dacr, dfsr, ifsr, dfar, ifar, par, vbar,
 * prrr, nmrr, contextidr) by name; false for an unknown name. */
bool emu_reg_by_name(emu_t *e, const char *name, uint32_t *value);
bool emu_cp15_by_name(emu_t *e, const char *name, uint32_t *value);
/* Writes DACR as an MCR would (the CPU and the model both see it). */
void emu_set_dacr(emu_t *e, uint32_t dacr);
/* A TLB maintenance operation on the model, issued by the host rather than
 * the guest; QEMU's TLB, which is not architectural, is emptied alongside
 * so the two stay comparable.  Needs the model. */
void emu_tlb_maintain(emu_t *e, tlb_op op, uint32_t rt);
/* Translates va through the model's TLB as an access would (filling it). */
mmu_fault emu_tlb_prime(emu_t *e, uint32_t va, mmu_kind kind, bool user);
/* The model ignores the guest's next `count` TLB maintenance operations
 * (QEMU still performs them): stale entries stay behind to be hit. */
void emu_skip_tlbi(emu_t *e, unsigned count);
unsigned emu_tlbi_skipped(const emu_t *e);

/* Makes the next `count` accesses to the page or section that maps va
 * abort with the fault given, through the real abort path: the descriptor
 * at `level` (0: the leaf) is made invalid so that QEMU's walker and the
 * model both fault, and when the abort is delivered the guest gets this
 * fault's FSR and the descriptor its old value back.  One injection at a
 * time; false with a one-line reason in err. */
typedef struct emu_injection {
	mmu_fault_type type;    /* MMU_FAULT_ALIGNMENT .. MMU_FAULT_EXT_ABORT_WALK */
	uint32_t va;
	unsigned level;         /* 0: the level of the leaf descriptor */
	unsigned count;         /* 0 is taken as 1 */
} emu_injection;
bool emu_inject(emu_t *e, const emu_injection *inj, char *err, size_t errlen);
/* Injected aborts delivered so far. */
unsigned emu_injected(const emu_t *e);

/* The board names and the firmware path the build made for one. */
const char *emu_default_firmware(const char *board);

#endif
