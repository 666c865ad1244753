/* ARM semihosting (A-profile; the operations are abi.h's).  mmuscope
 * serves these calls itself; qemu-system-arm does too with -semihosting.
 * Inline, so Thumb callers issue the Thumb form. */
#ifndef MMUSCOPE_FW_SEMIHOST_H
#define MMUSCOPE_FW_SEMIHOST_H

#include <stdint.h>
#include "abi.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

static inline uint32_t semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
#if defined(__thumb__)
	__asm__ volatile("svc " __stringify(SEMIHOST_SVC_THUMB) : "+r"(r0) : "r"(r1) : "memory");
#else
	__asm__ volatile("svc " __stringify(SEMIHOST_SVC_ARM) : "+r"(r0) : "r"(r1) : "memory");
#endif
	return r0;
}

#endif
