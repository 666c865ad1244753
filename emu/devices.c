/* The board's devices, as unicorn MMIO regions: a PL011 UART (transmit and
 * flags), an SP804 dual timer (first timer; time is counted in retired
 * instructions so runs are deterministic) and the part of a GIC the guest
 * uses (enable, priority mask, acknowledge, end of interrupt). */
#include <string.h>

#include "emu/internal.h"

#define PL011_DR     0x000
#define PL011_FR     0x018
#define PL011_FR_RXFE 0x10
#define PL011_FR_TXFE 0x80
#define PL011_ID     0xFE0

#define SP804_LOAD    0x00
#define SP804_VALUE   0x04
#define SP804_CONTROL 0x08
#define SP804_INTCLR  0x0C
#define SP804_RIS     0x10
#define SP804_MIS     0x14
#define SP804_BGLOAD  0x18
#define SP804_CTRL_ONESHOT 0x01
#define SP804_CTRL_INTEN   0x20
#define SP804_CTRL_PERIODIC 0x40
#define SP804_CTRL_ENABLE  0x80

#define GIC_IRQS      128
#define GIC_SPURIOUS  1023

static uint64_t uart_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size; (void)opaque;
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };
	if (off == PL011_FR)
		return PL011_FR_TXFE | PL011_FR_RXFE; /* never busy, nothing to read */
	if (off >= PL011_ID && off < PL011_ID + 32 && !(off & 3))
		return id[(off - PL011_ID) / 4];
	return 0;
}

static void uart_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (off == PL011_DR)
		fputc((int)(v & 0xFF), e->console);
}

static uint32_t timer_period(const emu_timer *t)
{
	return t->load ? t->load : 1;
}

static void timer_rearm(emu_t *e)
{
	emu_timer *t = &e->timer;
	t->start = e->insns;
	e->timer_deadline = (t->control & SP804_CTRL_ENABLE) ? e->insns + timer_period(t) : UINT64_MAX;
}

/* Called when the instruction count reaches the deadline. */
void emu_timer_expire(emu_t *e)
{
	emu_timer *t = &e->timer;
	t->raw_irq = true;
	if (t->control & SP804_CTRL_ONESHOT) {
		t->control &= ~SP804_CTRL_ENABLE;
		e->timer_deadline = UINT64_MAX;
	} else {
		/* Periodic reloads `load`; free-running wraps to 0xFFFFFFFF. */
		uint64_t period = (t->control & SP804_CTRL_PERIODIC) ? timer_period(t) : (1ull << 32);
		t->start = e->timer_deadline;
		e->timer_deadline += period;
	}
}

static uint64_t timer_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_timer *t = &e->timer;
	bool irq = t->raw_irq && (t->control & SP804_CTRL_INTEN);
	switch (off) {
	case SP804_LOAD: return t->load;
	case SP804_VALUE:
		if (!(t->control & SP804_CTRL_ENABLE))
			return t->load;
		return t->load - (uint32_t)((e->insns - t->start) % timer_period(t));
	case SP804_CONTROL: return t->control;
	case SP804_RIS: return t->raw_irq;
	case SP804_MIS: return irq;
	case SP804_BGLOAD: return t->load;
	default: return 0;
	}
}

static void timer_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_timer *t = &e->timer;
	switch (off) {
	case SP804_LOAD:
		t->load = (uint32_t)v;
		timer_rearm(e);
		break;
	case SP804_BGLOAD:
		t->load = (uint32_t)v; /* takes effect at the next reload */
		break;
	case SP804_CONTROL:
		t->control = (uint32_t)v & 0xFF;
		timer_rearm(e);
		break;
	case SP804_INTCLR:
		t->raw_irq = false;
		break;
	}
}

static bool irq_pending(const emu_t *e, unsigned irq)
{
	return irq == e->board->timer_irq && e->timer.raw_irq &&
	       (e->timer.control & SP804_CTRL_INTEN);
}

/* The highest-priority enabled, pending, inactive interrupt above the
 * priority mask, or GIC_SPURIOUS. */
static unsigned gic_best(const emu_t *e)
{
	const emu_gic *g = &e->gic;
	unsigned best = GIC_SPURIOUS, best_prio = 0x100;
	if (!g->dist_enabled || !g->cpu_enabled)
		return GIC_SPURIOUS;
	for (unsigned irq = 0; irq < GIC_IRQS; irq++) {
		uint32_t bit = 1u << (irq % 32);
		if (!(g->enabled[irq / 32] & bit) || (g->active[irq / 32] & bit) || !irq_pending(e, irq))
			continue;
		if (g->priority[irq] < g->pmr && g->priority[irq] < best_prio) {
			best = irq;
			best_prio = g->priority[irq];
		}
	}
	return best;
}

bool emu_irq_line(const emu_t *e)
{
	return e->timer.raw_irq && gic_best(e) != GIC_SPURIOUS;
}

static uint32_t bytes_read(const uint8_t *arr, uint64_t index)
{
	return arr[index] | arr[index + 1] << 8 | arr[index + 2] << 16 | (uint32_t)arr[index + 3] << 24;
}

static void bytes_write(uint8_t *arr, uint64_t index, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		arr[index + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t gicd_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	if (off == 0x000) return g->dist_enabled;
	if (off == 0x004) return GIC_IRQS / 32 - 1; /* ITLinesNumber, one CPU */
	if (off >= 0x100 && off < 0x100 + GIC_IRQS / 8) return g->enabled[(off - 0x100) / 4];
	if (off >= 0x180 && off < 0x180 + GIC_IRQS / 8) return g->enabled[(off - 0x180) / 4];
	if (off >= 0x400 && off < 0x400 + GIC_IRQS) return bytes_read(g->priority, (off - 0x400) & ~3u);
	if (off >= 0x800 && off < 0x800 + GIC_IRQS) return bytes_read(g->targets, (off - 0x800) & ~3u);
	return 0;
}

static void gicd_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	if (off == 0x000) g->dist_enabled = v & 1;
	else if (off >= 0x100 && off < 0x100 + GIC_IRQS / 8) g->enabled[(off - 0x100) / 4] |= (uint32_t)v;
	else if (off >= 0x180 && off < 0x180 + GIC_IRQS / 8) g->enabled[(off - 0x180) / 4] &= ~(uint32_t)v;
	else if (off >= 0x400 && off < 0x400 + GIC_IRQS) bytes_write(g->priority, (off - 0x400) & ~3u, (uint32_t)v);
	else if (off >= 0x800 && off < 0x800 + GIC_IRQS) bytes_write(g->targets, (off - 0x800) & ~3u, (uint32_t)v);
}

/* The CPU interface's page also holds the (unmodelled) SCU below it. */
static bool gicc_offset(const emu_t *e, uint64_t *off)
{
	uint64_t base = e->board->gic_cpu & 0xFFFu;
	if (*off < base)
		return false;
	*off -= base;
	return true;
}

static uint64_t gicc_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	if (!gicc_offset(e, &off))
		return 0;
	switch (off) {
	case 0x00: return g->cpu_enabled;
	case 0x04: return g->pmr;
	case 0x0C: { /* IAR: acknowledge */
		unsigned irq = gic_best(e);
		if (irq != GIC_SPURIOUS)
			g->active[irq / 32] |= 1u << (irq % 32);
		return irq;
	}
	case 0x18: return gic_best(e); /* HPPIR */
	default: return 0;
	}
}

static void gicc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_gic *g = &e->gic;
	if (!gicc_offset(e, &off))
		return;
	if (off == 0x00)
		g->cpu_enabled = v & 1;
	else if (off == 0x04)
		g->pmr = (uint32_t)v & 0xFF;
	else if (off == 0x10 && (v & 0x3FF) < GIC_IRQS)
		g->active[(v & 0x3FF) / 32] &= ~(1u << (v % 32));
}

int emu_devices_map(emu_t *e)
{
	const emu_board *b = e->board;
	e->timer_deadline = UINT64_MAX;
	if (uc_mmio_map(e->uc, b->uart, 0x1000, uart_read, e, uart_write, e) ||
	    uc_mmio_map(e->uc, b->timer, 0x1000, timer_read, e, timer_write, e))
		return -1;
	/* The GIC CPU interface sits at +0x100 inside the MPCore private page. */
	uint32_t gic_page = b->gic_cpu & ~0xFFFu;
	if (gic_page == (b->gic_dist & ~0xFFFu))
		return -1;
	if (uc_mmio_map(e->uc, b->gic_dist & ~0xFFFu, 0x1000, gicd_read, e, gicd_write, e))
		return -1;
	return uc_mmio_map(e->uc, gic_page, 0x1000, gicc_read, e, gicc_write, e) ? -1 : 0;
}
