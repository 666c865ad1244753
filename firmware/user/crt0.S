@ User-mode start: the kernel enters _start with r0 pointing to the
@ command line ("NAME ARGS") on the stack; main's result is the exit code.
@ A real Linux (ULIB_LINUX) enters with sp pointing to argc, argv and the
@ environment instead, and loads the ELF file: no header.
	.syntax unified
	.arm
#ifdef ULIB_LINUX
	.section .note.GNU-stack, "", %progbits	@ the stack is not executable
#else
	.section .header, "a"
	.word	0x53554D4D		@ "MMUS"
	.word	_start
	.word	__text_end
	.word	__data_end
	.word	__bss_end
#endif

	.section .text.start, "ax"
	.global	_start
_start:
#ifdef ULIB_LINUX
	mov	r0, sp
	bl	start_linux
#else
	bl	main
#endif
	mov	r4, r0
	bl	print_flush		@ a last line without its newline
	mov	r0, r4
	mov	r7, #1			@ exit
	svc	#0
	b	.
