/* vmalloc and ioremap (mm/vmalloc.c of the vmlist era, arch/arm/mm/
 * ioremap.c): kernel virtual areas in [VMALLOC_START, VMALLOC_END), kept
 * in an address-sorted list, each followed by one unmapped guard page.
 * Pages are mapped with small pages into swapper_pg_dir (init_mm) only;
 * other pgds pick new slots up through the translation fault path. */
#include "fw.h"
#include "gmm.h"

struct vm_struct *vmlist;

/* Inserts an area the boot code placed itself (the static device map). */
void vm_area_add_early(struct vm_struct *vm)
{
	struct vm_struct **p = &vmlist;
	while (*p && (*p)->addr < vm->addr)
		p = &(*p)->next;
	vm->next = *p;
	*p = vm;
}

/* First fit at align in [start, end) for size bytes plus the guard page. */
static struct vm_struct *__get_vm_area(unsigned long size, unsigned long align,
				       unsigned long flags, unsigned long start, unsigned long end)
{
	size = PAGE_ALIGN(size);
	if (!size)
		return 0;
	size += PAGE_SIZE;
	struct vm_struct *area = kzalloc(sizeof *area, GFP_KERNEL), **p, *tmp;
	if (!area)
		return 0;
	unsigned long addr = ALIGN(start, align);
	for (p = &vmlist; (tmp = *p); p = &tmp->next) {
		unsigned long t = (unsigned long)tmp->addr;
		if (t < addr) {
			if (t + tmp->size > addr)
				addr = ALIGN(t + tmp->size, align);
			continue;
		}
		if (addr + size <= t)
			break;
		addr = ALIGN(t + tmp->size, align);
		if (addr > end - size)
			goto fail;
	}
	if (addr + size < addr || addr > end - size)
		goto fail;
	area->next = *p;
	*p = area;
	area->addr = (void *)addr;
	area->size = size;
	area->flags = flags;
	return area;
fail:
	kfree(area);
	return 0;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return __get_vm_area(size, PAGE_SIZE, flags, VMALLOC_START, VMALLOC_END);
}

static unsigned long get_vm_area_size(const struct vm_struct *area)
{
	return area->size - PAGE_SIZE;
}

/* pte_alloc_kernel: the slot's PTE page, made on first use: a zeroed page
 * whose two hardware halves the slot's two L1 words point at. */
static pte_t *pte_alloc_kernel(pmd_t *pmd, unsigned long addr)
{
	if (pmd_none(*pmd)) {
		unsigned long pte = get_zeroed_page(GFP_KERNEL);
		if (!pte)
			return 0;
		__pmd_populate(pmd, __pa(pte), _PAGE_KERNEL_TABLE);
	}
	return pte_offset_kernel(pmd, addr);
}

/* Maps consecutive pages (pages[]) or a physical range (pages == 0) at
 * [addr, end) with prot. */
static int vmap_page_range(unsigned long addr, unsigned long end, pgprot_t prot,
			   struct page **pages, phys_addr_t phys)
{
	for (unsigned long i = 0; addr < end; i++, addr += PAGE_SIZE) {
		pte_t *pte = pte_alloc_kernel(pmd_off_k(addr), addr);
		if (!pte)
			return -1;
		unsigned long pfn = pages ? page_to_pfn(pages[i]) : __phys_to_pfn(phys) + i;
		set_pte_at(addr, pte, pfn_pte(pfn, prot));
	}
	return 0;
}

/* Clears the PTEs of [addr, end) and flushes them from the TLB; the PTE
 * pages stay (kernel page tables are never freed). */
static void vunmap_page_range(unsigned long addr, unsigned long end)
{
	for (unsigned long va = addr; va < end; va += PAGE_SIZE) {
		pte_t *pte = lookup_kernel_pte(va);
		if (pte)
			pte_clear(pte);
	}
	flush_tlb_kernel_range(addr, end);
}

static struct vm_struct *remove_vm_area(const void *addr)
{
	for (struct vm_struct **p = &vmlist; *p; p = &(*p)->next) {
		struct vm_struct *vm = *p;
		if (vm->addr != addr || (vm->flags & VM_ARM_STATIC_MAPPING))
			continue;
		*p = vm->next;
		vunmap_page_range((unsigned long)vm->addr, (unsigned long)vm->addr + get_vm_area_size(vm));
		return vm;
	}
	return 0;
}

static void free_area_pages(struct vm_struct *area, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		__free_page(area->pages[i]);
	kfree(area->pages); /* kfree(0) is fine */
}

/* vmalloc: an area of whole pages, each page separately allocated and
 * mapped kernel RW XN; 0 if memory or address space runs out. */
void *vmalloc(unsigned long size)
{
	struct vm_struct *area = get_vm_area(size, VM_ALLOC);
	if (!area)
		return 0;
	unsigned int nr = get_vm_area_size(area) >> PAGE_SHIFT, i;
	area->pages = kzalloc(nr * sizeof(struct page *), GFP_KERNEL);
	for (i = 0; area->pages && i < nr; i++) {
		area->pages[i] = alloc_page(GFP_KERNEL);
		if (!area->pages[i])
			break;
	}
	area->nr_pages = i;
	if (i < nr || vmap_page_range((unsigned long)area->addr,
				      (unsigned long)area->addr + get_vm_area_size(area),
				      PAGE_KERNEL, area->pages, 0)) {
		remove_vm_area(area->addr);
		free_area_pages(area, i);
		kfree(area);
		return 0;
	}
	return area->addr;
}

void vfree(const void *addr)
{
	if (!addr)
		return;
	struct vm_struct *area = remove_vm_area(addr);
	if (!area || !(area->flags & VM_ALLOC)) {
		printk("vfree: bad address %p\n", addr);
		return;
	}
	free_area_pages(area, area->nr_pages);
	kfree(area);
}

/* ioremap: device memory (never RAM) mapped with small pages, shareable
 * device, XN; the offset inside the first page is kept. */
void *ioremap(phys_addr_t phys, unsigned long size)
{
	phys_addr_t offset = phys & ~PAGE_MASK;
	phys_addr_t first = phys & PAGE_MASK;
	if (!size || memblock_is_memory(first, size + offset)) {
		printk("ioremap: refusing %p (+%lu): RAM or empty\n", (void *)phys, size);
		return 0;
	}
	size = PAGE_ALIGN(size + offset);
	struct vm_struct *area = get_vm_area(size, VM_IOREMAP);
	if (!area)
		return 0;
	area->phys_addr = first;
	unsigned long addr = (unsigned long)area->addr;
	if (vmap_page_range(addr, addr + size, PAGE_KERNEL_IO, 0, first)) {
		remove_vm_area(area->addr);
		kfree(area);
		return 0;
	}
	return (void *)(addr + offset);
}

void iounmap(void *addr)
{
	struct vm_struct *area = remove_vm_area((void *)((unsigned long)addr & PAGE_MASK));
	if (!area || !(area->flags & VM_IOREMAP)) {
		printk("iounmap: bad address %p\n", addr);
		return;
	}
	kfree(area);
}

struct page *vmalloc_to_page(const void *addr)
{
	pte_t *pte = lookup_kernel_pte((unsigned long)addr);
	return pte && pte_present(*pte) ? pfn_to_page(pte_pfn(*pte)) : 0;
}

/* Address space held by areas (guard pages included), as VmallocUsed. */
unsigned long vmalloc_used_bytes(void)
{
	unsigned long n = 0;
	for (struct vm_struct *vm = vmlist; vm; vm = vm->next)
		n += vm->size;
	return n;
}
