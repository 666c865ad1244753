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
	sub	sp, sp, #8
	stmia	sp, {sp, lr}^			@ the user-mode (banked) sp and lr
	mrs	r0, spsr
	stmfd	sp!, {r0, r1}			@ cpsr + pad: keeps sp 8-byte aligned
	mov	r0, sp
	bl	\handler
	b	ret_from_exception
	.endm

@ Returns through the frame at sp: the handler may have replaced it with
@ another task's user context (the scheduler switches tasks this way).
ret_from_exception:
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r0
	ldmia	sp, {sp, lr}^
	nop					@ no banked access right after ldm^
	add	sp, sp, #8
	ldmfd	sp!, {r0-r12, pc}^

@ ret_to_user(struct fw_regs *frame): enter the context a frame holds
@ (a new task's first entry to user mode), from SVC mode.
	.global	ret_to_user
ret_to_user:
	ldr	r1, [r0], #8
	msr	spsr_cxsf, r1
	ldmia	r0, {sp, lr}^
	nop
	add	r0, r0, #8
	ldmia	r0, {r0-r12, pc}^

@ kernel_ctx_save(buf) / kernel_ctx_restore(buf, value): setjmp and longjmp
@ for the SVC-mode code that starts user tasks and waits for the last one.
	.global	kernel_ctx_save, kernel_ctx_restore
kernel_ctx_save:
	stmia	r0, {r4-r11, sp, lr}
	mov	r0, #0
	bx	lr
kernel_ctx_restore:
	ldmia	r0, {r4-r11, sp, lr}
	mov	r0, r1
	bx	lr

	stub	und_entry, 0, fw_undefined
	stub	svc_entry, 0, fw_svc
	stub	pabt_entry, 4, fw_prefetch_abort
	stub	dabt_entry, 8, fw_data_abort
	stub	irq_entry, 4, fw_irq
