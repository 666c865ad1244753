/* mprotect (mm/mprotect.c): new protection for the VMAs of a range and
 * for the PTEs they map. */
#include "fw.h"
#include "gmm.h"

/* A COW page (shared since fork) and the zero page stay write-protected
 * until written, whatever mprotect allows. */
static bool stays_write_protected(pte_t pte)
{
	return is_zero_pfn(pte_pfn(pte)) || page_count(pfn_to_page(pte_pfn(pte))) > 1;
}

/* change_protection: every PTE whose value changes is flushed, more
 * permission or less (flush_tlb_range: a TLB may hold the old rights
 * either way).  A COW page and the zero page stay write-protected until
 * written.  A block mapping the range cuts is split first. */
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = addr + PAGE_ALIGN(len);
	if ((addr & ~PAGE_MASK) || (prot & ~7ul) || end > TASK_SIZE || end < addr)
		return -EINVAL;
	for (unsigned long a = addr; a < end; a += PAGE_SIZE) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start > a)
			return -ENOMEM;
	}
	if (split_vma(mm, addr) || split_vma(mm, end))
		return -ENOMEM;
	unsigned long flags = prot_to_vm(prot), bs = user_block_size();
	for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < end; v = v->vm_next) {
		v->vm_flags = (v->vm_flags & (VM_GROWSDOWN | VM_HUGEPAGE)) | flags;
		for (unsigned long a = v->vm_start; a < v->vm_end; a += PAGE_SIZE) {
			pte_t *ptep = pte_lookup(mm, a, false);
			if (!ptep || !pte_present(*ptep))
				continue;
			pte_t cow = stays_write_protected(*ptep) ? L_PTE_RDONLY : 0;
			if ((v->vm_flags & VM_HUGEPAGE) && user_block_mapped(mm, a)) {
				unsigned long block = a & ~(bs - 1);
				if (block >= addr && end - block >= bs) {
					for (unsigned long i = 1; i < bs >> PAGE_SHIFT; i++)
						if (stays_write_protected(ptep[i]))
							cow = L_PTE_RDONLY;
					pte_t before = *ptep;
					set_user_block(mm, a, ~(PAGE_MASK | L_PTE_YOUNG | L_PTE_DIRTY),
						       vm_get_page_prot(flags) | cow);
					if (*ptep != before)
						flush_tlb_page(mm, a);
					a += bs - PAGE_SIZE;
					continue;
				}
				split_user_block(mm, a);
			}
			pte_t keep = *ptep & (PAGE_MASK | L_PTE_YOUNG | L_PTE_DIRTY);
			pte_t entry = keep | vm_get_page_prot(flags) | cow;
			if (entry != *ptep) {
				set_pte_at(a, ptep, entry);
				flush_tlb_page(mm, a);
			}
		}
	}
	return 0;
}
