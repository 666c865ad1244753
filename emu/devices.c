/* The board's devices as unicorn MMIO regions: a PL011 UART (transmit,
 * flags, interrupt mask; its transmit FIFO is always empty), the vexpress
 * motherboard's system registers (ID, flags, the 100 Hz and 24 MHz
 * counters, and the configuration bus: oscillators, and the shutdown and
 * reboot functions that end the run), the SP810 system controller, the
 * PL310 cache controller as a register file whose maintenance operations
 * complete at once, the timers (timers.c) and the MPCore private region
 * with the GIC (gic.c).  The rest of the board's I/O windows reads as 0
 * and ignores writes: absent, so the drivers of those parts decline
 * (an AMBA device without its component ID is not even registered). */
#include <stddef.h>
#include <string.h>

#include "emu/internal.h"
#include "firmware/abi.h"

#define PL011_DR     0x000
#define PL011_FR     0x018
#define PL011_FR_RXFE 0x10
#define PL011_FR_TXFE 0x80
#define PL011_IMSC   0x038
#define PL011_RIS    0x03C
#define PL011_MIS    0x040
#define PL011_ICR    0x044
#define PL011_TXIS   0x20
#define PL011_ID     0xFE0

/* PrimeCell peripheral and component ID bytes, at 0xFE0..0xFFC. */
static uint32_t primecell_id(uint32_t periph, uint64_t off)
{
	static const uint8_t cell[4] = { 0x0D, 0xF0, 0x05, 0xB1 };
	unsigned i = (unsigned)(off - 0xFE0) / 4;
	return i < 4 ? (periph >> (8 * i)) & 0xFF : cell[i - 4];
}

static bool is_id(uint64_t off) { return off >= 0xFE0 && off < 0x1000 && !(off & 3); }

static uint64_t uart_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (is_id(off))
		return primecell_id(0x00141011, off);
	switch (off) {
	case PL011_FR: return PL011_FR_TXFE | PL011_FR_RXFE; /* never busy, nothing to read */
	case PL011_IMSC: return e->dev.uart_imsc;
	case PL011_RIS: return PL011_TXIS;
	case PL011_MIS: return PL011_TXIS & e->dev.uart_imsc;
	default: return off < sizeof e->dev.uart_regs && off != PL011_DR ? e->dev.uart_regs[off / 4] : 0;
	}
}

static void uart_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (off == PL011_DR)
		fputc((int)(v & 0xFF), e->console);
	else if (off == PL011_IMSC) {
		e->dev.uart_imsc = (uint32_t)v & 0x7FF;
		emu_irq_set_line(e, e->board->uart_irq, e->dev.uart_imsc & PL011_TXIS);
	} else if (off < sizeof e->dev.uart_regs && off != PL011_ICR)
		e->dev.uart_regs[off / 4] = (uint32_t)v;
}

static uint64_t sp804_read(emu_t *e, int which, uint64_t off)
{
	if (is_id(off))
		return primecell_id(0x00141804, off);
	return off < 0x40 ? emu_timer_read(e, &e->dev.sp804[which][off >= 0x20], off & 0x1F) : 0;
}

static void sp804_write(emu_t *e, int which, uint64_t off, uint64_t v)
{
	if (off < 0x40)
		emu_timer_write(e, &e->dev.sp804[which][off >= 0x20], off & 0x1F, (uint32_t)v);
}

static uint64_t timer_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	return sp804_read(opaque, 0, off);
}

static void timer_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	sp804_write(opaque, 0, off, v);
}

static uint64_t timer2_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	return sp804_read(opaque, 1, off);
}

static void timer2_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	sp804_write(opaque, 1, off, v);
}

/* ---- the MPCore private page: SCU, GIC CPU interface, private timer ---- */

#define MP_SCU_END   0x100
#define MP_GICC      0x100
#define MP_GICC_END  0x200
#define MP_TWD       0x600
#define MP_TWD_END   0x620

static uint64_t mpcore_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (off < MP_SCU_END) {
		switch (off) {
		case 0x00: return e->dev.scu_ctrl;
		case 0x04: return 0x10;  /* SCU configuration: one core, in SMP mode */
		case 0x08: return e->dev.scu_power;
		default: return 0;
		}
	}
	if (off < MP_GICC_END)
		return emu_gicc_read(e, off - MP_GICC);
	if (off >= MP_TWD && off < MP_TWD_END)
		return emu_timer_read(e, &e->dev.twd, off - MP_TWD);
	return 0; /* global timer, watchdog: absent */
}

static void mpcore_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	uint32_t v = (uint32_t)value;
	if (off == 0x00)
		e->dev.scu_ctrl = v;
	else if (off == 0x08)
		e->dev.scu_power = v;
	else if (off >= MP_GICC && off < MP_GICC_END)
		emu_gicc_write(e, off - MP_GICC, v);
	else if (off >= MP_TWD && off < MP_TWD_END)
		emu_timer_write(e, &e->dev.twd, off - MP_TWD, v);
}

/* ---- vexpress system registers (V2M-P1 TRM 4.3) ------------------------- */

#define SYS_ID       0x00
#define SYS_100HZ    0x24
#define SYS_FLAGS    0x30
#define SYS_FLAGSCLR 0x34
#define SYS_NVFLAGS  0x38
#define SYS_NVFLAGSCLR 0x3C
#define SYS_24MHZ    0x5C
#define SYS_PROCID0  0x84
#define SYS_CFGDATA  0xA0
#define SYS_CFGCTRL  0xA4
#define SYS_CFGSTAT  0xA8
#define CFGCTRL_START (1u << 31)
#define CFGCTRL_WRITE (1u << 30)
#define CFGSTAT_COMPLETE 1u
#define CFGSTAT_ERROR    2u
enum { CFG_OSC = 1, CFG_VOLT = 2, CFG_AMP = 3, CFG_TEMP = 4, CFG_SHUTDOWN = 8, CFG_REBOOT = 9 };

/* The guest shut the board down (or rebooted it): the run ends with the
 * status the guest's init reported, else 0 for a shutdown and 1 for a
 * reboot (Linux reboots on panic with panic=-1). */
static void power_off(emu_t *e, bool reboot)
{
	e->powered_off = true;
	if (reboot && e->reported_status < 0)
		fprintf(stderr, "mmuscope: the guest rebooted the board: the run ends\n");
	emu_exit(e, e->reported_status >= 0 ? e->reported_status : reboot);
}

/* One configuration-bus transaction; false for a function the board does
 * not have (the driver sees SYS_CFGSTAT's error bit). */
static bool config_transaction(emu_t *e, uint32_t ctrl)
{
	unsigned function = ctrl >> 20 & 0x3F, site = ctrl >> 16 & 3, device = ctrl & 0xFFF;
	bool write = ctrl & CFGCTRL_WRITE;
	/* QEMU's vexpress-a9 oscillators: the motherboard's (site 0) and
	 * the daughterboard's (site 1); writes set nothing. */
	static const uint32_t osc[2][3] = { { 50000000, 23750000, 24000000 },
					    { 45000000, 23750000, 66670000 } };
	switch (function) {
	case CFG_OSC:
		if (site > 1 || device > 2)
			return false;
		if (!write)
			e->dev.sys_cfgdata = osc[site][device];
		return true;
	case CFG_VOLT:
		if (!write)
			e->dev.sys_cfgdata = 1000000; /* µV */
		return true;
	case CFG_SHUTDOWN:
	case CFG_REBOOT:
		if (write)
			power_off(e, function == CFG_REBOOT);
		return write;
	default:
		return false;
	}
}

static uint64_t sysregs_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_devices *d = &e->dev;
	uint64_t now = emu_now(e);
	switch (off) {
	case SYS_ID: return 0x1190F500;         /* V2M-P1, as QEMU's vexpress-a9 */
	case SYS_100HZ: return (uint32_t)(now / 10000000u);
	case SYS_FLAGS: return d->sys_flags;
	case SYS_NVFLAGS: return d->sys_nvflags;
	case SYS_24MHZ: return (uint32_t)(now * 24 / 1000);
	case SYS_PROCID0: return 0x0C000191;    /* a CoreTile Express A9x4 */
	case SYS_CFGDATA: return d->sys_cfgdata;
	case SYS_CFGCTRL: return d->sys_cfgctrl;
	case SYS_CFGSTAT: return d->sys_cfgstat;
	default: return off < sizeof d->sys_regs ? d->sys_regs[off / 4] : 0;
	}
}

static void sysregs_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	emu_devices *d = &e->dev;
	uint32_t v = (uint32_t)value;
	switch (off) {
	case SYS_FLAGS: d->sys_flags |= v; break;
	case SYS_FLAGSCLR: d->sys_flags &= ~v; break;
	case SYS_NVFLAGS: d->sys_nvflags |= v; break;
	case SYS_NVFLAGSCLR: d->sys_nvflags &= ~v; break;
	case SYS_CFGDATA: d->sys_cfgdata = v; break;
	case SYS_CFGSTAT: d->sys_cfgstat = v; break;
	case SYS_CFGCTRL:
		d->sys_cfgctrl = v & ~CFGCTRL_START;
		if (v & CFGCTRL_START)
			d->sys_cfgstat = config_transaction(e, v) ? CFGSTAT_COMPLETE
								  : CFGSTAT_COMPLETE | CFGSTAT_ERROR;
		break;
	default:
		if (off < sizeof d->sys_regs && off >= 0x04)
			d->sys_regs[off / 4] = v;
	}
}

/* SP810: the timer clock selects in SCCTRL are all the kernel writes. */
static uint64_t sysctl_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (is_id(off))
		return primecell_id(0x00041810 /* SP810 */, off);
	return off == 0 ? e->dev.sysctl_scctrl : 0;
}

static void sysctl_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (off == 0)
		e->dev.sysctl_scctrl = (uint32_t)v;
}

/* PL310 r3p2 with QEMU's cache type; maintenance (0x700-0x7FF) reads 0:
 * every operation has completed. */
#define L2CC_ID     0x000
#define L2CC_TYPE   0x004
#define L2CC_AUX    0x104
#define L2CC_MAINT  0x700
#define L2CC_MAINT_END 0x800

static uint64_t l2cc_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	if (off == L2CC_ID) return 0x410000C8;
	if (off == L2CC_TYPE) return 0x1C100100;
	if (off >= L2CC_MAINT && off < L2CC_MAINT_END) return 0;
	return e->dev.l2cc_regs[(off & 0xFFF) / 4];
}

static void l2cc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)size;
	emu_t *e = opaque;
	e->dev.l2cc_regs[(off & 0xFFF) / 4] = (uint32_t)v;
}

static uint64_t absent_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
	(void)uc; (void)off; (void)size; (void)opaque;
	return 0;
}

static void absent_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
	(void)uc; (void)off; (void)size; (void)v; (void)opaque;
}

/* ---- mapping ------------------------------------------------------------ */

static bool add_mmio(emu_t *e, uint32_t base, uint32_t size, uc_cb_mmio_read_t rd,
		     uc_cb_mmio_write_t wr)
{
	emu_devices *d = &e->dev;
	if (d->nmmio == sizeof d->mmio / sizeof d->mmio[0] ||
	    uc_mmio_map(e->uc, base, size, rd, e, wr, e) != UC_ERR_OK)
		return false;
	d->mmio[d->nmmio][0] = base;
	d->mmio[d->nmmio][1] = base + size;
	d->nmmio++;
	return true;
}

bool emu_is_device(const emu_t *e, uint64_t pa)
{
	for (size_t i = 0; i < e->dev.nmmio; i++)
		if (pa >= e->dev.mmio[i][0] && pa < e->dev.mmio[i][1])
			return true;
	return false;
}

int emu_devices_map(emu_t *e)
{
	const emu_board *b = e->board;
	static const struct {
		size_t field;   /* offset of the base in emu_board */
		uint32_t size;
		uc_cb_mmio_read_t read;
		uc_cb_mmio_write_t write;
	} parts[] = {
		{ offsetof(emu_board, uart), 0x1000, uart_read, uart_write },
		{ offsetof(emu_board, timer), 0x1000, timer_read, timer_write },
		{ offsetof(emu_board, timer2), 0x1000, timer2_read, timer2_write },
		{ offsetof(emu_board, gic_dist), 0x1000, emu_gicd_read, emu_gicd_write },
		{ offsetof(emu_board, gic_cpu), 0x1000, mpcore_read, mpcore_write },
		{ offsetof(emu_board, sysregs), 0x1000, sysregs_read, sysregs_write },
		{ offsetof(emu_board, sysctl), 0x1000, sysctl_read, sysctl_write },
		{ offsetof(emu_board, l2cc), 0x1000, l2cc_read, l2cc_write },
	};
	emu_timers_init(e);
	e->reported_status = -1;
	e->dev.l2cc_regs[L2CC_AUX / 4] = 0x02020000; /* QEMU's reset value: 16 KB ways */
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		uint32_t base;
		memcpy(&base, (const char *)b + parts[i].field, sizeof base);
		if (base && !add_mmio(e, base & ~0xFFFu, parts[i].size, parts[i].read, parts[i].write))
			return -1;
	}
	/* The windows' remaining pages, one region per run of them. */
	for (int w = 0; w < 2; w++) {
		uint32_t at = b->io[w][0], end = b->io[w][1];
		while (at < end) {
			if (emu_is_device(e, at)) {
				at += 0x1000;
				continue;
			}
			uint32_t run = at;
			while (run < end && !emu_is_device(e, run))
				run += 0x1000;
			if (!add_mmio(e, at, run - at, absent_read, absent_write))
				return -1;
			at = run;
		}
	}
	return 0;
}
