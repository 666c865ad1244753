/* Abort dispatch (arch/arm/mm/fault.c, fsr-2level.c).  The kernel side
 * only: a section translation fault on a kernel address is the vmalloc
 * fault sync; everything else is "not handled" (non-zero), and the
 * firmware then offers the abort to the running workload or oopses.
 * There are no user address spaces yet, so do_page_fault never succeeds. */
#include "fw.h"
#include "gmm.h"

#define FSR_FS(fsr) (((fsr) & 15u) | (((fsr) >> 6) & 16u))
#define MODE_USR 0x10u

static int do_page_fault(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	(void)addr; (void)fsr; (void)regs;
	return 1;
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
	if ((regs->cpsr & PSR_MODE_MASK) == MODE_USR)
		return 1;
	unsigned long index = pgd_index(addr);
	pmd_t *pmd = pmd_offset(cpu_get_pgd() + index);
	pmd_t *pmd_k = pmd_offset(init_mm.pgd + index);
	if (pmd_none(pmd_k[(addr >> SECTION_SHIFT) & 1]))
		return 1;
	copy_pmd(pmd, pmd_k);
	return 0;
}

static int dispatch(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	switch (FSR_FS(fsr)) {
	case 0x04: /* I-cache maintenance fault */
	case 0x05: /* section translation */
		return do_translation_fault(addr, fsr, regs);
	case 0x07: /* page translation */
	case 0x0F: /* page permission */
		return do_page_fault(addr, fsr, regs);
	default:   /* do_sect_fault (0x0D) and do_bad: always a bad area */
		return 1;
	}
}

int do_DataAbort(unsigned long addr, unsigned int fsr, struct fw_regs *regs)
{
	return dispatch(addr, fsr, regs);
}

/* The same table for IFSR; instruction faults never carry 0x04. */
int do_PrefetchAbort(unsigned long addr, unsigned int ifsr, struct fw_regs *regs)
{
	return FSR_FS(ifsr) == 0x04 ? 1 : dispatch(addr, ifsr, regs);
}
