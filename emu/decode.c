/* Loads and stores decoded far enough to know their accesses: how many
 * memory hook calls an ARM instruction makes (to attribute the hook's
 * accesses to instructions, machine.c) and, with the registers, the
 * address of each access (to find the one a data abort was for when the
 * model is off: QEMU does not report the fault address).
 *
 * Covered: every ARMv7-A ARM and Thumb load/store of the integer core
 * (single, dual, multiple, exclusive, unprivileged, SWP, RFE, PUSH/POP,
 * TBB/TBH).  Not covered: SRS (it stores through another mode's SP) and
 * coprocessor and VFP loads/stores (the guest is soft-float). */
#include <string.h>

#include "emu/internal.h"

#define NO_REG 0xFF

static void single(emu_mem_insn *m, unsigned size, bool write, unsigned rn, bool pre, bool up,
		   bool writeback)
{
	*m = (emu_mem_insn){ .count = 1, .size = (uint8_t)size, .write = write, .rn = (uint8_t)rn,
			     .rm = NO_REG, .pre = pre, .up = up,
			     /* post-indexed with W set: LDRT, STRT, LDRHT... */
			     .unprivileged = !pre && writeback };
}

static void multiple(emu_mem_insn *m, unsigned count, bool write, unsigned rn, bool pre,
		     bool up)
{
	*m = (emu_mem_insn){ .count = count, .size = 4, .write = write, .rn = (uint8_t)rn,
			     .rm = NO_REG, .pre = pre, .up = up, .multiple = true };
}

bool emu_decode_arm(uint32_t w, emu_mem_insn *m)
{
	memset(m, 0, sizeof *m);
	bool p = w >> 24 & 1, u = w >> 23 & 1, b22 = w >> 22 & 1, wb = w >> 21 & 1, l = w >> 20 & 1;
	unsigned rn = w >> 16 & 15;
	if (w >> 28 == 0xF) {
		if ((w & 0x0E500000u) == 0x08100000u) /* RFE: PC, then CPSR */
			multiple(m, 2, false, rn, p, u);
		return m->count != 0; /* SRS, PLD, the rest: no addressable access */
	}
	switch ((w >> 25) & 7) {
	case 2: /* LDR/STR{B}{T} immediate */
		single(m, b22 ? 1 : 4, !l, rn, p, u, wb);
		m->imm = w & 0xFFF;
		break;
	case 3: /* register offset (bit 4 set: media instructions) */
		if (w & 0x10)
			return false;
		single(m, b22 ? 1 : 4, !l, rn, p, u, wb);
		m->rm = w & 15;
		m->shift_type = w >> 5 & 3;
		m->shift_n = w >> 7 & 31;
		break;
	case 4: /* LDM/STM */
		multiple(m, (unsigned)__builtin_popcount(w & 0xFFFF), !l, rn, p, u);
		break;
	case 0:
		if ((w & 0x90) != 0x90)
			return false;
		if ((w & 0x60) == 0) {
			if ((w & 0x0FB00FF0u) == 0x01000090u) { /* SWP{B}: load, then store */
				single(m, b22 ? 1 : 4, false, rn, true, true, false);
				m->count = 2;
				m->swap = true;
			} else if ((w & 0x0F800000u) == 0x01800000u) { /* exclusives: [Rn] */
				static const uint8_t sizes[4] = { 4, 4, 1, 2 };
				unsigned op = w >> 21 & 3;
				single(m, sizes[op], !l, rn, true, true, false);
				m->count = op == 1 ? 2 : 1; /* LDREXD/STREXD: two words */
			} else {
				return false; /* multiplies */
			}
			break;
		}
		/* LDRH/STRH, LDRSB/LDRSH, LDRD/STRD (L=0, op 10 and 11) */
		if (!l && (w & 0x40)) {
			single(m, 4, w & 0x20, rn, p, u, false);
			m->count = 2;
		} else {
			single(m, (w & 0x60) == 0x40 ? 1 : 2, !l, rn, p, u, wb);
		}
		if (b22)
			m->imm = (w >> 4 & 0xF0) | (w & 0xF);
		else
			m->rm = w & 15;
		break;
	default:
		return false;
	}
	return m->count != 0;
}

/* 16-bit Thumb loads and stores. */
static bool decode_thumb16(uint16_t h, emu_mem_insn *m)
{
	unsigned rn = h >> 3 & 7;
	if ((h & 0xF800) == 0x4800) { /* LDR literal */
		single(m, 4, false, 15, true, true, false);
		m->imm = (h & 0xFFu) * 4;
		m->literal = true;
	} else if ((h & 0xF000) == 0x5000) { /* register offset */
		static const uint8_t sizes[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };
		unsigned op = h >> 9 & 7;
		single(m, sizes[op], op < 3, rn, true, true, false);
		m->rm = h >> 6 & 7;
	} else if ((h & 0xE000) == 0x6000) { /* LDR/STR{B} immediate */
		bool byte = h & 0x1000;
		single(m, byte ? 1 : 4, !(h & 0x800), rn, true, true, false);
		m->imm = (h >> 6 & 31) * (byte ? 1u : 4u);
	} else if ((h & 0xF000) == 0x8000) { /* LDRH/STRH immediate */
		single(m, 2, !(h & 0x800), rn, true, true, false);
		m->imm = (h >> 6 & 31) * 2;
	} else if ((h & 0xF000) == 0x9000) { /* SP-relative */
		single(m, 4, !(h & 0x800), 13, true, true, false);
		m->imm = (h & 0xFFu) * 4;
	} else if ((h & 0xF600) == 0xB400) { /* PUSH = STMDB SP!, POP = LDMIA SP! */
		bool pop = h & 0x800;
		multiple(m, (unsigned)__builtin_popcount(h & 0x1FF), !pop, 13, !pop, pop);
	} else if ((h & 0xF000) == 0xC000) { /* STMIA/LDMIA */
		multiple(m, (unsigned)__builtin_popcount(h & 0xFF), !(h & 0x800), h >> 8 & 7, false,
			 true);
	} else {
		return false;
	}
	return m->count != 0;
}

bool emu_decode_thumb(uint16_t h1, uint16_t h2, emu_mem_insn *m)
{
	memset(m, 0, sizeof *m);
	if ((h1 & 0xF800) < 0xE800)
		return decode_thumb16(h1, m);
	unsigned rn = h1 & 15, rt = h2 >> 12;
	bool l = h1 & 0x10;
	if ((h1 & 0xFE40) == 0xE800) { /* LDM/STM: op 01 IA, 10 DB; 00, 11: SRS, RFE */
		unsigned op = h1 >> 7 & 3;
		if (op == 1 || op == 2)
			multiple(m, (unsigned)__builtin_popcount(h2), !l, rn, op == 2, op == 1);
		else if (l) /* RFE: PC, then CPSR */
			multiple(m, 2, false, rn, op == 0, op == 3);
		return m->count != 0;
	}
	if ((h1 & 0xFE40) == 0xE840) {
		bool p = h1 & 0x100, u = h1 & 0x80, wb = h1 & 0x20;
		if (p || wb) { /* LDRD/STRD immediate */
			single(m, 4, !l, rn, p, u, false);
			m->count = 2;
			m->imm = (h2 & 0xFFu) * 4;
			m->literal = rn == 15;
		} else if ((h1 & 0xFFE0) == 0xE840) { /* LDREX/STREX */
			single(m, 4, !l, rn, true, true, false);
			m->imm = (h2 & 0xFFu) * 4;
		} else if ((h1 & 0xFFE0) == 0xE8C0) {
			unsigned op = h2 >> 4 & 15;
			if (l && op <= 1) { /* TBB, TBH: [Rn, Rm{, LSL #1}] */
				single(m, op ? 2 : 1, false, rn, true, true, false);
				m->rm = h2 & 15;
				m->shift_n = (uint8_t)op;
			} else if (op >= 4 && op != 6 && op <= 7) { /* LDREX/STREX B, H, D */
				single(m, op == 4 ? 1 : op == 5 ? 2 : 4, !l, rn, true, true, false);
				m->count = op == 7 ? 2 : 1;
			} else {
				return false;
			}
		} else {
			return false;
		}
		return true;
	}
	if ((h1 & 0xFE00) != 0xF800)
		return false;
	/* Single loads and stores: S, size, L in bits 8, 6:5, 4. */
	bool sign = h1 & 0x100;
	unsigned size = 1u << (h1 >> 5 & 3);
	if (size == 8 || (sign && !l) || (l && rt == 15 && size < 4))
		return false; /* undefined, or PLD/PLI */
	if (rn == 15) { /* literal, loads only */
		single(m, size, false, 15, true, h1 & 0x80, false);
		m->imm = h2 & 0xFFF;
		m->literal = true;
	} else if (h1 & 0x80) { /* imm12 */
		single(m, size, !l, rn, true, true, false);
		m->imm = h2 & 0xFFF;
	} else if (h2 & 0x800) { /* imm8: P U W; P=1 U=1 W=0 is the unprivileged form */
		bool p = h2 & 0x400, u = h2 & 0x200, wb = h2 & 0x100;
		single(m, size, !l, rn, p, u, wb);
		m->unprivileged = p && u && !wb;
		m->imm = h2 & 0xFF;
	} else if ((h2 & 0xFC0) == 0) { /* register, LSL #imm2 */
		single(m, size, !l, rn, true, true, false);
		m->rm = h2 & 15;
		m->shift_n = h2 >> 4 & 3;
	} else {
		return false;
	}
	return true;
}

static uint32_t reg(emu_t *e, unsigned n)
{
	/* R0..R12 are consecutive in unicorn's list; SP, LR are not. */
	int id = n == 13 ? UC_ARM_REG_SP : n == 14 ? UC_ARM_REG_LR : UC_ARM_REG_R0 + (int)n;
	uint32_t v = 0;
	uc_reg_read(e->uc, id, &v);
	return v;
}

/* The shifted register offset (ARM ARM A8.4.3, Shift_C), with the
 * registers as they are now. */
static uint32_t offset_of(emu_t *e, const emu_mem_insn *m, uint32_t pc_value)
{
	if (m->rm == NO_REG)
		return m->imm;
	uint32_t v = m->rm == 15 ? pc_value : reg(e, m->rm);
	unsigned n = m->shift_n;
	switch (m->shift_type) {
	case 0: return v << n;
	case 1: return n ? v >> n : 0;
	case 2: return (uint32_t)((int32_t)v >> (n ? n : 31));
	default:
		if (n)
			return v >> n | v << (32 - n);
		uint32_t cpsr;
		uc_reg_read(e->uc, UC_ARM_REG_CPSR, &cpsr);
		return (cpsr >> 29 & 1) << 31 | v >> 1; /* RRX */
	}
}

uint32_t emu_mem_address(emu_t *e, const emu_mem_insn *m, uint32_t pc, bool thumb)
{
	uint32_t pc_value = pc + (thumb ? 4 : 8);
	uint32_t base = m->rn == 15 ? (m->literal ? pc_value & ~3u : pc_value) : reg(e, m->rn);
	if (m->multiple) {
		uint32_t span = 4 * m->count;
		return m->up ? base + (m->pre ? 4 : 0) : base - span + (m->pre ? 0 : 4);
	}
	uint32_t offset = offset_of(e, m, pc_value);
	if (!m->pre)
		return base;
	return m->up ? base + offset : base - offset;
}

bool emu_thumb_is_32bit(uint16_t first)
{
	return (first & 0xF800) >= 0xE800;
}

bool emu_condition_passes(uint32_t cond, uint32_t cpsr)
{
	bool n = cpsr >> 31 & 1, z = cpsr >> 30 & 1, c = cpsr >> 29 & 1, v = cpsr >> 28 & 1;
	bool r;
	switch (cond >> 1) {
	case 0: r = z; break;
	case 1: r = c; break;
	case 2: r = n; break;
	case 3: r = v; break;
	case 4: r = c && !z; break;
	case 5: r = n == v; break;
	case 6: r = !z && n == v; break;
	default: return true; /* AL, and the unconditional space */
	}
	return (cond & 1) ? !r : r;
}
