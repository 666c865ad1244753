/* Abort dispatch (arch/arm/mm/fault.c, fsr-2level.c): the FSR-indexed
 * handler table.  A handler returns 0 when the access may retry (or the
 * task that made it was killed and another one runs), non-zero when the
 * firmware should offer the abort to the running workload or oops. */
#include "fw.h"
#include "gmm.h"

#define FSR_FS(fsr) (((fsr) & 15u) | (((fsr) >> 6) & 16u))
#define FSR_WRITE (1u << 11)
#define FSR_LNX_PF (1u << 31) /* do_PrefetchAbort's mark: the access was a fetch */

/* Aborts taken under each ASID (CONTEXTIDR at the abort), reported with
 * the processes' summary: the host's model counts faults the same way. */
unsigned long asid_faults[256];

/* The exception table of the user accessors (uaccess.S). */
struct exception_table_entry {
	unsigned long insn, fixup;
};
extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* A kernel access that faulted: resume at its fixup, if it has one. */
bool fixup_exception(struct fw_regs *regs)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == regs->pc) {
			regs->pc = e->fixup;
			return true;
		}
	return false;
}

/* Linux's access_ok is a range check: whether the memory is there and
 * allows the access is the fault handler's question (uaccess.S). */
bool access_ok(unsigned long addr, unsigned long len)
{
	return addr < TASK_SIZE && len <= TASK_SIZE - addr;
}

/* __do_user_fault / __do_kernel_fault: a user task's bad access is its
 * SIGSEGV (another task runs); the kernel's needs a fixup, or it oopses. */
static int bad_area(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	if (!user_mode(regs) || !current)
		return fixup_exception(regs) ? 0 : 1;
	user_enter(regs);
	force_sig_segv(addr, fsr, regs->pc);
	user_return(regs);
	return 0;
}

/* do_page_fault: a user address, from user mode or from the kernel
 * touching user memory on a task's behalf (a system call).  Out of memory
 * kills the task (the OOM killer's choice is simple: the one faulting). */
static int do_page_fault(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	if (!current || addr >= TASK_SIZE)
		return bad_area(addr, fsr, regs);
	bool exec = fsr & FSR_LNX_PF, write = !exec && (fsr & FSR_WRITE), user = user_mode(regs);
	if (user)
		user_enter(regs);
	int fault = handle_user_fault(current->mm, addr, write, exec);
	if (!user)
		return fault && !fixup_exception(regs) ? 1 : 0;
	if (fault & VM_FAULT_OOM)
		force_sig_oom();
	else if (fault)
		force_sig_segv(addr, fsr, regs->pc);
	user_return(regs);
	return 0;
}

/* A kernel address whose slot is empty in the current pgd but present in
 * init_mm's: copy both L1 words of the slot and let the access retry.
 * This is how vmalloc/ioremap mappings made after a pgd was copied reach
 * it.  User addresses go to do_page_fault; kernel addresses touched from
 * user mode, or missing from init_mm as well, are bad areas. */
static int do_translation_fault(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	if (addr < TASK_SIZE)
		return do_page_fault(addr, fsr, regs);
	if (user_mode(regs))
		return bad_area(addr, fsr, regs);
	unsigned long index = pgd_index(addr);
	pmd_t *pmd = pmd_offset(cpu_get_pgd() + index);
	pmd_t *pmd_k = pmd_offset(init_mm.pgd + index);
	if (pmd_none(pmd_k[(addr >> SECTION_SHIFT) & 1]))
		return 1;
	copy_pmd(pmd, pmd_k);
	return 0;
}

/* Section permission: a bad area in Linux, where user memory is never a
 * section.  Here ulayout=sections maps user blocks with sections, so a
 * user address goes to do_page_fault (a clean section's first write). */
static int do_sect_fault(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	if (addr < TASK_SIZE)
		return do_page_fault(addr, fsr, regs);
	return bad_area(addr, fsr, regs);
}

/* Everything else (alignment, domain, external aborts...): nothing to fix. */
static int do_bad(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	return bad_area(addr, fsr, regs);
}

static int (*const fsr_info[32])(unsigned long, unsigned int, struct fw_regs *) = {
	[0x04] = do_translation_fault, /* I-cache maintenance fault */
	[0x05] = do_translation_fault, /* section translation */
	[0x07] = do_page_fault,        /* page translation */
	[0x0D] = do_sect_fault,        /* section permission */
	[0x0F] = do_page_fault,        /* page permission */
};

static int dispatch(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	int (*fn)(unsigned long, unsigned int, struct fw_regs *) = fsr_info[FSR_FS(fsr)];
	return (fn ? fn : do_bad)(addr, fsr, regs);
}

int do_DataAbort(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	asid_faults[CP15_READ(c13, 0, c0, 1) & 0xFF]++;
	return dispatch(addr, fsr, regs);
}

/* The same table for IFSR; instruction faults never carry 0x04. */
int do_PrefetchAbort(unsigned long addr, unsigned int ifsr, struct fw_regs *regs)
{
	asid_faults[CP15_READ(c13, 0, c0, 1) & 0xFF]++;
	return FSR_FS(ifsr) == 0x04 ? bad_area(addr, ifsr, regs)
				    : dispatch(addr, ifsr | FSR_LNX_PF, regs);
}
