/* User address spaces' VMAs (mm/mmap.c): the VMA list sorted by address,
 * the page protection a VMA's flags give, and the mmap2, munmap and brk
 * system calls; mprotect.c and madvise.c change mappings that exist. */
#include "fw.h"
#include "gmm.h"

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
int split_vma(struct mm_struct *mm, unsigned long addr)
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

/* ---- system calls ---- */

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
