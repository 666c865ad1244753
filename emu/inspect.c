/* Inspecting and disturbing a stopped machine (emu/scenario.h): registers
 * by name, RAM by address, walks without counting, host-issued TLB
 * maintenance and DACR writes. */
#include <stdio.h>
#include <string.h>

#include "emu/internal.h"
#include "emu/scenario.h"

bool emu_phys_read32(const emu_t *e, uint32_t pa, uint32_t *value)
{
	if (pa < e->board->ram_base || pa - e->board->ram_base > e->ram_size - 4)
		return false;
	memcpy(value, e->ram + (pa - e->board->ram_base), 4);
	return true;
}

bool emu_phys_write32(emu_t *e, uint32_t pa, uint32_t value)
{
	if (pa < e->board->ram_base || pa - e->board->ram_base > e->ram_size - 4)
		return false;
	memcpy(e->ram + (pa - e->board->ram_base), &value, 4);
	if (e->model)
		model_ram_written(e->model, pa, &value, 4); /* a trace replays it */
	return true;
}

mmu_fault emu_translate(emu_t *e, const mmu_regime *r, uint32_t va, mmu_kind kind, bool user,
			mmu_entry *entry, mmu_trace *trace)
{
	return mmu_translate(r, va, kind, user, 1, &e->mem, NULL, entry, trace);
}

bool emu_virt_read(emu_t *e, uint32_t va, void *buf, size_t len)
{
	return emu_read_virt(e, va, buf, len);
}

bool emu_reg_by_name(emu_t *e, const char *name, uint32_t *value)
{
	static const struct { const char *name; int reg; } named[] = {
		{ "sp", UC_ARM_REG_SP }, { "r13", UC_ARM_REG_SP }, { "lr", UC_ARM_REG_LR },
		{ "r14", UC_ARM_REG_LR }, { "pc", UC_ARM_REG_PC }, { "r15", UC_ARM_REG_PC },
		{ "cpsr", UC_ARM_REG_CPSR }, { "spsr", UC_ARM_REG_SPSR },
	};
	int reg = -1;
	unsigned n;
	char tail;
	if (sscanf(name, "r%u%c", &n, &tail) == 1 && n <= 12 && strlen(name) <= 3)
		reg = UC_ARM_REG_R0 + (int)n; /* R0..R12 are consecutive in unicorn's list */
	for (size_t i = 0; reg < 0 && i < sizeof named / sizeof named[0]; i++)
		if (!strcmp(name, named[i].name))
			reg = named[i].reg;
	if (reg < 0)
		return false;
	uc_reg_read(e->uc, reg, value);
	return true;
}

bool emu_cp15_by_name(emu_t *e, const char *name, uint32_t *value)
{
	static const struct { const char *name; unsigned crn, opc1, crm, opc2; } regs[] = {
		{ "sctlr", 1, 0, 0, 0 }, { "ttbr0", 2, 0, 0, 0 }, { "ttbr1", 2, 0, 0, 1 },
		{ "ttbcr", 2, 0, 0, 2 }, { "dacr", 3, 0, 0, 0 }, { "dfsr", 5, 0, 0, 0 },
		{ "ifsr", 5, 0, 0, 1 }, { "dfar", 6, 0, 0, 0 }, { "ifar", 6, 0, 0, 2 },
		{ "par", 7, 0, 4, 0 }, { "prrr", 10, 0, 2, 0 }, { "nmrr", 10, 0, 2, 1 },
		{ "vbar", 12, 0, 0, 0 }, { "contextidr", 13, 0, 0, 1 },
	};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (!strcmp(name, regs[i].name)) {
			*value = emu_cp15_read(e, regs[i].crn, regs[i].opc1, regs[i].crm, regs[i].opc2);
			return true;
		}
	return false;
}

/* QEMU's TLB caches permissions and holds entries as long as it likes;
 * after the host changes what a translation gives, it must walk again. */
static void flush_qemu_tlb(emu_t *e)
{
	emu_cp15_write(e, 8, 0, 7, 0, 0); /* TLBIALL reaches QEMU only: no MCR ran */
}

void emu_set_dacr(emu_t *e, uint32_t dacr)
{
	emu_cp15_write(e, 3, 0, 0, 0, dacr);
	if (e->model)
		model_cp15(e->model, 3, 0, 0, 0, dacr);
	flush_qemu_tlb(e);
}

void emu_tlb_maintain(emu_t *e, tlb_op op, uint32_t rt)
{
#define TLB_OP_ENCODING_(A, opname, name, crm, opc2, scope, side) [TLB_OP_##opname] = { crm, opc2 },
	static const unsigned char encoding[TLB_OP_COUNT][2] = { TLB_MAINT_OPS(TLB_OP_ENCODING_, _) };
#undef TLB_OP_ENCODING_
	/* Through the model's own CP15 path, so a recorded trace replays it
	 * (skip_tlbi, in the MCR hook, drops only the guest's operations). */
	model_cp15(e->model, 8, 0, encoding[op][0], encoding[op][1], rt);
	flush_qemu_tlb(e);
}

mmu_fault emu_tlb_prime(emu_t *e, uint32_t va, mmu_kind kind, bool user)
{
	uint64_t pa;
	return model_access(e->model, va, kind, user, 4, va, &pa);
}
