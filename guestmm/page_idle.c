/* The opt-in aging scan (init's aging=TICKS): idle page tracking
 * (mm/page_idle.c) run every TICKS timer ticks. */
#include "fw.h"
#include "gmm.h"

/* Marks every young user PTE old, as idle-page tracking's
 * page_idle_clear_pte_refs does: the hardware PTE becomes 0 and the TLB
 * entry is flushed, so the next access takes the young fault again.  A
 * block mapping is young as a whole: one flush, its pages all counted.
 * Linux clears young bits only under memory pressure (vmscan.c); this
 * scan is for demonstrations and the young-bit tests. */
static unsigned long age_mm(struct mm_struct *mm)
{
	unsigned long referenced = 0, bs = user_block_size();
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		for (unsigned long addr = v->vm_start, next; addr < v->vm_end; addr = next) {
			next = pgd_addr_end(addr, v->vm_end);
			pte_t *ptep = pte_lookup(mm, addr, false);
			for (; ptep && addr < next; addr += PAGE_SIZE, ptep++) {
				if ((v->vm_flags & VM_HUGEPAGE) && user_block_mapped(mm, addr)) {
					set_user_block(mm, addr, L_PTE_YOUNG, 0);
					flush_tlb_page(mm, addr);
					referenced += bs >> PAGE_SHIFT;
					addr += bs - PAGE_SIZE;
					ptep += (bs >> PAGE_SHIFT) - 1;
					continue;
				}
				if (!pte_present(*ptep) || !(*ptep & L_PTE_YOUNG))
					continue;
				referenced++;
				set_pte_at(addr, ptep, *ptep & ~L_PTE_YOUNG);
				flush_tlb_page(mm, addr);
			}
		}
	return referenced;
}

/* The periodic scan: every young page is made old and counted as
 * referenced. */
void age_user_pages(void)
{
	unsigned long referenced = 0;
	for (int i = 0; i < NR_TASKS; i++)
		if (tasks[i].mm)
			referenced += age_mm(tasks[i].mm);
	gmm_stats.aging_passes++;
	gmm_stats.aged += referenced;
	gmm_stats.pass_referenced = referenced;
}
