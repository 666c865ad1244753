/* Inspecting and disturbing a stopped machine: what scenarios
 * (cli/scenario*.c) and the UI's views ask of it beyond running it
 * (inspect.c), and fault injection (inject.c). */
#ifndef MMUSCOPE_EMU_SCENARIO_H
#define MMUSCOPE_EMU_SCENARIO_H

#include "emu/emu.h"

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

#endif
