/* Kernel access to user memory and whole-page copies (arch/arm/lib:
 * copy_from_user.S, copy_to_user.S, copypage-v6.c, clear_user_page).
 *
 * A user address the kernel touches may fault like any user access: old
 * or not yet present pages are fixed by do_page_fault and the access
 * retries; an address no VMA allows makes the fault handler look the
 * faulting instruction up in __ex_table and resume at its fixup, which
 * returns the number of bytes not copied (the caller's -EFAULT).  The
 * accesses are ordinary loads and stores, as in ARMv7 kernels built
 * without CONFIG_CPU_USE_DOMAINS, so the kernel takes the same young,
 * dirty and copy-on-write faults the user would. */
	.syntax unified
	.arm
	.text

	.macro	user, insn:vararg
9999:	\insn
	.pushsection __ex_table, "a"
	.balign	4
	.word	9999b, .Luaccess_fixup
	.popsection
	.endm

@ unsigned long __copy_from_user(void *to, const void *from, unsigned long n)
	.global	__copy_from_user
__copy_from_user:
	cmp	r2, #0
	beq	.Luaccess_fixup
1:	user	ldrb	r3, [r1], #1
	strb	r3, [r0], #1
	subs	r2, r2, #1
	bne	1b
	b	.Luaccess_fixup

@ unsigned long __copy_to_user(void *to, const void *from, unsigned long n)
	.global	__copy_to_user
__copy_to_user:
	cmp	r2, #0
	beq	.Luaccess_fixup
1:	ldrb	r3, [r1], #1
	user	strb	r3, [r0], #1
	subs	r2, r2, #1
	bne	1b
@ Done, or a user access faulted (an aborted post-indexed access leaves
@ its base register alone): r2 bytes were not copied.
.Luaccess_fixup:
	mov	r0, r2
	bx	lr

@ void clear_page(void *page): 4 KB of zeros, 32 bytes a store.
	.global	clear_page
clear_page:
	push	{r4-r9}
	mov	r1, #0
	mov	r2, #0
	mov	r3, #0
	mov	r4, #0
	mov	r5, #0
	mov	r6, #0
	mov	r7, #0
	mov	r8, #0
	mov	r9, #4096 / 32
1:	stmia	r0!, {r1-r8}
	subs	r9, r9, #1
	bne	1b
	pop	{r4-r9}
	bx	lr

@ void copy_page(void *to, const void *from): 4 KB, 32 bytes a step.
	.global	copy_page
copy_page:
	push	{r4-r10}
	mov	r10, #4096 / 32
1:	ldmia	r1!, {r2-r9}
	stmia	r0!, {r2-r9}
	subs	r10, r10, #1
	bne	1b
	pop	{r4-r10}
	bx	lr
