/* C side of the exception vectors.  Aborts go to the kernel's fault
 * handlers first (guestmm: the vmalloc fault sync), then are offered, like
 * undefined instructions, to a hook the running workload installs; an exception nobody
 * handles is reported and ends the run with exit code 3, the guest's own
 * "oops". */
#include "fw.h"
#include "guestmm/gmm.h"

fw_abort_hook volatile fw_data_abort_hook, fw_prefetch_abort_hook;
fw_undef_hook volatile fw_undefined_hook;
fw_irq_hook volatile fw_timer_hook;

static void oops(const char *what, const struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	printk("Unhandled %s at pc %p: far %p fsr 0x%03lx cpsr 0x%08lx\n",
	       what, (void *)regs->pc, (void *)far, fsr, regs->cpsr);
	fw_exit(3);
}

void fw_data_abort(struct fw_regs *regs)
{
	uint32_t fsr = read_dfsr(), far = read_dfar();
	if (!do_DataAbort(far, fsr, regs))
		return;
	if (!fw_data_abort_hook || !fw_data_abort_hook(regs, far, fsr))
		oops("data abort", regs, far, fsr);
}

void fw_prefetch_abort(struct fw_regs *regs)
{
	/* IFSR bits [7:4] are UNKNOWN (no domain for instruction faults):
	 * QEMU fills them with the domain, mmuscope with 0.  Keep the
	 * defined ones: ExT (12), FS[4] (10), FS[3:0]. */
	uint32_t fsr = read_ifsr() & 0x140Fu, far = read_ifar();
	if (!do_PrefetchAbort(far, fsr, regs))
		return;
	if (!fw_prefetch_abort_hook || !fw_prefetch_abort_hook(regs, far, fsr))
		oops("prefetch abort", regs, far, fsr);
}

void fw_undefined(struct fw_regs *regs)
{
	if (!fw_undefined_hook || !fw_undefined_hook(regs))
		oops("undefined instruction", regs, regs->pc, 0);
}

uint32_t fw_syscall(uint32_t nr, uint32_t a0, uint32_t a1)
{
	switch (nr) {
	case SYS_TEST_ADD:
		return a0 + a1;
	default:
		return (uint32_t)-ENOSYS;
	}
}

void fw_svc(struct fw_regs *regs)
{
	if (user_mode(regs) && current)
		gmm_syscall(regs);
	else
		regs->r[0] = fw_syscall(regs->r[7], regs->r[0], regs->r[1]);
}

void fw_irq(struct fw_regs *regs)
{
	unsigned irq = gic_ack();
	if (irq == 1023)
		return; /* spurious */
	if (irq == TIMER_IRQ) {
		timer_clear();
		if (fw_timer_hook)
			fw_timer_hook(irq);
	}
	gic_eoi(irq);
	if (irq == TIMER_IRQ)
		gmm_timer_tick(regs); /* may switch to another task */
}
