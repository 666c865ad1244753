/* madvise (mm/madvise.c): MADV_DONTNEED and MADV_FREE. */
#include "fw.h"
#include "gmm.h"

/* MADV_FREE (madvise_free_pte_range): the process's own pages in the
 * range become old and clean, each flushed, and go to the inactive list;
 * reclaim drops such a page rather than swap it, unless it was written
 * again (then it is dirty and keeps its data).  Pages shared with another
 * process, the zero page and swap entries are left alone.  A block
 * mapping is split first (Linux clears a whole huge pmd in place). */
static void madvise_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = pte_lookup(mm, addr, false);
		if (!ptep) {
			addr |= PMD_SIZE - PAGE_SIZE;
			continue;
		}
		if (!pte_present(*ptep) || is_zero_pfn(pte_pfn(*ptep)))
			continue;
		struct page *page = pfn_to_page(pte_pfn(*ptep));
		if (page_count(page) != 1)
			continue;
		if (user_block_mapped(mm, addr))
			split_user_block(mm, addr);
		set_pte_at(addr, ptep, *ptep & ~(L_PTE_YOUNG | L_PTE_DIRTY));
		flush_tlb_page(mm, addr);
		mark_page_lazyfree(page);
	}
}

/* MADV_DONTNEED: the range's pages go; the next access finds zeros.
 * MADV_FREE: see madvise_free.  As in Linux, the mapped parts are done
 * and a hole anywhere is -ENOMEM. */
long sys_madvise(unsigned long addr, unsigned long len, int advice)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = addr + PAGE_ALIGN(len);
	if ((addr & ~PAGE_MASK) || (advice != MADV_DONTNEED && advice != MADV_FREE) || addr >= TASK_SIZE ||
	    len > TASK_SIZE - addr)
		return -EINVAL;
	long ret = 0;
	for (unsigned long a = addr; a < end;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start >= end)
			return -ENOMEM;
		if (v->vm_start > a)
			ret = -ENOMEM;
		a = v->vm_start > a ? v->vm_start : a;
		unsigned long stop = v->vm_end < end ? v->vm_end : end;
		if (advice == MADV_FREE)
			madvise_free(mm, a, stop);
		else
			zap_page_range(mm, a, stop);
		a = stop;
	}
	return ret;
}
