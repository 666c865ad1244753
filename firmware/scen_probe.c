/* probe: the kernel workload of the scenario library (scenarios/, see
 * docs/scenarios.md).  It owns a 2 MB block of lowmem (two 1 MB sections
 * under the default layout, data, so execute-never) and runs the
 * operations named in its arguments in order, each announced by a marker
 * of its own name, so that a script can stop just before an access, change
 * the machine, and watch what the access does.  Aborts are recorded,
 * printed and skipped: the kernel goes on where a real one would oops. */
#include "fw.h"
#include "guestmm/gmm.h"
#include "workloads.h"

static volatile uint32_t *buf;
static unsigned faults;

extern char probe_landing[];
__asm__(".arm\n.type probe_landing, %function\nprobe_landing:\n\tbx lr\n");

static bool skip_data_abort(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	printk("probe: data abort at %p, fsr 0x%03lx\n", (void *)far, (unsigned long)fsr);
	faults++;
	regs->pc += 4; /* every probe access is one ARM instruction */
	return true;
}

static bool return_from_call(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	printk("probe: prefetch abort at %p, ifsr 0x%03lx\n", (void *)far, (unsigned long)fsr);
	faults++;
	regs->pc = (uint32_t)probe_landing; /* back to the caller's lr */
	return true;
}

/* Points buf's MB at the other MB of the block, the correct way: store,
 * then TLBIMVA (flush_tlb_kernel_page), as a kernel changing a live
 * mapping must. */
static void remap(void)
{
	pmd_t *pmd = pmd_off_k((unsigned long)buf) + (((unsigned long)buf >> SECTION_SHIFT) & 1);
	if ((*pmd & 3) != PMD_TYPE_SECT) {
		printk("probe: remap needs buf mapped by a section (layout=sections)\n");
		return;
	}
	*pmd ^= SECTION_SIZE;
	flush_tlb_kernel_page((uint32_t)buf);
}

static void append_hex(char *s, uint32_t v)
{
	s += strlen(s);
	*s++ = '0';
	*s++ = 'x';
	for (int shift = 28; shift >= 0; shift -= 4)
		*s++ = "0123456789abcdef"[(v >> shift) & 15];
	*s = 0;
}

int workload_probe(const char *args)
{
	struct page *block = alloc_pages(GFP_KERNEL, 9);
	if (!block) {
		printk("probe: no 2 MB block free\n");
		return 2;
	}
	buf = page_address(block);
	buf[0] = 0xE12FFF1Eu; /* bx lr: what "exec" calls */
	fw_data_abort_hook = skip_data_abort;
	fw_prefetch_abort_hook = return_from_call;
	char ready[40] = "ready buf=";
	append_hex(ready, (uint32_t)buf);
	fw_marker(ready);
	int status = 0;
	while (*args && !status) {
		char op[16];
		size_t n = 0;
		while (*args == ' ')
			args++;
		while (*args && *args != ' ' && n < sizeof op - 1)
			op[n++] = *args++;
		op[n] = 0;
		if (!n)
			break;
		fw_marker(op);
		if (!strcmp(op, "read")) {
			(void)buf[1];
		} else if (!strcmp(op, "write")) {
			buf[1] = 0x600DF00Du;
		} else if (!strcmp(op, "exec")) {
			((void (*)(void))buf)();
		} else if (!strcmp(op, "unaligned")) {
			/* exclusives need an aligned address whatever SCTLR.A says */
			__asm__ volatile("ldrex r2, [%0]" :: "r"((uint32_t)buf + 2) : "r2", "memory");
		} else if (!strcmp(op, "remap")) {
			remap();
		} else {
			printk("probe: unknown operation '%s' (read write exec unaligned remap)\n", op);
			status = 2;
		}
	}
	fw_marker("done");
	fw_data_abort_hook = 0;
	fw_prefetch_abort_hook = 0;
	printk("probe: %u aborts\n", faults);
	__free_pages(block, 9);
	return status;
}
