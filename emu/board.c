/* Board profiles: where RAM and the devices are, and which core runs. */
#include <string.h>

#include "emu/internal.h"
#include "firmware/board.h"

static const emu_board boards[] = {
	{
		.name = "q3f",
		.ram_base = Q3F_PHYS_OFFSET, .ram_default_mb = Q3F_RAM_SIZE >> 20,
		.ram_max_mb = 512, /* up to the I/O window's end at 0x60000000 */
		.uart = Q3F_UART_PHYS, .timer = Q3F_TIMER_PHYS,
		.gic_dist = Q3F_GIC_DIST_PHYS, .gic_cpu = Q3F_GIC_CPU_PHYS,
		.timer_irq = Q3F_TIMER_IRQ,
		/* The q3f core is a Cortex-A5; unicorn has none, and the A9 has
		 * the same short-descriptor behaviour (no PXN). */
		.default_preset = "cortex-a5", .cpu_model = UC_CPU_ARM_CORTEX_A9,
		.has_pxn = false,
	},
	{
		.name = "vexpress",
		.ram_base = VEXPRESS_PHYS_OFFSET, .ram_default_mb = VEXPRESS_RAM_SIZE >> 20,
		.ram_max_mb = 1024,
		/* QEMU's vexpress-a9 (the legacy memory map): what the
		 * firmware and a Linux kernel touch; the rest of the
		 * motherboard's and the private region's pages are absent. */
		.uart = VEXPRESS_UART_PHYS, .timer = VEXPRESS_TIMER_PHYS,
		.timer2 = VEXPRESS_TIMER2_PHYS,
		.gic_dist = VEXPRESS_GIC_DIST_PHYS, .gic_cpu = VEXPRESS_GIC_CPU_PHYS,
		.sysregs = VEXPRESS_SYSREGS_PHYS, .sysctl = VEXPRESS_SYSCTL_PHYS,
		.l2cc = VEXPRESS_L2CC_PHYS,
		.uart_irq = VEXPRESS_UART_IRQ, .timer_irq = VEXPRESS_TIMER_IRQ,
		.timer2_irq = VEXPRESS_TIMER2_IRQ,
		.io = { { 0x10000000, 0x10200000 }, { 0x1E000000, 0x1E010000 } },
		.default_preset = "cortex-a9", .cpu_model = UC_CPU_ARM_CORTEX_A9,
		.has_pxn = false,
	},
};

const emu_board *emu_board_find(const char *name)
{
	for (size_t i = 0; i < sizeof boards / sizeof boards[0]; i++)
		if (!strcmp(boards[i].name, name))
			return &boards[i];
	return NULL;
}
