/* The interrupt path: a GIC (distributor + CPU interface, as the Cortex-A9
 * MPCore places them) and an SP804 dual timer whose first timer drives the
 * scheduler tick. */
#include "fw.h"

#define GICD_CTLR        0x000
#define GICD_ISENABLER   0x100
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_IAR         0x0C
#define GICC_EOIR        0x10

#define SP804_LOAD       0x00
#define SP804_CONTROL    0x08
#define SP804_INTCLR     0x0C
#define SP804_CTRL_ENABLE   0x80
#define SP804_CTRL_PERIODIC 0x40
#define SP804_CTRL_INTEN    0x20
#define SP804_CTRL_32BIT    0x02

static const uint32_t gicd = IO_VIRT(GIC_DIST_PHYS), gicc = IO_VIRT(GIC_CPU_PHYS);
static const uint32_t timer = IO_VIRT(TIMER_PHYS);

void gic_init(void)
{
	mmio_write32(gicd + GICD_CTLR, 0);
	mmio_write32(gicd + GICD_IPRIORITYR + (TIMER_IRQ & ~3u),
		     0xA0u << (8 * (TIMER_IRQ & 3)));
	mmio_write32(gicd + GICD_ITARGETSR + (TIMER_IRQ & ~3u), 1u << (8 * (TIMER_IRQ & 3)));
	mmio_write32(gicd + GICD_ISENABLER + 4 * (TIMER_IRQ / 32), 1u << (TIMER_IRQ % 32));
	mmio_write32(gicd + GICD_CTLR, 1);
	mmio_write32(gicc + GICC_PMR, 0xF0);
	mmio_write32(gicc + GICC_CTLR, 1);
}

unsigned gic_ack(void)
{
	return mmio_read32(gicc + GICC_IAR) & 0x3FF;
}

void gic_eoi(unsigned irq)
{
	mmio_write32(gicc + GICC_EOIR, irq);
}

void timer_start_periodic(uint32_t interval)
{
	mmio_write32(timer + SP804_CONTROL, 0);
	mmio_write32(timer + SP804_LOAD, interval);
	mmio_write32(timer + SP804_INTCLR, 1);
	mmio_write32(timer + SP804_CONTROL, SP804_CTRL_ENABLE | SP804_CTRL_PERIODIC |
					    SP804_CTRL_INTEN | SP804_CTRL_32BIT);
}

void timer_stop(void)
{
	mmio_write32(timer + SP804_CONTROL, 0);
	mmio_write32(timer + SP804_INTCLR, 1);
}

void timer_clear(void)
{
	mmio_write32(timer + SP804_INTCLR, 1);
}
