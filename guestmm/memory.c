/* User pages (mm/memory.c): the page tables of user address spaces,
 * demand paging with the shared zero page, young/dirty emulation through
 * faults, copy-on-write after fork, swap-in, and zapping pages on unmap
 * and exit.  VMAs and the memory system calls are mmap.c's, mprotect.c's
 * and madvise.c's, reclaim and swap vmscan.c's, blocks of large VMAs
 * under ulayout=large/sections ulayout.c's.  Page accounting follows
 * Linux: a mapped anonymous page has _mapcount >= 0 and one reference per
 * mapping. */
#include "fw.h"
#include "gmm.h"

#define _PAGE_USER_TABLE (PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_USER))
#define DEPOSIT_ORDER 1 /* USER_PTRS_PER_PGD pointers */

struct mm_stats gmm_stats;

/* ---- page tables ---- */

/* The Linux PTE of a user address; with alloc, a missing PTE page is made
 * (one page: two Linux tables, then the two hardware tables).  The PTE
 * page is found through the slot's L1 words, or, under ulayout=sections,
 * in the deposit: there an MB's L1 word stays 0 until pmd_populate_mb
 * points it at its hardware table, or ulayout.c makes it a section. */
pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pmd_t *pmd = pmd_offset(pgd_offset(mm->pgd, addr));
	pte_t *table;
	if (mm->pgtable_deposit)
		table = mm->pgtable_deposit[pgd_index(addr)];
	else
		table = pmd_none(*pmd) ? 0 : (pte_t *)__va(*pmd & PAGE_MASK);
	if (!table) {
		table = alloc ? (pte_t *)get_zeroed_page(GFP_KERNEL) : 0;
		if (!table)
			return 0;
		if (mm->pgtable_deposit)
			mm->pgtable_deposit[pgd_index(addr)] = table;
		else
			__pmd_populate(pmd, __pa(table), _PAGE_USER_TABLE);
	}
	return table + pte_index(addr);
}

/* Under ulayout=sections: the L1 word of addr's MB points at its hardware
 * table before a small page there becomes valid.  The word is 0 then
 * (a section is split first), so no TLB entry depends on it. */
void pmd_populate_mb(struct mm_struct *mm, unsigned long addr)
{
	if (!mm->pgtable_deposit)
		return;
	pmd_t *pmd = pmd_offset(pgd_offset(mm->pgd, addr)) + ((addr >> SECTION_SHIFT) & 1);
	if (pmd_table(*pmd))
		return;
	phys_addr_t table = __pa(mm->pgtable_deposit[pgd_index(addr)]);
	*pmd = (table + PTE_HWTABLE_OFF + ((addr >> SECTION_SHIFT) & 1) * PTE_HWTABLE_SIZE / 2) |
	       _PAGE_USER_TABLE;
	flush_pmd_entry(pmd);
}

/* zap_pte_range for one PTE: a page loses this mapping (the zero page is
 * nobody's), a swap entry its reference.  True when a translation may be
 * cached (the caller flushes). */
static bool unmap_pte(pte_t *ptep)
{
	pte_t pte = *ptep;
	if (pte_none(pte))
		return false;
	pte_clear(ptep);
	if (is_swap_pte(pte)) {
		swap_free(pte);
		return false;
	}
	if (!is_zero_pfn(pte_pfn(pte))) {
		struct page *page = pfn_to_page(pte_pfn(pte));
		page->_mapcount--;
		put_user_page(page); /* the last reference frees it */
	}
	return true;
}

/* zap_page_range: unmap every page in [start, end); one TLB flush per page
 * that was mapped (the entry may be cached even if old now), and one per
 * block mapping the range holds whole (ulayout.c splits those it cuts). */
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long bs = user_block_size();
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = pte_lookup(mm, addr, false);
		if (!ptep) {
			addr |= PMD_SIZE - PAGE_SIZE; /* no PTE page: skip the slot */
			continue;
		}
		if (user_block_mapped(mm, addr)) {
			unsigned long block = addr & ~(bs - 1);
			if (block < start || end - block < bs) {
				split_user_block(mm, addr);
			} else {
				set_user_block(mm, block, L_PTE_YOUNG, 0); /* no hardware entry */
				flush_tlb_page(mm, block);
				for (unsigned long i = 0; i < bs >> PAGE_SHIFT; i++)
					unmap_pte(ptep + i);
				addr += bs - PAGE_SIZE;
				continue;
			}
		}
		if (unmap_pte(ptep))
			flush_tlb_page(mm, addr);
	}
}

/* A fresh page with data at addr (exec's loader and the initial stack). */
int populate_page(struct mm_struct *mm, unsigned long addr, const void *data, size_t len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pte_t *ptep = pte_lookup(mm, addr, true);
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	if (!vma || vma->vm_start > addr || !ptep || !page) {
		if (page)
			__free_page(page);
		return -ENOMEM;
	}
	memcpy((char *)page_address(page) + (addr & ~PAGE_MASK), data, len);
	page->_mapcount++;
	lru_cache_add_anon(page, addr);
	pmd_populate_mb(mm, addr);
	set_pte_at(addr & PAGE_MASK, ptep,
		   pfn_pte(page_to_pfn(page), vm_get_page_prot(vma->vm_flags)) | L_PTE_YOUNG |
			   L_PTE_DIRTY);
	return 0;
}

/* A page for user memory (__alloc_pages_slowpath, reduced): kswapd is
 * woken below the low watermark; an allocation that still fails reclaims
 * directly, once. */
static struct page *alloc_user_page(void)
{
	wakeup_kswapd();
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE);
	if (!page && try_to_free_pages())
		page = alloc_page(GFP_HIGHUSER_MOVABLE);
	return page;
}

/* ---- faults ---- */

/* ptep_set_access_flags (mm/pgtable-generic.c): a fault that makes a PTE
 * young, dirty or writable sets it and flushes the page, since 32-bit ARM's
 * flush_tlb_fix_spurious_fault is flush_tlb_page: a TLB may still hold the
 * read-only translation.  False when the PTE was already so. */
static bool ptep_set_access_flags(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
				  pte_t entry)
{
	if (*ptep == entry)
		return false;
	set_pte_at(addr, ptep, entry);
	flush_tlb_page(mm, addr);
	return true;
}

/* do_wp_page: a write to a present, write-protected page of a writable
 * VMA.  The last user takes the page back (wp_page_reuse); otherwise, and
 * always for the zero page, wp_page_copy gives it a copy, and the old
 * translation leaves the TLB (ptep_clear_flush) because the PFN changes.
 * The old page is held across the allocation, whose reclaim may swap it
 * out: then the fault is retried. */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *ptep)
{
	pte_t orig = *ptep;
	pgprot_t prot = vm_get_page_prot(vma->vm_flags) | L_PTE_YOUNG | L_PTE_DIRTY;
	bool zero = is_zero_pfn(pte_pfn(orig));
	struct page *old = pfn_to_page(pte_pfn(orig));
	if (!zero && page_count(old) == 1) {
		gmm_stats.cow_reuse++;
		ptep_set_access_flags(mm, addr, ptep, pfn_pte(pte_pfn(orig), prot));
		return 0;
	}
	if (!zero)
		get_page(old);
	struct page *copy = alloc_user_page();
	int ret = 0;
	if (!copy) {
		ret = VM_FAULT_OOM;
	} else if (*ptep != orig) {
		__free_page(copy);
	} else {
		gmm_stats.cow++;
		if (zero)
			clear_page(page_address(copy));
		else
			copy_page(page_address(copy), page_address(old));
		copy->_mapcount++;
		lru_cache_add_anon(copy, addr);
		set_pte_at(addr, ptep, pfn_pte(page_to_pfn(copy), prot));
		flush_tlb_page(mm, addr);
		if (!zero) {
			old->_mapcount--;
			put_user_page(old);
		}
	}
	if (!zero)
		put_user_page(old);
	return ret;
}

/* do_anonymous_page: a read maps the shared zero page read-only (its first
 * write copies it: do_wp_page); a write maps a new zeroed page, dirty.  The
 * PTE was empty, so nothing is flushed. */
static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
			     bool write)
{
	pgprot_t prot = vm_get_page_prot(vma->vm_flags) | L_PTE_YOUNG;
	gmm_stats.demand++;
	if (!write) {
		gmm_stats.zero_page++;
		set_pte_at(addr, ptep, pfn_pte(page_to_pfn(empty_zero_page), prot | L_PTE_RDONLY));
		return 0;
	}
	struct page *page = alloc_user_page();
	if (!page)
		return VM_FAULT_OOM;
	clear_page(page_address(page));
	page->_mapcount++;
	lru_cache_add_anon(page, addr);
	set_pte_at(addr, ptep, pfn_pte(page_to_pfn(page), prot | L_PTE_DIRTY));
	return 0;
}

/* do_swap_page: the page comes back from its slot, young.  When others
 * still hold the slot (it was swapped out while fork shared it) this copy
 * is mapped read-only, copy-on-write as before; there is no swap cache,
 * so each sharer reads its own copy.  The new PTE replaces a swap entry,
 * which no TLB holds. */
static int do_swap_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, bool write)
{
	struct page *page = alloc_user_page();
	if (!page)
		return VM_FAULT_OOM;
	pte_t pte = vm_get_page_prot(vma->vm_flags) | L_PTE_YOUNG;
	if (!swap_read(*ptep, page))
		pte |= L_PTE_RDONLY;
	else if (write)
		pte |= L_PTE_DIRTY;
	page->_mapcount++;
	lru_cache_add_anon(page, addr);
	set_pte_at(addr, ptep, pfn_pte(page_to_pfn(page), pte));
	return 0;
}

/* handle_mm_fault for an access the VMA allows (handle_pte_fault): an
 * empty PTE is a new page, a swap entry a swap-in, a write to a
 * write-protected page copy-on-write; otherwise the fault sets the young
 * bit (an old page's hardware PTE is 0: a translation fault) and, on a
 * write, the dirty bit (a clean page's hardware PTE is read-only: a
 * permission fault) through ptep_set_access_flags.  A fault that finds
 * nothing to fix is spurious: a TLB held a stale translation, flushed on
 * writes as flush_tlb_fix_spurious_fault does. */
static int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
			   bool write)
{
	if (vma->vm_flags & VM_HUGEPAGE) {
		int ret = do_block_fault(mm, vma, addr, write);
		if (ret != VM_FAULT_FALLBACK)
			return ret;
	}
	pte_t *ptep = pte_lookup(mm, addr, true);
	if (!ptep)
		return VM_FAULT_OOM;
	pmd_populate_mb(mm, addr);
	pte_t pte = *ptep;
	if (pte_none(pte))
		return do_anonymous_page(vma, addr, ptep, write);
	if (!pte_present(pte))
		return do_swap_page(vma, addr, ptep, write);
	if (write && (pte & L_PTE_RDONLY))
		return do_wp_page(mm, vma, addr, ptep);
	pte_t entry = pte | L_PTE_YOUNG | (write ? L_PTE_DIRTY : 0);
	if (!(pte & L_PTE_YOUNG))
		gmm_stats.young++;
	else if (write && !(pte & L_PTE_DIRTY))
		gmm_stats.dirty++;
	if (write && !(pte & L_PTE_DIRTY))
		gmm_stats.dirtied++;
	if (!ptep_set_access_flags(mm, addr, ptep, entry)) {
		gmm_stats.spurious++;
		if (write)
			flush_tlb_page(mm, addr);
	}
	return 0;
}

/* do_page_fault's VMA part: find the VMA (growing the stack down within
 * its limit), check the access against it, handle it.  Returns 0 when the
 * access may retry, VM_FAULT_SIGSEGV for a bad area, VM_FAULT_OOM. */
int handle_user_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (!vma)
		return VM_FAULT_SIGSEGV;
	if (vma->vm_start > addr) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || addr < STACK_TOP - STACK_LIMIT)
			return VM_FAULT_SIGSEGV;
		struct vm_area_struct *prev = mm->mmap;
		while (prev && prev->vm_next != vma && prev != vma)
			prev = prev->vm_next;
		if (prev && prev != vma && prev->vm_end + PAGE_SIZE > (addr & PAGE_MASK))
			return VM_FAULT_SIGSEGV; /* the stack guard gap */
		gmm_stats.stack_grow++;
		vma->vm_start = addr & PAGE_MASK;
	}
	unsigned long need = exec ? VM_EXEC : write ? VM_WRITE : VM_READ;
	if (!(vma->vm_flags & need))
		return VM_FAULT_SIGSEGV;
	return handle_mm_fault(mm, vma, addr & PAGE_MASK, write);
}

/* ---- fork and exit ---- */

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof *mm, GFP_KERNEL);
	if (!mm)
		return 0;
	mm->pgd = pgd_alloc();
	if (mm->pgd && user_layout == ULAYOUT_SECTIONS &&
	    !(mm->pgtable_deposit = (pte_t **)__get_free_pages(__GFP_ZERO, DEPOSIT_ORDER))) {
		pgd_free(mm->pgd);
		mm->pgd = 0;
	}
	if (!mm->pgd) {
		kfree(mm);
		return 0;
	}
	return mm;
}

/* copy_page_range: the child shares every page; private writable pages
 * are write-protected in both (COW), and the child's PTEs start old, as
 * copy_one_pte makes them.  A swap entry is shared with another reference
 * (copy_nonpresent_pte), the zero page as it is (vm_normal_page: no
 * struct page to count).  The parent's TLB entries may be writable, so
 * its whole ASID is flushed. */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	if (!mm)
		return 0;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	for (struct vm_area_struct *v = oldmm->mmap; v; v = v->vm_next) {
		if (insert_vm_area(mm, v->vm_start, v->vm_end, v->vm_flags))
			goto fail;
		for (unsigned long addr = v->vm_start; addr < v->vm_end; addr += PAGE_SIZE) {
			pte_t *src = pte_lookup(oldmm, addr, false);
			if (!src) {
				addr |= PMD_SIZE - PAGE_SIZE;
				continue;
			}
			if (pte_none(*src))
				continue;
			pte_t *dst = pte_lookup(mm, addr, true);
			if (!dst)
				goto fail;
			if (is_swap_pte(*src)) {
				swap_duplicate(*src);
				set_pte_at(addr, dst, *src);
				continue;
			}
			if (is_zero_pfn(pte_pfn(*src))) {
				set_pte_at(addr, dst, *src & ~L_PTE_YOUNG);
				continue;
			}
			/* a block mapping is write-protected whole, at its first page */
			if ((v->vm_flags & VM_WRITE) && !(*src & L_PTE_RDONLY)) {
				if ((v->vm_flags & VM_HUGEPAGE) && user_block_mapped(oldmm, addr))
					set_user_block(oldmm, addr, 0, L_PTE_RDONLY);
				else
					set_pte_at(addr, src, *src | L_PTE_RDONLY);
			}
			struct page *page = pfn_to_page(pte_pfn(*src));
			get_page(page);
			page->_mapcount++;
			set_pte_at(addr, dst, *src & ~L_PTE_YOUNG);
		}
	}
	flush_tlb_mm(oldmm);
	return mm;
fail:
	mmput(mm);
	return 0;
}

/* exit_mmap + free_pgtables + pgd_free. */
void mmput(struct mm_struct *mm)
{
	struct vm_area_struct *v = mm->mmap;
	while (v) {
		struct vm_area_struct *next = v->vm_next;
		for (unsigned long addr = v->vm_start; addr < v->vm_end; addr += PAGE_SIZE) {
			pte_t *ptep = pte_lookup(mm, addr, false);
			if (ptep)
				unmap_pte(ptep);
			else
				addr |= PMD_SIZE - PAGE_SIZE;
		}
		kfree(v);
		v = next;
	}
	flush_tlb_mm(mm);
	for (unsigned long i = 0; i < USER_PTRS_PER_PGD; i++) {
		pmd_t *pmd = pmd_offset(mm->pgd + i);
		if (mm->pgtable_deposit)
			free_page((unsigned long)mm->pgtable_deposit[i]);
		else if (!pmd_none(*pmd))
			free_page((unsigned long)__va(*pmd & PAGE_MASK));
	}
	free_pages((unsigned long)mm->pgtable_deposit, DEPOSIT_ORDER);
	pgd_free(mm->pgd);
	kfree(mm);
}
