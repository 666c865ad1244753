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

#include "model/model.h"

typedef struct emu emu_t;

typedef struct emu_options {
	const char *board;      /* "q3f" (default) or "vexpress" */
	const char *firmware;   /* ELF image; NULL: the build's image for the board */
	/* A Linux kernel instead of the firmware (vexpress only), booted as
	 * qemu-system-arm -kernel/-dtb/-initrd/-append boot it. */
	const char *kernel, *dtb, *initrd, *append;
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

/* What the core does, for tools that record or draw it (UI, scenarios,
 * traces) without hooking unicorn themselves: the model's events (access,
 * walk, CP15 write, hazard; model/model.h) and the machine's.  Every
 * callback may be NULL; all get model.ctx; they run inside the emulation
 * and may call emu_request_stop. */
typedef struct emu_events {
	model_events model;
	/* Each exception the host enters; fsr/far are 0 except for aborts. */
	void (*on_exception)(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr,
			     uint32_t far);
	void (*on_marker)(void *ctx, const char *name);
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

/* Region of interest (emu_options.roi, checked beforehand with
 * model_roi_check_spec; emu_create checks too that a name it asks for
 * occurs in the firmware image).  The counters between the ROI's markers
 * (END minus START, per ASID and per page size too), or NULL when the run
 * has no complete ROI. */
const tlb_stats *emu_roi_result(const emu_t *e, const char **start, const char **end);
/* After the run: 0, or 2 with a one-line message when the ROI named by
 * emu_options.roi was not completed (a default ROI never is an error). */
int emu_roi_check(const emu_t *e, char *err, size_t errlen);

/* Named markers the guest reported, in order. */
size_t emu_marker_count(const emu_t *e);
const char *emu_marker(const emu_t *e, size_t i);

/* Per-MB (L1 slot) counters of the address space, for the heatmap; all
 * zero with the model off. */
const model_heat *emu_heatmap(const emu_t *e);

void emu_print_summary(const emu_t *e, FILE *out);
void emu_write_json(const emu_t *e, FILE *out);

/* The board names and the firmware path the build made for one. */
const char *emu_default_firmware(const char *board);

#endif
