/* Exception vectors and entry stubs.  Each stub saves the interrupted state
 * as a struct fw_regs on its mode's stack, calls the C handler, and returns
 * with the exception-return form of ldm (restoring CPSR from SPSR).  The
 * frame's pc is the address to resume at: the stubs apply the architectural
 * return offsets (data abort LR-8, prefetch abort and IRQ LR-4). */
	.syntax unified
	.arm
	.text
	.align	5
	.global	vectors, __vectors_start, __vectors_end
@ Position-independent: each vector loads its stub's absolute address from
@ the word 0x20 bytes further on, so the table works in place (VBAR) and as
@ the copy guestmm's devicemaps_init puts in the page at 0xFFFF0000.
vectors:
__vectors_start:
	ldr	pc, .Lv_reset
	ldr	pc, .Lv_und
	ldr	pc, .Lv_svc
	ldr	pc, .Lv_pabt
	ldr	pc, .Lv_dabt
	ldr	pc, .Lv_hyp
	ldr	pc, .Lv_irq
	ldr	pc, .Lv_fiq
.Lv_reset:	.word	fw_exit_failure
.Lv_und:	.word	und_entry
.Lv_svc:	.word	svc_entry
.Lv_pabt:	.word	pabt_entry
.Lv_dabt:	.word	dabt_entry
.Lv_hyp:	.word	fw_exit_failure		@ hyp trap (unused)
.Lv_irq:	.word	irq_entry
.Lv_fiq:	.word	fw_exit_failure		@ fiq (unused)
__vectors_end:

	.macro	stub, name, offset, handler
	.global	\name
\name:
	.if	\offset
	sub	lr, lr, #\offset
	.endif
	stmfd	sp!, {r0-r12, lr}
	mrs	r0, spsr
	stmfd	sp!, {r0, r1}			@ cpsr + pad: keeps sp 8-byte aligned
	mov	r0, sp
	bl	\handler
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r0
	ldmfd	sp!, {r0-r12, pc}^
	.endm

	stub	und_entry, 0, fw_undefined
	stub	svc_entry, 0, fw_svc
	stub	pabt_entry, 4, fw_prefetch_abort
	stub	dabt_entry, 8, fw_data_abort
	stub	irq_entry, 4, fw_irq
