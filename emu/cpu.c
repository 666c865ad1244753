/* The CPU as the host reads and writes it: CP15 registers, the translation
 * regime, and guest-virtual memory for the host's own slow paths
 * (semihosting, instruction decode, scenarios). */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "emu/internal.h"

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
		*r = *model_regime(e->model);
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
				model_ram_written(e->model, e->board->ram_base + (uint32_t)(host - e->ram),
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

void emu_fail(emu_t *e, const char *fmt, ...)
{
	if (e->stop != EMU_STOP_ERROR) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->error, sizeof e->error, fmt, ap);
		va_end(ap);
		e->stop = EMU_STOP_ERROR;
	}
	uc_emu_stop(e->uc);
}

/* The model's CP15 shadow, built from decoded MCRs, must equal what the CPU
 * holds; checked at every abort and at exit, where it costs nothing. */
void emu_check_regime(emu_t *e, const char *where)
{
	if (!e->model)
		return;
	mmu_regime cpu;
	emu_read_regime(e, &cpu);
	const mmu_regime *shadow = model_regime(e->model);
	const uint32_t sctlr_bits = 0x70002003u; /* M, A, V, TRE, AFE, TE */
	static const struct { const char *name; size_t offset; uint32_t mask; } regs[] = {
		{ "SCTLR", offsetof(mmu_regime, sctlr), 0 },
		{ "TTBR0", offsetof(mmu_regime, ttbr0), ~0u },
		{ "TTBR1", offsetof(mmu_regime, ttbr1), ~0u },
		{ "TTBCR", offsetof(mmu_regime, ttbcr), 0x37u },
		{ "DACR", offsetof(mmu_regime, dacr), ~0u },
		{ "PRRR", offsetof(mmu_regime, prrr), ~0u },
		{ "NMRR", offsetof(mmu_regime, nmrr), ~0u },
		{ "CONTEXTIDR", offsetof(mmu_regime, contextidr), ~0u },
	};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		uint32_t mask = regs[i].mask ? regs[i].mask : sctlr_bits;
		uint32_t a = *(const uint32_t *)((const char *)&cpu + regs[i].offset) & mask;
		uint32_t b = *(const uint32_t *)((const char *)shadow + regs[i].offset) & mask;
		if (a != b) {
			e->disagreements++;
			fprintf(stderr, "mmuscope: model's %s is 0x%08x, the CPU's is 0x%08x (%s)\n",
				regs[i].name, b, a, where);
		}
	}
}
