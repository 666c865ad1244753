/* User block mappings (init's ulayout= option): anonymous VMAs at least a
 * block long (VM_HUGEPAGE, block-aligned by mmap) are mapped in 64 KB
 * large pages (ulayout=large) or 1 MB sections (ulayout=sections) where a
 * naturally aligned block lies inside the VMA; ulayout=pages (the
 * default, and Linux's only choice on 2-level ARM) maps 4 KB pages only.
 *
 * This follows Linux's transparent huge pages.  The Linux PTEs stay one
 * per 4 KB and hold the state (PFN, young, dirty, protection); a block
 * whose PTEs map one aligned physical block with the same bits may have
 * the block descriptor as its hardware form (16 replicated large-page
 * words, or the MB's L1 word).  Young and dirty are set and cleared for
 * the whole block at once, through the same faults as small pages: an old
 * block has no hardware entry (translation fault), a clean writable block
 * a read-only one (permission fault).  An operation that would make its
 * PTEs differ (part of it unmapped, protected or copied on write) first
 * splits it into small pages, break-before-make: descriptor cleared, TLB
 * entry flushed, small pages written.  A block goes back to being one
 * only from no hardware entry at all, so no TLB entry of a small page can
 * overlap it. */
#include "fw.h"
#include "gmm.h"


enum user_layout user_layout;

/* Finds "ulayout=NAME" among the words (separated by spaces or commas) of
 * init's command line.  0, or -EINVAL for an unknown name. */
int set_user_layout(const char *cmdline)
{
	static const char *const names[] = {
		[ULAYOUT_PAGES] = "pages", [ULAYOUT_LARGE] = "large", [ULAYOUT_SECTIONS] = "sections",
	};
	user_layout = ULAYOUT_PAGES;
	for (const char *p = cmdline; *p; p++) {
		if ((p != cmdline && p[-1] != ' ' && p[-1] != ',') || strncmp(p, "ulayout=", 8))
			continue;
		const char *v = p + 8;
		for (unsigned i = 0;; i++) {
			if (i == sizeof names / sizeof names[0])
				return -EINVAL;
			size_t n = strlen(names[i]);
			if (!strncmp(v, names[i], n) && (!v[n] || v[n] == ' ' || v[n] == ',')) {
				user_layout = (enum user_layout)i;
				break;
			}
		}
	}
	return 0;
}

unsigned long user_block_size(void)
{
	static const unsigned long size[] = {
		[ULAYOUT_PAGES] = PAGE_SIZE, [ULAYOUT_LARGE] = LARGE_PAGE_SIZE,
		[ULAYOUT_SECTIONS] = SECTION_SIZE,
	};
	return size[user_layout];
}

static unsigned long block_pages(void)
{
	return user_block_size() >> PAGE_SHIFT;
}

static pmd_t *pmd_of(struct mm_struct *mm, unsigned long addr)
{
	return pmd_offset(pgd_offset(mm->pgd, addr)) + ((addr >> SECTION_SHIFT) & 1);
}

/* What the hardware half of a block holds. */
enum block_state { BLOCK_NONE, BLOCK_MAPPED, BLOCK_SMALL };

static enum block_state block_state(struct mm_struct *mm, unsigned long start, pte_t *first)
{
	if (user_layout == ULAYOUT_SECTIONS) {
		pmd_t pmd = *pmd_of(mm, start);
		if ((pmd & PMD_TYPE_MASK) == PMD_TYPE_SECT)
			return BLOCK_MAPPED;
		if (!pmd_table(pmd))
			return BLOCK_NONE;
	} else if ((*pte_hw(first) & PTE_TYPE_MASK) == PTE_TYPE_LARGE) {
		return BLOCK_MAPPED;
	}
	for (unsigned long i = 0; i < block_pages(); i++)
		if (*pte_hw(first + i))
			return BLOCK_SMALL;
	return BLOCK_NONE;
}

/* Whether addr's block is mapped by a block descriptor now (which also
 * means young: an old block has no hardware entry). */
bool user_block_mapped(struct mm_struct *mm, unsigned long addr)
{
	if (user_layout == ULAYOUT_PAGES)
		return false;
	unsigned long start = addr & ~(user_block_size() - 1);
	if (user_layout == ULAYOUT_SECTIONS)
		return (*pmd_of(mm, start) & PMD_TYPE_MASK) == PMD_TYPE_SECT;
	pte_t *first = pte_lookup(mm, start, false);
	return first && (*pte_hw(first) & PTE_TYPE_MASK) == PTE_TYPE_LARGE;
}

/* The block descriptor the block's PTEs give, or 0 (old, PROT_NONE):
 * set_pte_ext's small-page word for the first page, re-encoded (large
 * page: TEX to [14:12], XN to bit 15; section: XN to bit 4, AP, TEX, APX,
 * S, nG up by 6, user domain).  The first hardware slot serves as the
 * scratch word; a section MB's hardware table stays all zero. */
static pteval_t block_desc(unsigned long start, pte_t *first)
{
	set_pte_at(start, first, *first);
	pteval_t small = *pte_hw(first);
	if (user_layout == ULAYOUT_LARGE)
		return small ? (small & (LARGE_PAGE_MASK | PTE_EXT_NG | PTE_EXT_SHARED | PTE_EXT_APX |
					 PTE_EXT_AP1 | PTE_EXT_AP0 | PTE_CACHEABLE | PTE_BUFFERABLE)) |
				       ((small >> 6) & 7) << 12 | (small & PTE_EXT_XN) << 15 |
				       PTE_TYPE_LARGE
			     : 0;
	*pte_hw(first) = 0;
	clean_dcache_line(pte_hw(first));
	return small ? (small & (SECTION_MASK | PTE_CACHEABLE | PTE_BUFFERABLE)) |
			       (small & PTE_EXT_XN) << 4 |
			       (small & (PTE_EXT_AP0 | PTE_EXT_AP1 | PTE_EXT_APX | PTE_EXT_SHARED |
					 PTE_EXT_NG)) << 6 |
			       ((small >> 6) & 7) << 12 | PMD_DOMAIN(DOMAIN_USER) | PMD_TYPE_SECT
		     : 0;
}

static void write_block(struct mm_struct *mm, unsigned long start, pte_t *first, pteval_t desc)
{
	if (user_layout == ULAYOUT_LARGE) {
		for (unsigned long i = 0; i < block_pages(); i++) {
			*pte_hw(first + i) = desc;
			clean_dcache_line(pte_hw(first + i));
		}
		return;
	}
	pmd_t *pmd = pmd_of(mm, start);
	*pmd = desc;
	flush_pmd_entry(pmd);
}

/* The block's hardware form from its (alike) PTEs.  An MB's L1 word that
 * still points at its (all-zero) hardware table may be held by a walk
 * cache, so it is cleared and flushed before it becomes a section. */
static void install_block(struct mm_struct *mm, unsigned long start, pte_t *first)
{
	pteval_t desc = block_desc(start, first);
	if (user_layout == ULAYOUT_SECTIONS && desc && pmd_table(*pmd_of(mm, start))) {
		write_block(mm, start, first, 0);
		flush_tlb_page(mm, start);
	}
	write_block(mm, start, first, desc);
}

/* Changes every PTE of addr's mapped block the same way and rewrites its
 * descriptor.  No flush: the caller knows whether access was removed. */
void set_user_block(struct mm_struct *mm, unsigned long addr, pteval_t clear, pteval_t set)
{
	unsigned long start = addr & ~(user_block_size() - 1);
	pte_t *first = pte_lookup(mm, start, false);
	for (unsigned long i = 0; i < block_pages(); i++)
		first[i] = (first[i] & ~clear) | set;
	install_block(mm, start, first);
}

/* A block mapping becomes small pages, break-before-make. */
void split_user_block(struct mm_struct *mm, unsigned long addr)
{
	unsigned long start = addr & ~(user_block_size() - 1);
	pte_t *first = pte_lookup(mm, start, false);
	write_block(mm, start, first, 0);
	flush_tlb_page(mm, start);
	for (unsigned long i = 0; i < block_pages(); i++)
		set_pte_at(start + (i << PAGE_SHIFT), first + i, first[i]);
	pmd_populate_mb(mm, start);
	gmm_stats.splits++;
}

/* The PTEs map one aligned physical block with the same bits. */
static bool block_alike(const pte_t *first)
{
	unsigned long n = block_pages();
	if (!pte_present(first[0]) || (pte_pfn(first[0]) & (n - 1)))
		return false;
	for (unsigned long i = 1; i < n; i++)
		if (first[i] != first[0] + (i << PAGE_SHIFT))
			return false;
	return true;
}

static bool block_empty(const pte_t *first)
{
	for (unsigned long i = 0; i < block_pages(); i++)
		if (!pte_none(first[i]))
			return false;
	return true;
}

/* A demand-zero block: one physically contiguous, aligned allocation,
 * split into pages that are mapped (and freed) one by one. */
static int do_anonymous_block(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long start, pte_t *first, bool write)
{
	unsigned long n = block_pages();
	unsigned int order = user_layout == ULAYOUT_LARGE ? 4 : 8;
	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE, order);
	if (!page)
		return VM_FAULT_FALLBACK; /* fragmented or short: small pages */
	split_page(page, order);
	pgprot_t prot = vm_get_page_prot(vma->vm_flags) | L_PTE_YOUNG | (write ? L_PTE_DIRTY : 0);
	for (unsigned long i = 0; i < n; i++) {
		clear_page(page_address(page + i));
		page[i]._mapcount++;
		lru_cache_add_anon(page + i, start + (i << PAGE_SHIFT));
		first[i] = pfn_pte(page_to_pfn(page) + i, prot);
	}
	install_block(mm, start, first);
	gmm_stats.demand++;
	gmm_stats.blocks++;
	return 0;
}

/* handle_mm_fault for a VM_HUGEPAGE VMA (the VMA allows the access):
 * demand-zero, young, dirty and copy-on-write for a block as a whole, or
 * VM_FAULT_FALLBACK when addr's block is not whole in the VMA, or is
 * small pages, or must become them (a write to a block other processes
 * share: split, then the page is copied). */
int do_block_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		   bool write)
{
	unsigned long bs = user_block_size(), start = addr & ~(bs - 1);
	if (start < vma->vm_start || vma->vm_end - start < bs)
		return VM_FAULT_FALLBACK;
	pte_t *first = pte_lookup(mm, start, true);
	if (!first)
		return VM_FAULT_OOM;
	switch (block_state(mm, start, first)) {
	case BLOCK_SMALL:
		return VM_FAULT_FALLBACK;
	case BLOCK_NONE:
		if (block_empty(first))
			return do_anonymous_block(mm, vma, start, first, write);
		if (!block_alike(first))
			return VM_FAULT_FALLBACK;
		gmm_stats.young++;
		bool dirties = write && !(first[0] & (L_PTE_RDONLY | L_PTE_DIRTY));
		gmm_stats.dirtied += dirties;
		set_user_block(mm, start, 0, L_PTE_YOUNG | (dirties ? L_PTE_DIRTY : 0));
		flush_tlb_page(mm, start); /* ptep_set_access_flags */
		return 0;
	case BLOCK_MAPPED:
		break;
	}
	if (write && (first[0] & L_PTE_RDONLY)) {
		for (unsigned long i = 0; i < bs >> PAGE_SHIFT; i++)
			if (page_count(pfn_to_page(pte_pfn(first[i]))) != 1) {
				split_user_block(mm, start);
				return VM_FAULT_FALLBACK;
			}
		gmm_stats.cow_reuse++;
		set_user_block(mm, start, L_PTE_RDONLY, L_PTE_DIRTY);
		flush_tlb_page(mm, start); /* wp_page_reuse: ptep_set_access_flags */
		return 0;
	}
	if (write && !(first[0] & L_PTE_DIRTY)) {
		gmm_stats.dirty++;
		gmm_stats.dirtied++;
		set_user_block(mm, start, 0, L_PTE_DIRTY);
		flush_tlb_page(mm, start); /* ptep_set_access_flags */
		return 0;
	}
	gmm_stats.spurious++;
	if (write)
		flush_tlb_page(mm, addr); /* flush_tlb_fix_spurious_fault */
	return 0;
}
