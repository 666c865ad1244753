/* Host-performed ARMv7 exception entry: unicorn 2.0.1 reports exceptions
 * but does not take them. */
#include <string.h>

#include "emu/internal.h"


#define SCTLR_V  (1u << 13)
#define SCTLR_EE (1u << 25)
#define SCTLR_TE (1u << 30)

static const struct {
	uint32_t mode, offset;
	bool mask_async;
	const char *name;
} exception_info[] = {
	[EMU_EXC_UND]  = { 0x1B, 0x04, false, "undefined instruction" },
	[EMU_EXC_SVC]  = { 0x13, 0x08, false, "supervisor call" },
	[EMU_EXC_PABT] = { 0x17, 0x0C, true, "prefetch abort" },
	[EMU_EXC_DABT] = { 0x17, 0x10, true, "data abort" },
	[EMU_EXC_IRQ]  = { 0x12, 0x18, true, "IRQ" },
};

/* Takes an exception the way an ARMv7-A core without Security or
 * Virtualization Extensions does: SPSR_<mode> = CPSR, LR_<mode> = lr, new
 * mode with I set (and A for aborts and IRQ), T from SCTLR.TE, E from
 * SCTLR.EE, IT and J cleared; fault registers from the model; PC at the
 * vector (VBAR, or 0xFFFF0000 with SCTLR.V). */
void emu_exception_enter(emu_t *e, emu_exception kind, uint32_t lr, const emu_fault *fault)
{
	emu_fault injected;
	if (fault && emu_inject_take(e, fault, &injected))
		fault = &injected;
	uint32_t cpsr, sctlr = emu_cp15_read(e, 1, 0, 0, 0);
	uint32_t base = (sctlr & SCTLR_V) ? 0xFFFF0000u : emu_cp15_read(e, 12, 0, 0, 0);
	uint32_t vector = base + exception_info[kind].offset;
	/* A handler that cannot run one instruction (its vector does not
	 * translate, or faults again) is entered again and again inside one
	 * uc_emu_start, where no instruction budget can end it.  The stop
	 * comes before any register write: a PC write would cancel it. */
	if (e->exc_taken && e->exc_insns == e->insns && e->exc_vector == vector) {
		if (fault)
			emu_fail(e, "exception loop at 0x%08x (%s, FSR 0x%03x, FAR 0x%08x)", vector,
				 exception_info[kind].name, fault->fsr, fault->va);
		else
			emu_fail(e, "exception loop at 0x%08x (%s)", vector, exception_info[kind].name);
		return;
	}
	e->exc_taken = true;
	e->exc_insns = e->insns;
	e->exc_vector = vector;
	uc_reg_read(e->uc, UC_ARM_REG_CPSR, &cpsr);
	uint32_t next = cpsr & ~(PSR_MODE_MASK | PSR_T | PSR_E | PSR_IT_LOW | PSR_J | PSR_IT_HIGH);
	next |= exception_info[kind].mode | PSR_I;
	if (exception_info[kind].mask_async)
		next |= PSR_A;
	if (sctlr & SCTLR_TE)
		next |= PSR_T;
	if (sctlr & SCTLR_EE)
		next |= PSR_E;
	uc_reg_write(e->uc, UC_ARM_REG_CPSR, &next);
	uc_reg_write(e->uc, UC_ARM_REG_SPSR, &cpsr);
	uc_reg_write(e->uc, UC_ARM_REG_LR, &lr);
	if (kind == EMU_EXC_DABT) {
		emu_cp15_write(e, 5, 0, 0, 0, fault->fsr);  /* DFSR */
		emu_cp15_write(e, 6, 0, 0, 0, fault->va);   /* DFAR */
	} else if (kind == EMU_EXC_PABT) {
		emu_cp15_write(e, 5, 0, 0, 1, fault->fsr);  /* IFSR */
		emu_cp15_write(e, 6, 0, 0, 2, fault->va);   /* IFAR */
	}
	if (e->events.on_exception) {
		uint32_t pc;
		uc_reg_read(e->uc, UC_ARM_REG_PC, &pc);
		e->events.on_exception(e->events.model.ctx, kind, pc, fault ? fault->fsr : 0,
				       fault ? fault->va : 0);
	}
	/* Unicorn takes the instruction set state from bit 0 of a PC write. */
	uint32_t pc = vector | ((next & PSR_T) ? 1 : 0);
	uc_reg_write(e->uc, UC_ARM_REG_PC, &pc);
}
