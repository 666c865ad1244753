/* ARM semihosting (A-profile): SVC 0x123456 in ARM state, SVC 0xAB in
 * Thumb.  mmuscope serves these calls itself; qemu-system-arm does too with
 * -semihosting.  Inline, so Thumb callers issue the Thumb form. */
#ifndef MMUSCOPE_FW_SEMIHOST_H
#define MMUSCOPE_FW_SEMIHOST_H

#include <stdint.h>

#define SYS_WRITE0        0x04
#define SYS_GET_CMDLINE   0x15
#define SYS_EXIT          0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static inline uint32_t semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
#if defined(__thumb__)
	__asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
	__asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
	return r0;
}

#endif
