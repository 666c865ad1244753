/* The narrow interface between the machine and the MMU/TLB model: every
 * access, every CP15 write that matters (in program order), and retired
 * instructions.  The machine knows nothing else about tlb/ and mmu/. */
#ifndef MMUSCOPE_EMU_MODEL_H
#define MMUSCOPE_EMU_MODEL_H

#include "emu/internal.h"

typedef struct emu_model emu_model;
typedef struct emu_trace emu_trace;

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
emu_trace *emu_trace_open(const char *path, const mmu_regime *reset, const uint8_t *ram,
			  uint32_t ram_base, uint32_t ram_size, char *err, size_t errlen);
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

/* ======================================================================== */
/* Inline: every access and every retired block comes through here, from
 * unicorn's hooks and from a replayed trace.  Not API: use the functions. */

struct emu_model {
	emu_t *e;
	tlb_t *tlb;
	mmu_regime regime;
	emu_trace *trace;       /* NULL unless recording */
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
