/* User address spaces (mm/mmap.c, mm/memory.c, mm/mprotect.c,
 * arch/arm/mm/fault.c): VMAs, user page tables, demand paging with the
 * shared zero page, young/dirty emulation through faults, copy-on-write
 * after fork, swap-in, the opt-in aging scan, and the memory system calls
 * (reclaim and swap are vmscan.c's).  Page accounting follows Linux: a
 * mapped anonymous page has _mapcount >= 0 and one reference per mapping.
 * Blocks of large VMAs under ulayout=large/sections are ulayout.c's. */
#include "fw.h"
#include "gmm.h"

#define _PAGE_USER_TABLE (PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_USER))

struct mm_stats gmm_stats;

/* TLBIMVA / TLBIASID with the mm's ASID; a stale-generation ASID cannot be
 * in the TLB (the rollover flushed everything), so that is harmless. */
void flush_tlb_page(struct mm_struct *mm, unsigned long addr)
{
	gmm_stats.tlb_flush_page++;
	dsb();
	CP15_WRITE(c8, 0, c7, 1, (addr & PAGE_MASK) | (mm->context_id & 0xFF));
	dsb();
	isb();
}

void flush_tlb_mm(struct mm_struct *mm)
{
	gmm_stats.tlb_flush_mm++;
	dsb();
	CP15_WRITE(c8, 0, c7, 2, mm->context_id & 0xFF);
	dsb();
	isb();
}

pgprot_t vm_get_page_prot(unsigned long flags)
{
	pgprot_t prot = L_PTE_PRESENT | L_PTE_USER | L_PTE_MT_WRITEBACK;
	if (!(flags & (VM_READ | VM_WRITE | VM_EXEC)))
		prot |= L_PTE_NONE; /* PROT_NONE: present, but no hardware entry */
	if (!(flags & VM_WRITE))
		prot |= L_PTE_RDONLY;
	if (!(flags & VM_EXEC))
		prot |= L_PTE_XN;
	return prot;
}

/* ---- VMAs ---- */

#define DEPOSIT_ORDER 1 /* USER_PTRS_PER_PGD pointers */

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

/* The first VMA that ends above addr (it may start above addr too). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		if (addr < v->vm_end)
			return v;
	return 0;
}

static bool range_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);
	return !v || v->vm_start >= end;
}

int insert_vm_area(struct mm_struct *mm, unsigned long start, unsigned long end,
		   unsigned long flags)
{
	if (start >= end || end > TASK_SIZE || !range_free(mm, start, end))
		return -EINVAL;
	struct vm_area_struct *vma = kmalloc(sizeof *vma, GFP_KERNEL), **link = &mm->mmap;
	if (!vma)
		return -ENOMEM;
	while (*link && (*link)->vm_start < start)
		link = &(*link)->vm_next;
	*vma = (struct vm_area_struct){ start, end, flags, *link };
	*link = vma;
	return 0;
}

/* Splits the VMA holding addr so that a VMA starts at addr. */
static int split_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	if (!v || v->vm_start >= addr)
		return 0;
	struct vm_area_struct *tail = kmalloc(sizeof *tail, GFP_KERNEL);
	if (!tail)
		return -ENOMEM;
	*tail = (struct vm_area_struct){ addr, v->vm_end, v->vm_flags, v->vm_next };
	v->vm_end = addr;
	v->vm_next = tail;
	return 0;
}

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

static bool is_zero_pfn(unsigned long pfn) { return pfn == page_to_pfn(empty_zero_page); }

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
static void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
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

/* Linux's access_ok is a range check: whether the memory is there and
 * allows the access is the fault handler's question (uaccess.S). */
bool access_ok(unsigned long addr, unsigned long len)
{
	return addr < TASK_SIZE && len <= TASK_SIZE - addr;
}

/* ---- the opt-in aging scan (init's aging=TICKS) ---- */

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

/* ---- fork and exit ---- */

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

/* ---- memory system calls ---- */

static unsigned long prot_to_vm(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE | VM_READ : 0) |
	       (prot & PROT_EXEC ? VM_EXEC | VM_READ : 0);
}

/* Removes [start, end) from the address space: VMAs split at both ends. */
static int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	if (split_vma(mm, start) || split_vma(mm, end))
		return -ENOMEM;
	struct vm_area_struct **link = &mm->mmap;
	while (*link) {
		struct vm_area_struct *v = *link;
		if (v->vm_start >= start && v->vm_end <= end) {
			zap_page_range(mm, v->vm_start, v->vm_end);
			*link = v->vm_next;
			kfree(v);
		} else {
			link = &v->vm_next;
		}
	}
	return 0;
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd)
{
	struct mm_struct *mm = current->mm;
	if (!(flags & MAP_ANONYMOUS))
		return fd < 0 ? -EBADF : -ENODEV; /* there are no files */
	if (!len || len > TASK_SIZE || (prot & ~7ul) || !(flags & MAP_PRIVATE))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	/* Large enough for a block of the user layout: block-aligned, as
	 * thp_get_unmapped_area aligns for huge pages. */
	unsigned long align = user_block_size(), vm_flags = prot_to_vm(prot);
	if (align > PAGE_SIZE && len >= align)
		vm_flags |= VM_HUGEPAGE;
	else
		align = PAGE_SIZE;
	if (flags & MAP_FIXED) {
		if ((addr & ~PAGE_MASK) || addr < PAGE_SIZE || addr > TASK_SIZE - len)
			return -EINVAL;
		if (do_munmap(mm, addr, addr + len))
			return -ENOMEM;
	} else {
		addr = TASK_UNMAPPED_BASE;
		for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < addr + len;
		     v = v->vm_next)
			addr = ALIGN(v->vm_end > addr ? v->vm_end : addr, align);
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
	}
	int err = insert_vm_area(mm, addr, addr + len, vm_flags);
	return err ? err : (long)addr;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	if ((addr & ~PAGE_MASK) || !len || addr >= TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	return do_munmap(current->mm, addr, addr + PAGE_ALIGN(len));
}

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

long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long old_end = PAGE_ALIGN(mm->brk), new_end = PAGE_ALIGN(brk);
	if (brk < mm->start_brk || brk > TASK_UNMAPPED_BASE)
		return (long)mm->brk;
	if (new_end > old_end) {
		struct vm_area_struct *heap = find_vma(mm, mm->start_brk);
		if (!range_free(mm, old_end, new_end))
			return (long)mm->brk;
		if (heap && heap->vm_start == mm->start_brk && heap->vm_end == old_end)
			heap->vm_end = new_end;
		else if (insert_vm_area(mm, old_end, new_end, VM_READ | VM_WRITE))
			return (long)mm->brk;
	} else if (new_end < old_end) {
		do_munmap(mm, new_end, old_end);
	}
	mm->brk = brk;
	return (long)brk;
}

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
