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
const mmu_regime *emu_model_regime(const emu_model *m);
const tlb_t *emu_model_tlb(const emu_model *m);

#endif
