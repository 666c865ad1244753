/* User address spaces (mm/mmap.c, mm/memory.c, arch/arm/mm/fault.c):
 * VMAs, user page tables, demand paging, young/dirty emulation through
 * faults, copy-on-write after fork, the aging pass, and the memory system
 * calls.  Page accounting follows Linux: a mapped anonymous page has
 * _mapcount >= 0 and one reference per mapping. */
#include "fw.h"
#include "gmm.h"

#define _PAGE_USER_TABLE (PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_USER))
#define PROT_READ 1ul
#define PROT_WRITE 2ul
#define PROT_EXEC 4ul
#define MAP_PRIVATE 0x02ul
#define MAP_FIXED 0x10ul
#define MAP_ANONYMOUS 0x20ul
#define MADV_DONTNEED 4
#define EBADF 9
#define ENOMEM 12
#define EINVAL 22
#define ENODEV 19

struct gmm_stats gmm_stats;

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

static pgprot_t vm_get_page_prot(unsigned long flags)
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

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof *mm, GFP_KERNEL);
	if (mm && !(mm->pgd = pgd_alloc())) {
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
 * (one page: two Linux tables, then the two hardware tables). */
static pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pmd_t *pmd = pmd_offset(pgd_offset(mm->pgd, addr));
	if (pmd_none(*pmd)) {
		unsigned long page = alloc ? get_zeroed_page(GFP_KERNEL) : 0;
		if (!page)
			return 0;
		__pmd_populate(pmd, __pa(page), _PAGE_USER_TABLE);
	}
	return pte_offset_kernel(pmd, addr);
}

static void unmap_pte(pte_t *ptep)
{
	if (!pte_present(*ptep))
		return;
	struct page *page = pfn_to_page(pte_pfn(*ptep));
	page->_mapcount--;
	__free_page(page); /* put_page: the last reference frees it */
	pte_clear(ptep);
}

/* zap_page_range: unmap every page in [start, end); one TLB flush per page
 * that was mapped (the entry may be cached even if old now). */
static void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = pte_lookup(mm, addr, false);
		if (!ptep || !pte_present(*ptep))
			continue;
		unmap_pte(ptep);
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
	set_pte_at(addr & PAGE_MASK, ptep,
		   pfn_pte(page_to_pfn(page), vm_get_page_prot(vma->vm_flags)) | L_PTE_YOUNG |
			   L_PTE_DIRTY);
	return 0;
}

/* ---- faults ---- */

/* do_wp_page: a write to a present, write-protected page of a writable
 * VMA.  The last user takes the page back; otherwise it is copied, and the
 * old translation must leave the TLB because the PFN changes. */
static void do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		       pte_t *ptep)
{
	struct page *old = pfn_to_page(pte_pfn(*ptep));
	pgprot_t prot = vm_get_page_prot(vma->vm_flags) | L_PTE_YOUNG | L_PTE_DIRTY;
	if (page_count(old) == 1) {
		gmm_stats.cow_reuse++;
		set_pte_at(addr, ptep, pfn_pte(pte_pfn(*ptep), prot));
		return;
	}
	struct page *copy = alloc_page(GFP_HIGHUSER_MOVABLE);
	if (!copy) {
		force_sig_segv(addr, 0x80F, current->ctx.pc); /* out of memory: the OOM killer's job */
		return;
	}
	gmm_stats.cow++;
	memcpy(page_address(copy), page_address(old), PAGE_SIZE);
	copy->_mapcount++;
	old->_mapcount--;
	__free_page(old);
	set_pte_at(addr, ptep, pfn_pte(page_to_pfn(copy), prot));
	flush_tlb_page(mm, addr);
}

/* handle_mm_fault for an access the VMA allows: demand-zero, the young
 * bit (an old page's hardware PTE is 0: a translation fault), the dirty
 * bit (a clean page's hardware PTE is read-only: a permission fault),
 * copy-on-write.  Making a PTE more permissive needs no TLB flush; an
 * entry the TLB still holds read-only faults once more and is flushed as
 * spurious. */
static int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
			   bool write)
{
	pte_t *ptep = pte_lookup(mm, addr, true);
	if (!ptep)
		return -ENOMEM;
	pte_t pte = *ptep;
	if (!pte_present(pte)) {
		struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		gmm_stats.demand++;
		page->_mapcount++;
		pte = pfn_pte(page_to_pfn(page), vm_get_page_prot(vma->vm_flags)) | L_PTE_YOUNG;
		if (write)
			pte |= L_PTE_DIRTY;
		set_pte_at(addr, ptep, pte);
		return 0;
	}
	if (!(pte & L_PTE_YOUNG)) {
		gmm_stats.young++;
		pte |= L_PTE_YOUNG;
		if (write && !(pte & L_PTE_RDONLY))
			pte |= L_PTE_DIRTY;
		set_pte_at(addr, ptep, pte);
		return 0;
	}
	if (write && (pte & L_PTE_RDONLY)) {
		do_wp_page(mm, vma, addr, ptep);
		return 0;
	}
	if (write && !(pte & L_PTE_DIRTY)) {
		gmm_stats.dirty++;
		set_pte_at(addr, ptep, pte | L_PTE_DIRTY);
		return 0;
	}
	gmm_stats.spurious++;
	flush_tlb_page(mm, addr);
	return 0;
}

/* do_page_fault's VMA part: find the VMA (growing the stack down within
 * its limit), check the access against it, handle it.  Returns 0 when the
 * access may retry, non-zero for a bad area. */
int handle_user_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (!vma)
		return 1;
	if (vma->vm_start > addr) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || addr < STACK_TOP - STACK_LIMIT)
			return 1;
		struct vm_area_struct *prev = mm->mmap;
		while (prev && prev->vm_next != vma && prev != vma)
			prev = prev->vm_next;
		if (prev && prev != vma && prev->vm_end + PAGE_SIZE > (addr & PAGE_MASK))
			return 1; /* the stack guard gap */
		gmm_stats.stack_grow++;
		vma->vm_start = addr & PAGE_MASK;
	}
	unsigned long need = exec ? VM_EXEC : write ? VM_WRITE : VM_READ;
	if (!(vma->vm_flags & need))
		return 1;
	return handle_mm_fault(mm, vma, addr & PAGE_MASK, write) ? 1 : 0;
}

bool access_ok(unsigned long addr, unsigned long len)
{
	if (!current || addr >= TASK_SIZE || len > TASK_SIZE - addr)
		return false;
	for (unsigned long a = addr & PAGE_MASK; a < addr + len; a += PAGE_SIZE) {
		struct vm_area_struct *v = find_vma(current->mm, a);
		if (!v || v->vm_start > a || !(v->vm_flags & VM_READ))
			return false;
	}
	return true;
}

/* ---- aging (a kswapd-like pass over every user page) ---- */

/* Marks every young user PTE old: the hardware PTE becomes 0 and the TLB
 * entry is flushed, so the next access takes the young fault again. */
static unsigned long age_mm(struct mm_struct *mm)
{
	unsigned long referenced = 0;
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		for (unsigned long addr = v->vm_start; addr < v->vm_end; addr += PAGE_SIZE) {
			pte_t *ptep = pte_lookup(mm, addr, false);
			if (!ptep) {
				addr |= PMD_SIZE - PAGE_SIZE; /* no PTE page: skip the slot */
				continue;
			}
			if (!pte_present(*ptep) || !(*ptep & L_PTE_YOUNG))
				continue;
			referenced++;
			set_pte_at(addr, ptep, *ptep & ~L_PTE_YOUNG);
			flush_tlb_page(mm, addr);
		}
	return referenced;
}

void age_user_pages(void)
{
	extern struct task_struct tasks[NR_TASKS];
	unsigned long referenced = 0;
	for (int i = 0; i < NR_TASKS; i++)
		if (tasks[i].state == TASK_RUNNING || tasks[i].state == TASK_WAITING)
			referenced += age_mm(tasks[i].mm);
	gmm_stats.aging_passes++;
	gmm_stats.aged += referenced;
}

/* ---- fork and exit ---- */

/* copy_page_range: the child shares every page; private writable pages
 * are write-protected in both (COW), and the child's PTEs start old, as
 * copy_one_pte makes them.  The parent's TLB entries may be writable, so
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
			if (!pte_present(*src))
				continue;
			pte_t *dst = pte_lookup(mm, addr, true);
			if (!dst)
				goto fail;
			if (v->vm_flags & VM_WRITE)
				set_pte_at(addr, src, *src | L_PTE_RDONLY);
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
		if (!pmd_none(*pmd))
			free_page((unsigned long)__va(*pmd & PAGE_MASK));
	}
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
	if (flags & MAP_FIXED) {
		if ((addr & ~PAGE_MASK) || addr < PAGE_SIZE || addr > TASK_SIZE - len)
			return -EINVAL;
		if (do_munmap(mm, addr, addr + len))
			return -ENOMEM;
	} else {
		addr = TASK_UNMAPPED_BASE;
		for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < addr + len;
		     v = v->vm_next)
			addr = v->vm_end > addr ? v->vm_end : addr;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
	}
	int err = insert_vm_area(mm, addr, addr + len, prot_to_vm(prot));
	return err ? err : (long)addr;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	if ((addr & ~PAGE_MASK) || !len || addr >= TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	return do_munmap(current->mm, addr, addr + PAGE_ALIGN(len));
}

/* Less permission always flushes the page; more needs no flush. */
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
	unsigned long flags = prot_to_vm(prot);
	for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < end; v = v->vm_next) {
		bool narrower = (v->vm_flags & ~flags) & (VM_READ | VM_WRITE | VM_EXEC);
		v->vm_flags = (v->vm_flags & VM_GROWSDOWN) | flags;
		for (unsigned long a = v->vm_start; a < v->vm_end; a += PAGE_SIZE) {
			pte_t *ptep = pte_lookup(mm, a, false);
			if (!ptep || !pte_present(*ptep))
				continue;
			pte_t keep = *ptep & (PAGE_MASK | L_PTE_YOUNG | L_PTE_DIRTY);
			/* A COW page stays write-protected until it is written. */
			pte_t cow = page_count(pfn_to_page(pte_pfn(*ptep))) > 1 ? L_PTE_RDONLY : 0;
			set_pte_at(a, ptep, keep | vm_get_page_prot(flags) | cow);
			if (narrower)
				flush_tlb_page(mm, a);
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

long sys_madvise(unsigned long addr, unsigned long len, int advice)
{
	if ((addr & ~PAGE_MASK) || advice != MADV_DONTNEED || addr >= TASK_SIZE ||
	    len > TASK_SIZE - addr)
		return -EINVAL;
	zap_page_range(current->mm, addr, addr + PAGE_ALIGN(len));
	return 0;
}
