/* Boot entry, the way Linux's arch/arm/kernel/head.S does it: entered at the
 * physical load address with the MMU off, build a temporary section table in
 * swapper_pg_dir (identity for the MB we run in, PAGE_OFFSET for all RAM, the
 * device windows), turn the MMU on, jump to the link address, then set up the
 * per-mode stacks and the vector base and call C. */
#include "board.h"

#define PMD_TYPE_SECT      0x002
#define PMD_SECT_B         0x004
#define PMD_SECT_C         0x008
#define PMD_SECT_XN        0x010
#define PMD_SECT_AP_WRITE  0x400
#define PMD_SECT_TEX(x)    ((x) << 12)
#define PMD_DOMAIN(d)      ((d) << 5)
/* Memory types go through TEX remap (SCTLR.TRE = 1), as on every ARMv7
 * Linux: TEX[0]:C:B = n picks PRRR/NMRR field n.  Linux's values
 * (proc-v7-2level.S) make n = 0 strongly ordered, 1 normal non-cacheable,
 * 2 write-through, 3 write-back, 4 shared device, 7 write-back
 * write-allocate. */
#define PRRR_LINUX   0xff0a81a8
#define NMRR_LINUX   0x40e040e0
#define SCTLR_TRE    (1 << 28)
/* Kernel RAM: RWX at PL1, write-back (n = 3), domain 0 (Linux's MT_MEMORY
 * at boot). */
#define SECT_KERNEL  (PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_C | PMD_SECT_B)
/* Devices: shared device (n = 4, TEX[0]), XN, domain 2 (DOMAIN_IO). */
#define SECT_DEVICE  (PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_XN | PMD_SECT_TEX(1) | PMD_DOMAIN(2))

#define MODE_USR 0x10
#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1B
#define MODE_SYS 0x1F
#define PSR_I 0x80
#define PSR_F 0x40

	.syntax unified
	.arm
	.section .head.text, "ax"
	.global _start
_start:
	msr	cpsr_c, #(MODE_SVC | PSR_I | PSR_F)
	adr	r4, _start			@ physical address we run at
	mov	r9, r4, lsr #20			@ r9 = PHYS_OFFSET (1 MB aligned)
	mov	r9, r9, lsl #20
	add	r8, r9, #SWAPPER_PG_DIR_OFF	@ r8 = swapper_pg_dir (phys)

	mov	r0, r8				@ clear the 16 KB table
	add	r1, r8, #0x4000
	mov	r2, #0
1:	str	r2, [r0], #4
	cmp	r0, r1
	blo	1b

	ldr	r7, =SECT_KERNEL
	mov	r6, r4, lsr #20			@ identity section for the switch
	orr	r3, r7, r6, lsl #20
	str	r3, [r8, r6, lsl #2]

	add	r0, r8, #(PAGE_OFFSET >> 18)	@ PAGE_OFFSET -> PHYS_OFFSET, all RAM
	orr	r1, r9, r7
	ldr	r2, =(RAM_SIZE >> 20)
2:	str	r1, [r0], #4
	add	r1, r1, #0x100000
	subs	r2, r2, #1
	bne	2b

	.macro	map_io, pa
	ldr	r0, =(((\pa) & 0xFFF00000) | SECT_DEVICE)
	ldr	r1, =((IO_VIRT(\pa) >> 20) << 2)
	str	r0, [r8, r1]
	.endm
	map_io	UART_PHYS
	map_io	TIMER_PHYS
	map_io	GIC_DIST_PHYS
	map_io	GIC_CPU_PHYS

	mov	r0, #0
	mcr	p15, 0, r0, c2, c0, 2		@ TTBCR = 0: all VAs walk TTBR0
	orr	r0, r8, #0x59			@ TTB flags, UP write-back
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mcr	p15, 0, r0, c2, c0, 1		@ TTBR1
	ldr	r0, =0x55			@ domains 0-3 client (DACR_INIT)
	mcr	p15, 0, r0, c3, c0, 0
	ldr	r0, =PRRR_LINUX
	mcr	p15, 0, r0, c10, c2, 0		@ PRRR
	ldr	r0, =NMRR_LINUX
	mcr	p15, 0, r0, c10, c2, 1		@ NMRR
	mov	r0, #0
	mcr	p15, 0, r0, c8, c7, 0		@ TLBIALL
	dsb
	isb
	ldr	r5, =__mmap_switched		@ virtual address to continue at
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #(1 << 13)		@ V = 0: vectors at VBAR
	bic	r0, r0, #(1 << 1)		@ A = 0: unaligned accesses allowed
	bic	r0, r0, #(1 << 30)		@ TE = 0: exceptions in ARM state
	orr	r0, r0, #0x1			@ M
	orr	r0, r0, #0x1800			@ I, Z
	orr	r0, r0, #0x4			@ C
	orr	r0, r0, #SCTLR_TRE		@ TRE: memory types through PRRR/NMRR
	mcr	p15, 0, r0, c1, c0, 0
	isb
	bx	r5
	.ltorg

	.text
	.arm
__mmap_switched:
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb

	.macro	mode_stack, mode, top
	msr	cpsr_c, #(\mode | PSR_I | PSR_F)
	ldr	sp, =\top
	.endm
	mode_stack MODE_IRQ, irq_stack_top
	mode_stack MODE_ABT, abt_stack_top
	mode_stack MODE_UND, und_stack_top
	mode_stack MODE_FIQ, fiq_stack_top
	mode_stack MODE_SYS, usr_stack_top
	mode_stack MODE_SVC, svc_stack_top

	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
3:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	3b

	mov	r0, r9				@ fw_main(phys_offset)
	bl	fw_main
	b	fw_exit_failure
	.ltorg

	.bss
	.align	3
	.macro	stack, name, size
	.space	\size
\name:
	.endm
	stack	irq_stack_top, 1024
	stack	abt_stack_top, 2048
	stack	und_stack_top, 1024
	stack	fiq_stack_top, 256
	stack	usr_stack_top, 4096
	stack	svc_stack_top, 8192
