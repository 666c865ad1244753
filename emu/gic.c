/* The Cortex-A9 GIC for one core (PL390-style distributor and CPU
 * interface): what Linux's irq-gic.c and the firmware use: enables,
 * pending and active bits, priorities with the running priority, targets,
 * groups and trigger configuration, SGIs to this core.  Devices drive
 * their lines (emu_irq_set_line); the GIC calls no device. */
#include "emu/internal.h"

#define GIC_SPURIOUS 1023

/* The active interrupts' highest priority (lowest value), 0x100 if none. */
static unsigned running_priority(const emu_gic *g)
{
	unsigned prio = 0x100;
	for (unsigned w = 0; w < EMU_GIC_IRQS / 32; w++)
		for (uint32_t a = g->active[w]; a; a &= a - 1) {
			unsigned irq = w * 32 + (unsigned)__builtin_ctz(a);
			if (g->priority[irq] < prio)
				prio = g->priority[irq];
		}
	return prio;
}

/* The highest-priority enabled, pending, inactive interrupt that beats the
 * priority mask and the running priority, or GIC_SPURIOUS. */
static unsigned best(const emu_t *e)
{
	const emu_gic *g = &e->gic;
	if (!g->dist_enabled || !g->cpu_enabled)
		return GIC_SPURIOUS;
	unsigned found = GIC_SPURIOUS, limit = running_priority(g);
	if (g->pmr < limit)
		limit = g->pmr;
	for (unsigned w = 0; w < EMU_GIC_IRQS / 32; w++)
		for (uint32_t c = g->enabled[w] & ~g->active[w] & (g->pending[w] | g->lines[w]); c;
		     c &= c - 1) {
			unsigned irq = w * 32 + (unsigned)__builtin_ctz(c);
			if (g->priority[irq] < limit) {
				found = irq;
				limit = g->priority[irq];
			}
		}
	return found;
}

void emu_irq_update(emu_t *e)
{
	e->irq_line = best(e) != GIC_SPURIOUS;
}

void emu_irq_set_line(emu_t *e, unsigned irq, bool level)
{
	if (!irq || irq >= EMU_GIC_IRQS) /* 0: the board has no such line (no device drives SGI 0) */
		return;
	if (level)
		e->gic.lines[irq / 32] |= 1u << (irq % 32);
	else
		e->gic.lines[irq / 32] &= ~(1u << (irq % 32));
	emu_irq_update(e);
}

/* ---- distributor -------------------------------------------------------- */

/* A byte array register (priorities, targets): size bytes at off. */
static uint32_t bytes_get(const uint8_t *arr, uint64_t at, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size && at + i < EMU_GIC_IRQS; i++)
		v |= (uint32_t)arr[at + i] << (8 * i);
	return v;
}

static void bytes_set(uint8_t *arr, uint64_t at, unsigned size, uint32_t v)
{
	for (unsigned i = 0; i < size && at + i < EMU_GIC_IRQS; i++)
		arr[at + i] = (uint8_t)(v >> (8 * i));
}

/* The bit-array register block at base (32 interrupts a word) holding
 * off, or NULL. */
static uint32_t *bit_word(uint64_t off, uint64_t base, uint32_t *words)
{
	if (off < base || off >= base + EMU_GIC_IRQS / 8)
		return NULL;
	return &words[(off - base) / 4];
}

uint64_t emu_gicd_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	uint32_t *w;
	if (off == 0x000) return g->dist_enabled;
	if (off == 0x004) return EMU_GIC_IRQS / 32 - 1; /* ITLinesNumber, one CPU */
	if (off == 0x008) return 0x0200043B;            /* IIDR: ARM, as QEMU's */
	if ((w = bit_word(off, 0x080, g->group))) return *w;
	if ((w = bit_word(off, 0x100, g->enabled)) || (w = bit_word(off, 0x180, g->enabled)))
		return *w;
	if (off >= 0x200 && off < 0x300 && off % 0x80 < EMU_GIC_IRQS / 8) { /* an edge or a line */
		unsigned w = (unsigned)(off % 0x80) / 4;
		return g->pending[w] | g->lines[w];
	}
	if ((w = bit_word(off, 0x300, g->active)) || (w = bit_word(off, 0x380, g->active)))
		return *w;
	if (off >= 0x400 && off < 0x400 + EMU_GIC_IRQS) return bytes_get(g->priority, off - 0x400, size);
	if (off >= 0x800 && off < 0x800 + EMU_GIC_IRQS) {
		if (off < 0x820) /* SGIs and PPIs: this core only */
			return 0x01010101u & (size == 4 ? ~0u : (1u << 8 * size) - 1);
		return bytes_get(g->targets, off - 0x800, size);
	}
	if (off >= 0xC00 && off < 0xC00 + EMU_GIC_IRQS / 4) return g->config[(off - 0xC00) / 4];
	if (off >= 0xFE0) { /* peripheral and component IDs of a GICv1 */
		static const uint8_t id[8] = { 0x90, 0xB3, 0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };
		return id[((off - 0xFE0) / 4) & 7];
	}
	return 0;
}

void emu_gicd_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *opaque)
{
	(void)uc;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	uint32_t v = (uint32_t)value, *w;
	if (off == 0x000) g->dist_enabled = v & 1;
	else if ((w = bit_word(off, 0x080, g->group))) *w = v;
	else if ((w = bit_word(off, 0x100, g->enabled))) *w |= v;
	else if ((w = bit_word(off, 0x180, g->enabled))) *w &= ~v;
	else if ((w = bit_word(off, 0x200, g->pending))) *w |= v;
	else if ((w = bit_word(off, 0x280, g->pending))) *w &= ~v;
	else if ((w = bit_word(off, 0x300, g->active))) *w |= v;
	else if ((w = bit_word(off, 0x380, g->active))) *w &= ~v;
	else if (off >= 0x400 && off < 0x400 + EMU_GIC_IRQS) bytes_set(g->priority, off - 0x400, size, v);
	else if (off >= 0x820 && off < 0x800 + EMU_GIC_IRQS) bytes_set(g->targets, off - 0x800, size, v);
	else if (off >= 0xC00 && off < 0xC00 + EMU_GIC_IRQS / 4) g->config[(off - 0xC00) / 4] = v;
	else if (off == 0xF00) { /* SGIR: an SGI for this core, by list or to self */
		unsigned filter = (v >> 24) & 3;
		if (filter == 2 || (filter == 0 && (v >> 16 & 1)))
			g->pending[0] |= 1u << (v & 0xF);
	}
	emu_irq_update(e);
}

/* ---- CPU interface --------------------------------------------------------- */

uint64_t emu_gicc_read(emu_t *e, uint64_t off)
{
	emu_gic *g = &e->gic;
	switch (off) {
	case 0x00: return g->cpu_enabled;
	case 0x04: return g->pmr;
	case 0x08: return g->bpr;
	case 0x0C: { /* IAR: acknowledge; an edge (pending bit) is consumed */
		unsigned irq = best(e);
		if (irq != GIC_SPURIOUS) {
			g->active[irq / 32] |= 1u << (irq % 32);
			g->pending[irq / 32] &= ~(1u << (irq % 32));
			emu_irq_update(e);
		}
		return irq;
	}
	case 0x14: return running_priority(g) & 0xFF;
	case 0x18: return best(e); /* HPPIR */
	case 0xFC: return 0x0102043B; /* IIDR */
	default: return 0;
	}
}

void emu_gicc_write(emu_t *e, uint64_t off, uint32_t v)
{
	emu_gic *g = &e->gic;
	switch (off) {
	case 0x00: g->cpu_enabled = v & 1; break;
	case 0x04: g->pmr = v & 0xFF; break;
	case 0x08: g->bpr = v & 7; break;
	case 0x10: /* EOIR */
		if ((v & 0x3FF) < EMU_GIC_IRQS)
			g->active[(v & 0x3FF) / 32] &= ~(1u << (v % 32));
		break;
	}
	emu_irq_update(e);
}
