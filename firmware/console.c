/* Console on a PL011 UART: polled transmit, and a printf with the
 * conversions the firmware uses (%s %c %d %u %x %08x %p %%, l modifier). */
#include <stdarg.h>
#include "fw.h"
#include "timing.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

void console_putc(char c)
{
	uint32_t base = IO_VIRT(UART_PHYS);
	while (mmio_read32(base + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(base + UART_DR, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

void printk_timing_tag(void)
{
	console_puts(TIMING_TAG);
}

static void put_number(unsigned long v, unsigned base, int width, char pad, bool negative)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		buf[n++] = '-';
	while (n < width--)
		console_putc(pad);
	while (n)
		console_putc(buf[--n]);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0;
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == 'l')
			fmt++;
		switch (*fmt) {
		case 's': console_puts(va_arg(ap, const char *)); break;
		case 'c': console_putc((char)va_arg(ap, int)); break;
		case 'd': {
			long v = va_arg(ap, long);
			put_number(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, width, pad, v < 0);
			break;
		}
		case 'u': put_number(va_arg(ap, unsigned long), 10, width, pad, false); break;
		case 'x': put_number(va_arg(ap, unsigned long), 16, width, pad, false); break;
		case 'p': console_puts("0x"); put_number(va_arg(ap, unsigned long), 16, 8, '0', false); break;
		case '%': console_putc('%'); break;
		default: console_putc('?'); break;
		}
	}
	va_end(ap);
}
