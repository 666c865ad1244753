/* The board's timers on the guest's own clock: SP804 dual timers (1 MHz,
 * the rate the vexpress SP810 selects for them) and the Cortex-A9 private
 * timer (TWD, PERIPHCLK 100 MHz as QEMU's a9mpcore has it).  Guest time is
 * retired instructions times ns_per_insn, plus the time WFI skipped: the
 * same run sees the same interrupts at the same instructions. */
#include "emu/internal.h"

#define SP804_LOAD    0x00
#define SP804_VALUE   0x04
#define SP804_CONTROL 0x08
#define SP804_INTCLR  0x0C
#define SP804_RIS     0x10
#define SP804_MIS     0x14
#define SP804_BGLOAD  0x18
#define SP804_CTRL_ONESHOT  0x01
#define SP804_CTRL_32BIT    0x02
#define SP804_CTRL_INTEN    0x20
#define SP804_CTRL_PERIODIC 0x40
#define SP804_CTRL_ENABLE   0x80

#define TWD_IRQ     29          /* PPI 13 */
#define TWD_LOAD    0x00
#define TWD_COUNTER 0x04
#define TWD_CONTROL 0x08
#define TWD_INTSTAT 0x0C
#define TWD_CTRL_ENABLE 0x01
#define TWD_CTRL_RELOAD 0x02
#define TWD_CTRL_INTEN  0x04

static bool enabled(const emu_counter *c)
{
	return c->control & (c->twd ? TWD_CTRL_ENABLE : SP804_CTRL_ENABLE);
}

static bool irq_raised(const emu_counter *c)
{
	return c->raw_irq && (c->control & (c->twd ? TWD_CTRL_INTEN : SP804_CTRL_INTEN));
}

#define NCOUNTERS 5
static emu_counter *counter(emu_t *e, int i)
{
	emu_devices *d = &e->dev;
	return i == 0 ? &d->twd : &d->sp804[(i - 1) / 2][(i - 1) % 2];
}

/* Each timer's GIC line: the OR of the counters that drive it. */
static void drive_lines(emu_t *e)
{
	for (int i = 0; i < NCOUNTERS; i++) {
		bool level = false;
		for (int j = 0; j < NCOUNTERS; j++)
			level |= counter(e, j)->irq == counter(e, i)->irq && irq_raised(counter(e, j));
		emu_irq_set_line(e, counter(e, i)->irq, level);
	}
}

static uint64_t ticks_ns(const emu_counter *c, uint64_t ticks)
{
	return (ticks ? ticks : 1) * c->ns_per_tick;
}

static void find_next_event(emu_t *e)
{
	uint64_t next = UINT64_MAX;
	for (int i = 0; i < NCOUNTERS; i++)
		if (counter(e, i)->deadline < next)
			next = counter(e, i)->deadline;
	e->next_event = next;
}

/* Counts from value now, if enabled. */
static void restart(emu_t *e, emu_counter *c, uint32_t value)
{
	c->ns_per_tick = c->twd ? 10u * (((c->control >> 8) & 0xFFu) + 1)
			     : 1000u << (4 * ((c->control >> 2) & 3u));
	c->value = value;
	c->since = emu_now(e);
	c->deadline = enabled(c) ? c->since + ticks_ns(c, value) : UINT64_MAX;
	find_next_event(e);
}

static uint32_t current(const emu_t *e, const emu_counter *c)
{
	if (c->deadline == UINT64_MAX)
		return c->value;
	return c->value - (uint32_t)((emu_now(e) - c->since) / c->ns_per_tick);
}

/* The counter reaches zero at its deadline: raise the interrupt, then
 * reload (periodic), wrap (SP804 free-running) or stop (one-shot). */
static void expire(emu_counter *c)
{
	bool twd = c->twd;
	c->raw_irq = true;
	c->since = c->deadline;
	bool stop = twd ? !(c->control & TWD_CTRL_RELOAD) : (c->control & SP804_CTRL_ONESHOT);
	if (stop) {
		if (!twd)
			c->control &= ~SP804_CTRL_ENABLE;
		c->value = 0;
		c->deadline = UINT64_MAX;
		return;
	}
	if (twd || (c->control & SP804_CTRL_PERIODIC))
		c->value = c->load;
	else
		c->value = (c->control & SP804_CTRL_32BIT) ? 0xFFFFFFFFu : 0xFFFFu;
	c->deadline += ticks_ns(c, c->value);
}

void emu_timers_advance(emu_t *e)
{
	uint64_t now = emu_now(e);
	while (e->next_event <= now) {
		uint64_t due = e->next_event;
		for (int i = 0; i < NCOUNTERS; i++)
			if (counter(e, i)->deadline == due)
				expire(counter(e, i));
		find_next_event(e);
	}
	drive_lines(e);
}

void emu_timers_init(emu_t *e)
{
	const emu_board *b = e->board;
	const unsigned irq[NCOUNTERS] = { TWD_IRQ, b->timer_irq, b->timer_irq, b->timer2_irq,
					  b->timer2_irq };
	for (int i = 0; i < NCOUNTERS; i++) /* all stopped; the SP804s' reset value and INTEN */
		*counter(e, i) = (emu_counter){ .value = i ? 0xFFFFFFFFu : 0,
						.control = i ? SP804_CTRL_INTEN : 0,
						.deadline = UINT64_MAX, .ns_per_tick = i ? 1000 : 10,
						.twd = i == 0, .irq = irq[i] };
	e->next_event = UINT64_MAX;
}

uint64_t emu_timer_read(emu_t *e, emu_counter *c, uint64_t off)
{
	if (e->next_event <= emu_now(e))
		emu_timers_advance(e);
	if (c->twd) {
		switch (off) {
		case TWD_LOAD: return c->load;
		case TWD_COUNTER: return current(e, c);
		case TWD_CONTROL: return c->control;
		case TWD_INTSTAT: return c->raw_irq;
		default: return 0;
		}
	}
	switch (off) {
	case SP804_LOAD: case SP804_BGLOAD: return c->load;
	case SP804_VALUE: return enabled(c) ? current(e, c) : c->load;
	case SP804_CONTROL: return c->control;
	case SP804_RIS: return c->raw_irq;
	case SP804_MIS: return irq_raised(c);
	default: return 0;
	}
}

void emu_timer_write(emu_t *e, emu_counter *c, uint64_t off, uint32_t v)
{
	if (e->next_event <= emu_now(e))
		emu_timers_advance(e);
	if (c->twd) {
		switch (off) {
		case TWD_LOAD: /* also loads the counter */
			c->load = v;
			restart(e, c, v);
			break;
		case TWD_COUNTER:
			restart(e, c, v);
			break;
		case TWD_CONTROL: { /* the count goes on from where it is */
			uint32_t now_value = current(e, c);
			c->control = v & 0xFF07u;
			restart(e, c, now_value);
			break;
		}
		case TWD_INTSTAT:
			if (v & 1)
				c->raw_irq = false;
			break;
		}
	} else {
		switch (off) {
		case SP804_LOAD:
			c->load = v;
			restart(e, c, v);
			break;
		case SP804_BGLOAD:
			c->load = v; /* takes effect at the next reload */
			break;
		case SP804_CONTROL:
			c->control = v & 0xFFu;
			restart(e, c, c->load);
			break;
		case SP804_INTCLR:
			c->raw_irq = false;
			break;
		}
	}
	drive_lines(e);
}

/* Gives up when no timer runs, or after a million events that all stayed
 * masked (a periodic timer whose interrupt is off). */
bool emu_wait_for_interrupt(emu_t *e)
{
	for (unsigned events = 0; !e->irq_line; events++) {
		if (e->next_event == UINT64_MAX || events == 1000000)
			return false;
		uint64_t now = emu_now(e);
		if (e->next_event > now)
			e->idle_ns += e->next_event - now;
		emu_timers_advance(e);
	}
	return true;
}
