/* model/: the MMU/TLB model as a library of its own.  It owns a view of
 * guest RAM (host pointers), the translation regime (a shadow of the CP15
 * registers that matter, kept in program order from the CP15 writes it is
 * told of), the TLB hierarchy (tlb/, over the walker in mmu/), per-MB
 * counters, the trace writer and the region of interest; it tells an event
 * sink of accesses, walks, CP15 writes and hazards.  A machine feeds it
 * accesses, retired instructions, CP15 writes, RAM writes and markers
 * (emu/, from unicorn's hooks); a replay feeds it a recorded trace
 * (model_replay).  It knows nothing of unicorn or of the machine. */
#ifndef MMUSCOPE_MODEL_MODEL_H
#define MMUSCOPE_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu.h"
#include "tlb/tlb.h"

typedef struct model model_t;
typedef struct model_trace model_trace;
typedef struct model_roi model_roi;

/* One access the model translated.  The machine offers fetches once per
 * translated block and once more per further page it covers. */
typedef struct model_access_event {
	uint32_t va, pc;
	mmu_kind kind;
	bool user;
	uint8_t asid;
	const tlb_result *result;   /* where it hit, cycles, PA or fault */
} model_access_event;

/* What the model does, for tools that record or draw it.  Every callback
 * may be NULL. */
typedef struct model_events {
	void *ctx;
	void (*on_access)(void *ctx, const model_access_event *access);
	/* Every table walk; entry is NULL when it faulted. */
	void (*on_walk)(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
			const mmu_trace *trace);
	/* Each CP15 write the model is told of, in program order. */
	void (*on_cp15)(void *ctx, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
			uint32_t value);
	/* Each stale-TLB hazard (DESIGN.md). */
	void (*on_hazard)(void *ctx, const tlb_hazard *hazard);
} model_events;

/* Per-MB (L1 slot) counters of the address space, for the heatmap. */
typedef struct model_heat {
	uint32_t walks[4096];
	uint32_t misses[4096];
	uint32_t faults[4096];
	uint32_t hazards[4096];
} model_heat;

/* Guest RAM for a machine or a replay: zero-filled by the host kernel on
 * first touch (no up-front memset: clearing 128 MB was most of a short
 * run's CPU time), in huge pages where the kernel gives them (a workload
 * that writes a word per page spent a sixth of a replay in page faults
 * and host TLB misses on 4 KB pages).  NULL if the host has no room. */
uint8_t *model_ram_map(uint32_t size);
void model_ram_unmap(uint8_t *ram, uint32_t size);

/* Loads the preset and starts from the regime `reset`, over the guest RAM
 * `ram` (which must outlive the model).  NULL with a one-line message. */
model_t *model_new(const char *preset, const mmu_regime *reset, const mmu_ram *ram, char *err,
		   size_t errlen);
void model_free(model_t *m);
void model_set_events(model_t *m, const model_events *events);

/* A CP15 write decoded from an MCR: regime registers update the model's
 * copy, TLB maintenance operations reach the TLBs. */
void model_cp15(model_t *m, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		uint32_t value);
/* A RAM write the model must know of to replay it (the host's writes and
 * guest stores, while recording). */
void model_ram_written(model_t *m, uint32_t pa, const void *data, size_t len);
/* A marker the guest reported: into the trace, and to the region of
 * interest. */
void model_marker(model_t *m, const char *name);

const mmu_regime *model_regime(const model_t *m);
const tlb_t *model_tlb(const model_t *m);
const model_heat *model_heatmap(const model_t *m);

/* Recording (trace.c): while a trace is attached, every model input (the
 * calls here) and every RAM write goes into it.  model_trace_open writes
 * the header, the regime and the non-zero pages of RAM as they are now. */
model_trace *model_trace_open(const char *path, const char *workload, const model_t *m,
			      char *err, size_t errlen);
bool model_trace_close(model_trace *t);
void model_set_trace(model_t *m, model_trace *t);

/* Runs a trace written by model_trace_open through a fresh model with the
 * given preset; prints the summary and/or writes the TLB counters as
 * JSON, with the region of interest `roi` (as model_roi_new; the default
 * names the recorded run's workload).  Returns 0, or 2 with a one-line
 * message (naming the byte offset of a corrupt or truncated trace; or an
 * ROI marker never reached, after the outputs). */
int model_replay(const char *path, const char *preset, const char *roi, FILE *summary,
		 FILE *stats_json, uint64_t *accesses, char *err, size_t errlen);

/* The region of interest (roi.c).  spec: "START,END", "none" (*out NULL)
 * or NULL for the workload's NAME-start,NAME-done (workload NULL: the
 * first NAME-start the guest reports and its NAME-done); 0, or 2 with a
 * one-line message. */
int model_roi_new(const char *spec, const char *workload, model_roi **out, char *err,
		  size_t errlen);
/* Checks the form of a spec before anything runs: 0, or 2 with a one-line
 * message (malformed, END equal to START, a name no marker can have). */
int model_roi_check_spec(const char *spec, char *err, size_t errlen);
void model_roi_free(model_roi *r);
/* The model owns the ROI from here on (NULL: none). */
void model_set_roi(model_t *m, model_roi *roi);
const model_roi *model_get_roi(const model_t *m);
/* Whether the names asked for occur in the firmware image, where every
 * marker the firmware reports is a string (a default is not checked). */
bool model_roi_in_image(const model_roi *r, const uint8_t *image, size_t len, char *err,
			size_t errlen);
/* The ROI's counters (end - start), or NULL until END was reached. */
const tlb_stats *model_roi_counters(const model_roi *r, const char **start, const char **end);
/* After the run: 0, or 2 with a message when an ROI asked for by spec was
 * not completed (START or END never reached, END only before START). */
int model_roi_verdict(const model_roi *r, char *err, size_t errlen);
/* The summary's ROI block and the "roi" JSON value (null without one). */
void model_roi_print(const model_roi *r, const tlb_t *t, FILE *out);
void model_roi_json(const model_roi *r, const tlb_t *t, FILE *out);

/* A JSON string: quotes, backslashes and control characters escaped. */
void model_json_string(FILE *out, const char *s);

/* ======================================================================== */
/* Inline: every access and every retired block comes through here, from
 * the machine's hooks and from a replayed trace.  Not API: use the
 * functions. */

struct model {
	tlb_t *tlb;
	mmu_regime regime;
	mmu_ram ram;
	mmu_mem mem;            /* over ram */
	model_trace *trace;     /* NULL unless recording */
	model_roi *roi;         /* NULL: no region of interest */
	model_events events;
	model_heat heat;
};

void model_trace_tick(model_trace *t, uint32_t insns);
/* pa: where the access went, ~0 if it faulted (a RAM write there is short) */
void model_trace_access(model_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
			uint32_t pc, uint64_t pa);

/* One access (fetch or data) by the instruction at pc.  Returns the fault
 * the architecture gives for it (type NONE when it goes through) and sets
 * *pa on success. */
static inline mmu_fault model_access(model_t *m, uint32_t va, mmu_kind kind, bool user,
				     unsigned size, uint32_t pc, uint64_t *pa)
{
	tlb_result r;
	tlb_access(m->tlb, &m->regime, &m->mem, va, kind, user, size, pc, &r);
	if (__builtin_expect(m->trace != NULL, 0))
		model_trace_access(m->trace, va, kind, user, size, pc,
				   r.fault.type == MMU_FAULT_NONE ? r.pa : ~0ull);
	if (__builtin_expect(m->events.on_access != NULL, 0)) {
		model_access_event a = { .va = va, .pc = pc, .kind = kind, .user = user,
					 .asid = m->regime.contextidr & 0xFF, .result = &r };
		m->events.on_access(m->events.ctx, &a);
	}
	*pa = r.pa;
	return r.fault;
}

/* Instructions retired since the last call. */
static inline void model_retire(model_t *m, uint32_t insns)
{
	if (__builtin_expect(m->trace != NULL, 0))
		model_trace_tick(m->trace, insns);
	tlb_tick(m->tlb, insns);
}

#endif
