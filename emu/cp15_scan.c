/* CP15 writes in program order: each privileged block is scanned once for
 * MCR p15 instructions, and a code hook on each one found tells the model
 * what it writes (the model's regime and TLB maintenance follow it; a
 * scenario's skip_tlbi drops TLB maintenance here, before the model). */
#include <string.h>

#include "emu/internal.h"

/* An MCR p15 as one 32-bit word (ARM, or Thumb-2 with hw1 in the top half):
 * cond/1110 opc1(3) 0 CRn Rt 1111 opc2 1 CRm. */
static bool is_mcr_p15(uint32_t w)
{
	return (w & 0x0F100F10u) == 0x0E000F10u;
}

static void mcr_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	emu_t *e = opaque;
	uint32_t cpsr, w;
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	if (size == 4 && (cpsr & PSR_T)) {
		uint16_t hw[2];
		if (!emu_read_virt(e, (uint32_t)addr, hw, 4))
			return;
		w = (uint32_t)hw[0] << 16 | hw[1];
	} else if (!emu_read_virt(e, (uint32_t)addr, &w, 4)) {
		return;
	}
	if (!is_mcr_p15(w))
		return;
	uint32_t cond = w >> 28;
	if (cpsr & PSR_T) {
		uint32_t it = ((cpsr >> 8) & 0xFC) | ((cpsr >> 25) & 3);
		cond = (it & 0xF) ? it >> 4 : 0xE;
	}
	if (!emu_condition_passes(cond, cpsr))
		return;
	unsigned rt = (w >> 12) & 0xF;
	if (rt == 15)
		return;
	/* R0..R12 are consecutive in unicorn's list; SP and LR are not. */
	int reg = rt == 13 ? UC_ARM_REG_SP : rt == 14 ? UC_ARM_REG_LR : UC_ARM_REG_R0 + (int)rt;
	uint32_t value;
	uc_reg_read(uc, reg, &value);
	if (((w >> 16) & 0xF) == 8 && emu_inject_drop_tlbi(e))
		return; /* a scenario's skip_tlbi: the model never hears of it */
	model_cp15(e->model, (w >> 16) & 0xF, (w >> 21) & 7, w & 0xF, (w >> 5) & 7, value);
}

/* Open-addressed set of block addresses already scanned for MCRs. */
static bool scanned_insert(emu_t *e, uint32_t va)
{
	uint32_t key = va | 1; /* 0 marks an empty slot */
	if (e->scanned_count * 2 >= e->scanned_cap) {
		size_t cap = e->scanned_cap ? e->scanned_cap * 2 : 1024;
		uint32_t *grown = calloc(cap, sizeof *grown);
		if (!grown)
			return false;
		for (size_t i = 0; i < e->scanned_cap; i++) {
			uint32_t k = e->scanned[i];
			if (!k)
				continue;
			size_t j = (k * 2654435761u) & (cap - 1);
			while (grown[j])
				j = (j + 1) & (cap - 1);
			grown[j] = k;
		}
		free(e->scanned);
		e->scanned = grown;
		e->scanned_cap = cap;
	}
	size_t j = (key * 2654435761u) & (e->scanned_cap - 1);
	while (e->scanned[j]) {
		if (e->scanned[j] == key)
			return false;
		j = (j + 1) & (e->scanned_cap - 1);
	}
	e->scanned[j] = key;
	e->scanned_count++;
	return true;
}

/* Scans a privileged block once; returns true if code hooks were added
 * (the block must then be translated again to include them). */
bool emu_scan_for_mcr(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	if (!scanned_insert(e, va))
		return false;
	uint8_t code[4096];
	if (size > sizeof code || !emu_read_virt(e, va, code, size))
		return false;
	bool added = false;
	for (uint32_t off = 0; off + (thumb ? 2 : 4) <= size;) {
		uint32_t w, len = 4;
		if (thumb) {
			uint16_t hw0, hw1 = 0;
			memcpy(&hw0, code + off, 2);
			len = emu_thumb_is_32bit(hw0) ? 4 : 2;
			if (len == 4 && off + 4 <= size)
				memcpy(&hw1, code + off + 2, 2);
			w = (uint32_t)hw0 << 16 | hw1;
			if (len == 2)
				w = 0;
		} else {
			memcpy(&w, code + off, 4);
		}
		if (is_mcr_p15(w)) {
			uc_hook h;
			if (uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)mcr_hook, e, va + off, va + off) == UC_ERR_OK)
				added = true;
		}
		off += len;
	}
	return added;
}
