/* The narrow interface between the machine and the MMU/TLB model: every
 * access, every CP15 write that matters (in program order), and retired
 * instructions.  The machine knows nothing else about tlb/ and mmu/. */
#ifndef MMUSCOPE_EMU_MODEL_H
#define MMUSCOPE_EMU_MODEL_H

#include "emu/internal.h"

typedef struct emu_model emu_model;
typedef struct emu_trace emu_trace;
typedef struct emu_roi emu_roi;

/* Loads the preset and starts from the regime the CPU holds now. */
emu_model *emu_model_new(emu_t *e, const char *preset, const mmu_regime *reset,
			 char *err, size_t errlen);
void emu_model_free(emu_model *m);

/* A CP15 write decoded from an MCR: regime registers update the model's
 * copy, TLB maintenance operations reach the TLBs. */
void emu_model_cp15(emu_model *m, unsigned crn, unsigned opc1, unsigned crm,
		    unsigned opc2, uint32_t value);

/* Recording (trace.c): while a trace is attached, every model input (the
 * calls here) and every RAM write (emu_model_ram_written) goes into it. */
emu_trace *emu_trace_open(const char *path, const char *workload, const mmu_regime *reset,
			  const uint8_t *ram, uint32_t ram_base, uint32_t ram_size, char *err,
			  size_t errlen);
bool emu_trace_close(emu_trace *t);
void emu_trace_tick(emu_trace *t, uint32_t insns);
/* pa: where the access went, ~0 if it faulted (a RAM write there is short) */
void emu_trace_access(emu_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
		      uint32_t pc, uint64_t pa);
void emu_trace_cp15(emu_trace *t, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value);
void emu_trace_write(emu_trace *t, uint32_t pa, const void *data, size_t len);
void emu_model_set_trace(emu_model *m, emu_trace *t);
void emu_model_ram_written(emu_model *m, uint32_t pa, const void *data, size_t len);
const mmu_regime *emu_model_regime(const emu_model *m);
const tlb_t *emu_model_tlb(const emu_model *m);
/* A marker the guest reported: into the trace, and to the region of
 * interest, which the model owns from emu_model_set_roi on (NULL: none). */
void emu_model_marker(emu_model *m, const char *name);
void emu_model_set_roi(emu_model *m, emu_roi *roi);
const emu_roi *emu_model_roi(const emu_model *m);
void emu_trace_marker(emu_trace *t, const char *name);

/* The region of interest (roi.c).  spec: "START,END", "none" (*out NULL)
 * or NULL for the workload's NAME-start,NAME-done; 0, or 2 with a
 * one-line message. */
int emu_roi_new(const char *spec, const char *workload, emu_roi **out, char *err, size_t errlen);
void emu_roi_free(emu_roi *r);
/* Whether the names asked for occur in the firmware image, where every
 * marker the firmware reports is a string (a default is not checked). */
bool emu_roi_in_image(const emu_roi *r, const uint8_t *image, size_t len, char *err,
		      size_t errlen);
void emu_roi_marker(emu_roi *r, const tlb_t *t, const char *name);
/* The ROI's counters (end - start), or NULL until END was reached. */
const tlb_stats *emu_roi_counters(const emu_roi *r, const char **start, const char **end);
/* After the run: 0, or 2 with a message when an ROI asked for by --roi
 * was not completed (START or END never reached, END only before START). */
int emu_roi_verdict(const emu_roi *r, char *err, size_t errlen);
/* The summary's ROI block and the "roi" JSON value (null without one). */
void emu_roi_print(const emu_roi *r, const tlb_t *t, FILE *out);
void emu_roi_json(const emu_roi *r, const tlb_t *t, FILE *out);

/* ======================================================================== */
/* Inline: every access and every retired block comes through here, from
 * unicorn's hooks and from a replayed trace.  Not API: use the functions. */

struct emu_model {
	emu_t *e;
	tlb_t *tlb;
	mmu_regime regime;
	emu_trace *trace;       /* NULL unless recording */
	emu_roi *roi;           /* NULL: no region of interest */
};

/* One access (fetch or data) by the instruction at pc.  Returns the fault
 * the architecture gives for it (type NONE when it goes through) and sets
 * *pa on success. */
static inline mmu_fault emu_model_access(emu_model *m, uint32_t va, mmu_kind kind, bool user,
					 unsigned size, uint32_t pc, uint64_t *pa)
{
	tlb_result r;
	tlb_access(m->tlb, &m->regime, &m->e->mem, va, kind, user, size, pc, &r);
	if (__builtin_expect(m->trace != NULL, 0))
		emu_trace_access(m->trace, va, kind, user, size, pc,
				 r.fault.type == MMU_FAULT_NONE ? r.pa : ~0ull);
	const emu_events *ev = &m->e->events;
	if (__builtin_expect(ev->on_access != NULL, 0)) {
		emu_access a = { .va = va, .pc = pc, .kind = kind, .user = user,
				 .asid = m->regime.contextidr & 0xFF, .result = &r };
		ev->on_access(ev->ctx, &a);
	}
	*pa = r.pa;
	return r.fault;
}

static inline void emu_model_retire(emu_model *m, uint32_t insns)
{
	if (__builtin_expect(m->trace != NULL, 0))
		emu_trace_tick(m->trace, insns);
	tlb_tick(m->tlb, insns);
}

#endif
