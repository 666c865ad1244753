/* Board memory maps shared by the guest firmware and the host machine.
 * Plain macros only, so both the freestanding guest and the host can use
 * them.  BOARD_Q3F follows the seed-000 board (RAM at 0x40000000, devices in
 * its own I/O window); BOARD_VEXPRESS follows QEMU's vexpress-a9 legacy map. */
#ifndef MMUSCOPE_FIRMWARE_BOARD_H
#define MMUSCOPE_FIRMWARE_BOARD_H

#define Q3F_PHYS_OFFSET      0x40000000u
#define Q3F_RAM_SIZE         0x04000000u /* 64 MB */
#define Q3F_UART_PHYS        0x20090000u
#define Q3F_TIMER_PHYS       0x20080000u
#define Q3F_GIC_CPU_PHYS     0x21000100u
#define Q3F_GIC_DIST_PHYS    0x21001000u
#define Q3F_TIMER_IRQ        34u

#define VEXPRESS_PHYS_OFFSET 0x60000000u
#define VEXPRESS_RAM_SIZE    0x08000000u /* 128 MB, as -m 128M */
#define VEXPRESS_UART_PHYS   0x10009000u
#define VEXPRESS_TIMER_PHYS  0x10011000u
#define VEXPRESS_GIC_CPU_PHYS  0x1E000100u
#define VEXPRESS_GIC_DIST_PHYS 0x1E001000u
#define VEXPRESS_TIMER_IRQ   34u /* SPI 2 */
/* The parts only a Linux kernel uses. */
#define VEXPRESS_TIMER2_PHYS  0x10012000u
#define VEXPRESS_TIMER2_IRQ   35u /* SPI 3 */
#define VEXPRESS_UART_IRQ     37u /* SPI 5 */
#define VEXPRESS_SYSREGS_PHYS 0x10000000u
#define VEXPRESS_SYSCTL_PHYS  0x10001000u
#define VEXPRESS_L2CC_PHYS    0x1E00A000u

#define PAGE_OFFSET          0xC0000000u
#define TEXT_OFFSET          0x00008000u
#define SWAPPER_PG_DIR_OFF   0x00004000u

/* Devices are mapped 1 MB at a time at IO_VIRT(pa), high in the vmalloc
 * area the way a Linux iotable places them; PA bits [26:0] are kept, which
 * keeps every device of both boards apart. */
#define IO_VIRT_BASE         0xF8000000u
#define IO_VIRT(pa)          (IO_VIRT_BASE + ((pa) & 0x07FFFFFFu))

#if defined(BOARD_Q3F)
#define PHYS_OFFSET   Q3F_PHYS_OFFSET
#define RAM_SIZE      Q3F_RAM_SIZE
#define UART_PHYS     Q3F_UART_PHYS
#define TIMER_PHYS    Q3F_TIMER_PHYS
#define GIC_CPU_PHYS  Q3F_GIC_CPU_PHYS
#define GIC_DIST_PHYS Q3F_GIC_DIST_PHYS
#define TIMER_IRQ     Q3F_TIMER_IRQ
#elif defined(BOARD_VEXPRESS)
#define PHYS_OFFSET   VEXPRESS_PHYS_OFFSET
#define RAM_SIZE      VEXPRESS_RAM_SIZE
#define UART_PHYS     VEXPRESS_UART_PHYS
#define TIMER_PHYS    VEXPRESS_TIMER_PHYS
#define GIC_CPU_PHYS  VEXPRESS_GIC_CPU_PHYS
#define GIC_DIST_PHYS VEXPRESS_GIC_DIST_PHYS
#define TIMER_IRQ     VEXPRESS_TIMER_IRQ
#endif

#endif
