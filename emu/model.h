/* The narrow interface between the machine and the MMU/TLB model: every
 * access, every CP15 write that matters (in program order), and retired
 * instructions.  The machine knows nothing else about tlb/ and mmu/. */
#ifndef MMUSCOPE_EMU_MODEL_H
#define MMUSCOPE_EMU_MODEL_H

#include "emu/internal.h"

typedef struct emu_model emu_model;

/* Loads the preset and starts from the regime the CPU holds now. */
emu_model *emu_model_new(emu_t *e, const char *preset, const mmu_regime *reset,
			 char *err, size_t errlen);
void emu_model_free(emu_model *m);

/* One access (fetch or data) by the instruction at pc.  Returns the fault
 * the architecture gives for it (type NONE when it goes through) and sets
 * *pa on success. */
mmu_fault emu_model_access(emu_model *m, uint32_t va, mmu_kind kind, bool user,
			   unsigned size, uint32_t pc, uint64_t *pa);

/* A CP15 write decoded from an MCR: regime registers update the model's
 * copy, TLB maintenance operations reach the TLBs. */
void emu_model_cp15(emu_model *m, unsigned crn, unsigned opc1, unsigned crm,
		    unsigned opc2, uint32_t value);

void emu_model_retire(emu_model *m, uint32_t insns);

/* Recording (trace.c): while a trace is attached, every model input above
 * and every RAM write (emu_model_ram_written) goes into it. */
typedef struct emu_trace emu_trace;
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

#endif
