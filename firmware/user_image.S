@ The user programs' image (firmware/user/, built as user.bin), carried in
@ the kernel image the way an initramfs is.
	.section .rodata.user_image, "a"
	.balign	4
	.global	user_image, user_image_end
user_image:
	.incbin	"user.bin"
user_image_end:
