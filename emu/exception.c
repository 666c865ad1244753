/* Host-performed ARMv7 exception entry (unicorn 2.0.1 reports exceptions but
 * does not take them), CP15 access, and guest-virtual memory access for the
 * host's own slow paths (semihosting, instruction decode). */
#include <string.h>

#include "emu/internal.h"
#include "emu/model.h"

#define PSR_MODE_MASK 0x1Fu
#define PSR_T   (1u << 5)
#define PSR_F   (1u << 6)
#define PSR_I   (1u << 7)
#define PSR_A   (1u << 8)
#define PSR_E   (1u << 9)
#define PSR_IT_LOW  (0x3Fu << 10)
#define PSR_J   (1u << 24)
#define PSR_IT_HIGH (0x3u << 25)

#define SCTLR_V  (1u << 13)
#define SCTLR_EE (1u << 25)
#define SCTLR_TE (1u << 30)

uint32_t emu_cp15_read(emu_t *e, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2)
{
	uc_arm_cp_reg reg = { .cp = 15, .crn = crn, .opc1 = opc1, .crm = crm, .opc2 = opc2 };
	uc_reg_read(e->uc, UC_ARM_REG_CP_REG, &reg);
	return (uint32_t)reg.val;
}

void emu_cp15_write(emu_t *e, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, uint32_t v)
{
	uc_arm_cp_reg reg = { .cp = 15, .crn = crn, .opc1 = opc1, .crm = crm, .opc2 = opc2, .val = v };
	uc_reg_write(e->uc, UC_ARM_REG_CP_REG, &reg);
}

void emu_read_regime(emu_t *e, mmu_regime *r)
{
	memset(r, 0, sizeof *r);
	r->sctlr = emu_cp15_read(e, 1, 0, 0, 0);
	r->ttbr0 = emu_cp15_read(e, 2, 0, 0, 0);
	r->ttbr1 = emu_cp15_read(e, 2, 0, 0, 1);
	r->ttbcr = emu_cp15_read(e, 2, 0, 0, 2);
	r->dacr = emu_cp15_read(e, 3, 0, 0, 0);
	r->prrr = emu_cp15_read(e, 10, 0, 2, 0);
	r->nmrr = emu_cp15_read(e, 10, 0, 2, 1);
	r->contextidr = emu_cp15_read(e, 13, 0, 0, 1);
	r->has_pxn = e->board->has_pxn;
	r->non_secure = emu_cp15_read(e, 1, 0, 1, 0) & 1; /* SCR.NS: unicorn resets to Non-secure */
}

/* Translates one VA for the host (privileged read or write, no counting). */
static uint8_t *virt_to_host(emu_t *e, const mmu_regime *r, uint32_t va, bool write, size_t *room)
{
	mmu_entry entry;
	mmu_fault f = mmu_translate(r, va, write ? MMU_WRITE : MMU_READ, false, 1, &e->mem,
				    NULL, &entry, NULL);
	if (f.type != MMU_FAULT_NONE)
		return NULL;
	uint64_t pa = mmu_entry_pa(&entry, va);
	if (pa < e->board->ram_base || pa - e->board->ram_base >= e->ram_size)
		return NULL;
	size_t page_left = 0x1000 - (va & 0xFFF);
	*room = page_left;
	return e->ram + (pa - e->board->ram_base);
}

/* The model's shadow is the CPU's regime (checked at aborts and exit)
 * and much cheaper than reading eight CP15 registers from unicorn. */
static void current_regime(emu_t *e, mmu_regime *r)
{
	if (e->model)
		*r = *emu_model_regime(e->model);
	else
		emu_read_regime(e, r);
}

static bool copy_virt(emu_t *e, const mmu_regime *r, uint32_t va, void *buf, size_t len,
		      bool write)
{
	uint8_t *p = buf;
	while (len) {
		size_t room;
		uint8_t *host = virt_to_host(e, r, va, write, &room);
		if (!host)
			return false;
		size_t n = len < room ? len : room;
		if (write) {
			memcpy(host, p, n);
			if (e->model)
				emu_model_ram_written(e->model, e->board->ram_base + (uint32_t)(host - e->ram),
						      p, n);
		} else
			memcpy(p, host, n);
		p += n;
		va += (uint32_t)n;
		len -= n;
	}
	return true;
}

bool emu_read_virt(emu_t *e, uint32_t va, void *buf, size_t len)
{
	mmu_regime r;
	current_regime(e, &r);
	return copy_virt(e, &r, va, buf, len, false);
}

bool emu_read_virt_in(emu_t *e, const mmu_regime *r, uint32_t va, void *buf, size_t len)
{
	return copy_virt(e, r, va, buf, len, false);
}

bool emu_write_virt(emu_t *e, uint32_t va, const void *buf, size_t len)
{
	mmu_regime r;
	current_regime(e, &r);
	return copy_virt(e, &r, va, (void *)buf, len, true);
}

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
		e->events.on_exception(e->events.ctx, kind, pc, fault ? fault->fsr : 0,
				       fault ? fault->va : 0);
	}
	/* Unicorn takes the instruction set state from bit 0 of a PC write. */
	uint32_t pc = vector | ((next & PSR_T) ? 1 : 0);
	uc_reg_write(e->uc, UC_ARM_REG_PC, &pc);
}
