@ User-mode start: the kernel enters _start with r0 pointing to the
@ command line ("NAME ARGS") on the stack; main's result is the exit code.
	.syntax unified
	.arm
	.section .header, "a"
	.word	0x53554D4D		@ "MMUS"
	.word	_start
	.word	__text_end
	.word	__data_end
	.word	__bss_end

	.section .text.start, "ax"
	.global	_start
_start:
	bl	main
	mov	r4, r0
	bl	print_flush		@ a last line without its newline
	mov	r0, r4
	mov	r7, #1			@ exit
	svc	#0
	b	.
