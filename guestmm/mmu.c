/* paging_init and the kernel page tables (arch/arm/mm/mmu.c, pgd.c,
 * proc-v7-2level.S).  swapper_pg_dir is edited in place, as Linux does:
 * head.S's temporary sections are replaced by the final map (lowmem
 * sections, the CMA area in small pages, the high vectors page, device
 * sections), then the whole TLB is flushed once. */
#include "fw.h"
#include "gmm.h"

/* The attributes of each boot-time mapping type (build_mem_type_table for
 * ARMv7 UP, write-back cache policy, TEX remap on as head.S sets it: the
 * memory type is n = TEX[0]:C:B into Linux's PRRR/NMRR, 3 write-back, 4
 * shared device).
 * prot_l1 is the L1 word of a PTE table, prot_sect of a 1 MB section, 0 =
 * the type is never mapped with sections. */
struct mem_type {
	pteval_t prot_pte;
	pmdval_t prot_l1;
	pmdval_t prot_sect;
};
static const struct mem_type mem_types[MT_NR] = {
	[MT_DEVICE] = {
		.prot_pte = PAGE_KERNEL_IO,
		.prot_l1 = PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_IO),
		.prot_sect = PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_XN | PMD_SECT_TEX(1) |
			     PMD_DOMAIN(DOMAIN_IO),
	},
	[MT_HIGH_VECTORS] = {
		.prot_pte = L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_USER | L_PTE_RDONLY |
			    L_PTE_MT_WRITEBACK,
		.prot_l1 = PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_VECTORS),
	},
	[MT_MEMORY_RWX] = {
		.prot_pte = L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_MT_WRITEBACK,
		.prot_l1 = PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_KERNEL),
		.prot_sect = PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_WB | PMD_DOMAIN(DOMAIN_KERNEL),
	},
	[MT_MEMORY_RW] = {
		.prot_pte = PAGE_KERNEL,
		.prot_l1 = PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_KERNEL),
		.prot_sect = PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_WB | PMD_SECT_XN |
			     PMD_DOMAIN(DOMAIN_KERNEL),
	},
	[MT_MEMORY_DMA_READY] = {
		.prot_pte = PAGE_KERNEL,
		.prot_l1 = PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_KERNEL),
	},
};

pgd_t *const swapper_pg_dir = (pgd_t *)(PAGE_OFFSET + SWAPPER_PG_DIR_OFF);
struct mm_struct init_mm = { .pgd = (pgd_t *)(PAGE_OFFSET + SWAPPER_PG_DIR_OFF) };
enum lowmem_layout lowmem_layout = LAYOUT_SECTIONS;

#define CACHE_LINE 32u
#define TTB_FLAGS_UP 0x59u
#define CR_V (1u << 13)

/* ---- cache and TLB maintenance ---- */

void clean_dcache_area(const void *start, unsigned long size)
{
	unsigned long p = (unsigned long)start & ~(CACHE_LINE - 1);
	for (; p < (unsigned long)start + size; p += CACHE_LINE)
		clean_dcache_line((const void *)p);
	dsb();
}

void flush_tlb_all(void)
{
	dsb();
	CP15_WRITE(c8, 0, c7, 0, 0u);  /* TLBIALL */
	CP15_WRITE(c7, 0, c5, 6, 0u);  /* BPIALL */
	dsb();
	isb();
}

/* One TLBIMVA per page, as v7wbi_flush_kern_tlb_range does. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	dsb();
	for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		CP15_WRITE(c8, 0, c7, 1, va);
	dsb();
	isb();
}

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

/* Code written through the lowmem alias must reach the I-side. */
static void flush_icache_range(unsigned long start, unsigned long end)
{
	for (unsigned long p = start & ~(CACHE_LINE - 1); p < end; p += CACHE_LINE)
		CP15_WRITE(c7, 0, c11, 1, p); /* DCCMVAU */
	dsb();
	CP15_WRITE(c7, 0, c5, 0, 0u);     /* ICIALLU */
	CP15_WRITE(c7, 0, c5, 6, 0u);     /* BPIALL */
	dsb();
	isb();
}

/* L1 words that head.S's sections make live -- among them the one that
 * maps this code, its stack and swapper_pg_dir itself -- are replaced so
 * that no access ever goes through a replaced TLB entry: one straight run
 * of stores, highest word first (the lowest is the one mapping
 * swapper_pg_dir when it is among them, so every store before it still
 * translates through an unchanged entry), and TLBIALL as the very next
 * instruction.  Then the words are cleaned and the TLB flushed once more:
 * a walker that does not snoop the D-cache may have refilled an old entry
 * in between (one that translates the same way, so harmlessly). */
static void set_live_pmd_pair(pmd_t *pmdp, pmdval_t even, pmdval_t odd)
{
	__asm__ volatile("str	%2, [%0, #4]\n\t"
			 "str	%1, [%0]\n\t"
			 "mcr	p15, 0, %0, c8, c7, 0" /* TLBIALL */
			 :: "r"(pmdp), "r"(even), "r"(odd) : "memory");
	clean_dcache_area(pmdp, 2 * sizeof(pmd_t));
	flush_tlb_all();
}

static void set_live_supersection(pmd_t *pmdp, pmdval_t val)
{
	__asm__ volatile(".irp	i, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0\n\t"
			 "str	%1, [%0, #\\i * 4]\n\t"
			 ".endr\n\t"
			 "mcr	p15, 0, %0, c8, c7, 0" /* TLBIALL */
			 :: "r"(pmdp), "r"(val) : "memory");
	clean_dcache_area(pmdp, 16 * sizeof(pmd_t));
	flush_tlb_all();
}

/* cpu_v7_set_pte_ext: the Linux PTE at ptep, its hardware form 2048 bytes
 * above: small page with AP[0] set; MT[2] becomes TEX[0] (MT[1:0] are B
 * and C already); APX when read-only or not dirty; AP[1] for user; XN;
 * and no hardware entry at all when the page is old, not present or
 * PROT_NONE.  The hardware word is cleaned for the table walker. */
void cpu_v7_set_pte_ext(pte_t *ptep, pte_t pte, unsigned int ext)
{
	pteval_t hw = (pte & ~(0x3F0u | PTE_TYPE_MASK)) | ext | PTE_EXT_AP0 | PTE_TYPE_SMALL;
	if (pte & (1u << 4))
		hw |= PTE_EXT_TEX(1);
	if ((pte & L_PTE_RDONLY) || !(pte & L_PTE_DIRTY))
		hw |= PTE_EXT_APX;
	if (pte & L_PTE_USER)
		hw |= PTE_EXT_AP1;
	if (pte & L_PTE_XN)
		hw |= PTE_EXT_XN;
	if (!(pte & L_PTE_YOUNG) || !(pte & L_PTE_VALID) || (pte & L_PTE_NONE))
		hw = 0;
	ptep[0] = pte;
	*pte_hw(ptep) = hw;
	clean_dcache_line(pte_hw(ptep));
}

/* A 64 KB large page.  Linux has no large PTE, so the Linux half keeps an
 * ordinary PTE per 4 KB (what pte_offset and the fault paths see) and the
 * hardware half holds the large-page descriptor 16 times, 16-aligned, as
 * the architecture requires: set_pte_ext's small-page word re-encoded
 * (TEX from [8:6] to [14:12], XN from bit 0 to bit 15). */
static void cpu_v7_set_large_pte_ext(pte_t *ptep, pte_t pte, unsigned int ext)
{
	for (unsigned i = 0; i < 16; i++)
		cpu_v7_set_pte_ext(ptep + i, pte + (i << PAGE_SHIFT), ext);
	pteval_t small = *pte_hw(ptep);
	if (!small)
		return;
	pteval_t large = (small & (LARGE_PAGE_MASK | PTE_EXT_NG | PTE_EXT_SHARED | PTE_EXT_APX |
				   PTE_EXT_AP1 | PTE_EXT_AP0 | PMD_SECT_WB)) |
			 ((small >> 6) & 7) << 12 | (small & PTE_EXT_XN) << 15 | PTE_TYPE_LARGE;
	for (unsigned i = 0; i < 16; i++) {
		*pte_hw(ptep + i) = large;
		clean_dcache_line(pte_hw(ptep + i));
	}
}

/* ---- boot-time mappings (create_mapping) ---- */

static void *early_alloc(unsigned long sz)
{
	void *p = __va(memblock_alloc(sz, sz));
	memset(p, 0, sz);
	return p;
}

/* The slot's PTE table is filled before it is installed (early_pte_install),
 * so a slot that still holds head.S's sections (layout=pages or large)
 * keeps translating while its table is built and is then replaced as a
 * live pair. */
static void alloc_init_pte(pmd_t *pmd, unsigned long addr, unsigned long end,
			   unsigned long pfn, const struct mem_type *type, bool large)
{
	bool install = !pmd_table(*pmd), live = !pmd_none(*pmd);
	pte_t *table = install ? early_alloc(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE)
			       : pte_offset_kernel(pmd, 0);
	pte_t *pte = table + pte_index(addr);
	do {
		if (large && !((addr | __pfn_to_phys(pfn)) & ~LARGE_PAGE_MASK) &&
		    end - addr >= LARGE_PAGE_SIZE) {
			cpu_v7_set_large_pte_ext(pte, pfn_pte(pfn, type->prot_pte), 0);
			pte += 16, pfn += 16, addr += LARGE_PAGE_SIZE;
			continue;
		}
		set_pte_ext(pte, pfn_pte(pfn, type->prot_pte), 0);
		pte++, pfn++, addr += PAGE_SIZE;
	} while (addr != end);
	if (!install)
		return;
	if (live) {
		pmdval_t pmdval = (__pa(table) + PTE_HWTABLE_OFF) | type->prot_l1;
		set_live_pmd_pair(pmd, pmdval, pmdval + 256 * sizeof(pte_t));
	} else {
		__pmd_populate(pmd, __pa(table), type->prot_l1);
	}
}

/* One L1 word per MB; a range starting on an odd MB starts on the odd word. */
static void __map_init_section(pmd_t *pmd, unsigned long addr, unsigned long end,
			       phys_addr_t phys, const struct mem_type *type)
{
	pmd_t *p = pmd;
	if (addr & SECTION_SIZE)
		pmd++;
	do {
		*pmd = phys | type->prot_sect;
		phys += SECTION_SIZE;
	} while (pmd++, addr += SECTION_SIZE, addr != end);
	flush_pmd_entry(p);
}

/* A slot whose VA, end and PA are all MB aligned gets sections (unless
 * the layout asks for pages); anything else gets a PTE table. */
static void alloc_init_pmd(pgd_t *pgd, unsigned long addr, unsigned long end,
			   phys_addr_t phys, const struct mem_type *type, enum lowmem_layout layout)
{
	pmd_t *pmd = pmd_offset(pgd);
	bool pages = layout == LAYOUT_PAGES || layout == LAYOUT_LARGE;
	if (!pages && type->prot_sect && !((addr | end | phys) & ~SECTION_MASK))
		__map_init_section(pmd, addr, end, phys, type);
	else
		alloc_init_pte(pmd, addr, end, __phys_to_pfn(phys), type, layout == LAYOUT_LARGE);
}

/* create_36bit_mapping's inner step: 16 identical L1 words for one 16 MB
 * supersection (domain 0: bits [8:5] would be PA[39:36]); over head.S's
 * sections they are written as live words. */
static void __map_init_supersection(pmd_t *pmd, phys_addr_t phys, const struct mem_type *type)
{
	pmdval_t val = (phys & SUPERSECTION_MASK) | (type->prot_sect & ~PMD_DOMAIN(15)) | PMD_SECT_SUPER;
	bool live = false;
	for (unsigned i = 0; i < 16; i++)
		live |= !pmd_none(pmd[i]);
	if (live) {
		set_live_supersection(pmd, val);
		return;
	}
	for (unsigned i = 0; i < 16; i++)
		pmd[i] = val;
	clean_dcache_area(pmd, 16 * sizeof(pmd_t));
}

/* Maps md into swapper_pg_dir one 2 MB slot at a time (16 MB at a time
 * where a supersection layout finds VA, PA and length aligned).  Nothing
 * may be mapped below TASK_SIZE except the vectors page. */
void create_mapping(const struct map_desc *md, enum lowmem_layout layout)
{
	const struct mem_type *type = &mem_types[md->type];
	if (md->virtual != VECTORS_BASE && md->virtual < TASK_SIZE) {
		printk("BUG: not creating mapping for %p at %p in user region\n",
		       (void *)__pfn_to_phys(md->pfn), (void *)md->virtual);
		return;
	}
	unsigned long addr = md->virtual & PAGE_MASK;
	phys_addr_t phys = __pfn_to_phys(md->pfn);
	unsigned long length = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));
	unsigned long end = addr + length;
	pgd_t *pgd = pgd_offset_k(addr);
	do {
		if (layout == LAYOUT_SUPERSECTIONS && type->prot_sect &&
		    !((addr | phys) & ~SUPERSECTION_MASK) && end - addr >= SUPERSECTION_SIZE) {
			__map_init_supersection(pmd_offset(pgd), phys, type);
			phys += SUPERSECTION_SIZE;
			addr += SUPERSECTION_SIZE;
			pgd += SUPERSECTION_SIZE / PGDIR_SIZE;
			continue;
		}
		unsigned long next = pgd_addr_end(addr, end);
		alloc_init_pmd(pgd, addr, next, phys, type, layout);
		phys += next - addr;
		addr = next;
		pgd++;
	} while (addr != end);
}

/* ---- paging_init ---- */

/* Clears every L1 slot below PAGE_OFFSET (the identity map and any user
 * entry) and from the end of the first lowmem bank up to VMALLOC_START. */
static void __init prepare_page_table(void)
{
	unsigned long addr;
	for (addr = 0; addr < PAGE_OFFSET; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
	phys_addr_t end = memblock.memory.regions[0].base + memblock.memory.regions[0].size;
	if (end >= arm_lowmem_limit)
		end = arm_lowmem_limit;
	for (addr = (unsigned long)__va(end); addr < VMALLOC_START; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
}

static void __init map_range(phys_addr_t start, phys_addr_t end, enum mem_type_idx type)
{
	struct map_desc map = {
		.virtual = (unsigned long)__va(start),
		.pfn = __phys_to_pfn(start),
		.length = end - start,
		.type = type,
	};
	create_mapping(&map, lowmem_layout);
}

/* Lowmem linear map: the MBs holding the kernel image up to __init_end
 * executable (MT_MEMORY_RWX), the rest of each bank XN (MT_MEMORY_RW). */
static void __init map_lowmem(void)
{
	/* The executable part is rounded to the layout's largest mapping, as
	 * CONFIG_ARM_KERNMEM_PERMS rounds it to sections. */
	unsigned long x_align = lowmem_layout == LAYOUT_SUPERSECTIONS ? SUPERSECTION_SIZE : SECTION_SIZE;
	phys_addr_t kernel_x_start = ALIGN_DOWN(__pa(_text), x_align);
	phys_addr_t kernel_x_end = ALIGN(__pa(__init_end), x_align);
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		phys_addr_t start = memblock.memory.regions[i].base;
		phys_addr_t end = start + memblock.memory.regions[i].size;
		if (end > arm_lowmem_limit)
			end = arm_lowmem_limit;
		if (start >= end)
			break;
		if (end <= kernel_x_start || start >= kernel_x_end) {
			map_range(start, end, MT_MEMORY_RW);
			continue;
		}
		if (start < kernel_x_start)
			map_range(start, kernel_x_start, MT_MEMORY_RW);
		map_range(kernel_x_start, kernel_x_end, MT_MEMORY_RWX);
		if (kernel_x_end < end)
			map_range(kernel_x_end, end, MT_MEMORY_RW);
	}
}

/* dma_contiguous_remap: the CMA area's sections are broken (both words of
 * each slot cleared, the range flushed from the TLB) before it is made
 * again with small pages, so no two translations ever coexist. */
/* Clearing part of a supersection would leave fewer than 16 copies
 * (UNPREDICTABLE), so each one the range touches is first broken (all 16
 * words cleared, its TLB entry removed: one TLBIMVA anywhere in it does)
 * and made again as 16 sections with the same attributes. */
static void __init split_supersections(unsigned long start, unsigned long end)
{
	for (unsigned long addr = start & SUPERSECTION_MASK; addr < end; addr += SUPERSECTION_SIZE) {
		pmd_t *pmd = pmd_off_k(addr);
		pmd_t old = pmd[0];
		if ((old & PMD_TYPE_MASK) != PMD_TYPE_SECT || !(old & PMD_SECT_SUPER))
			continue;
		for (unsigned i = 0; i < 16; i++)
			pmd[i] = 0;
		clean_dcache_area(pmd, 16 * sizeof(pmd_t));
		flush_tlb_kernel_page(addr);
		pmdval_t prot = old & ~(SUPERSECTION_MASK | 0x00F00000u | PMD_SECT_SUPER);
		for (unsigned i = 0; i < 16; i++)
			pmd[i] = ((old & SUPERSECTION_MASK) + i * SECTION_SIZE) | prot;
		clean_dcache_area(pmd, 16 * sizeof(pmd_t));
	}
}

static void __init dma_contiguous_remap(void)
{
	if (!cma_size)
		return;
	unsigned long start = (unsigned long)__va(cma_base), end = start + cma_size;
	split_supersections(start, end);
	for (unsigned long addr = start; addr < end; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
	flush_tlb_kernel_range(start, end);
	struct map_desc map = { start, __phys_to_pfn(cma_base), cma_size, MT_MEMORY_DMA_READY };
	create_mapping(&map, LAYOUT_SECTIONS); /* no section type: small pages */
}

/* The board's devices, one section each at IO_VIRT(pa) (its iotable). */
static const phys_addr_t board_io_phys[] = { UART_PHYS, TIMER_PHYS, GIC_DIST_PHYS, GIC_CPU_PHYS };

/* iotable_init: map each device section and record it as a static vm
 * area, so vmalloc never hands out its slot; the whole 2 MB slot is
 * recorded, as Linux's fill_pmd_gaps keeps the other half empty. */
static void __init iotable_init(void)
{
	for (unsigned i = 0; i < sizeof board_io_phys / sizeof board_io_phys[0]; i++) {
		phys_addr_t pa = board_io_phys[i] & SECTION_MASK;
		struct map_desc md = { IO_VIRT(pa), __phys_to_pfn(pa), SECTION_SIZE, MT_DEVICE };
		create_mapping(&md, LAYOUT_SECTIONS);
		unsigned long slot = md.virtual & PMD_MASK;
		bool known = false;
		for (struct vm_struct *vm = vmlist; vm; vm = vm->next)
			known |= (unsigned long)vm->addr == slot;
		if (known)
			continue;
		struct vm_struct *vm = __va(memblock_alloc(sizeof *vm, 8));
		memset(vm, 0, sizeof *vm);
		vm->addr = (void *)slot;
		vm->size = PMD_SIZE;
		vm->phys_addr = pa & PMD_MASK;
		vm->flags = VM_IOREMAP | VM_ARM_STATIC_MAPPING;
		vm_area_add_early(vm);
	}
}

extern char __vectors_start[], __vectors_end[];

/* devicemaps_init: clear everything from VMALLOC_START up (devices
 * included: nothing may print until they are back), map the vectors page
 * at 0xFFFF0000 with small pages (its PTE table also serves the fixmap),
 * map the devices, flush the TLB, then take exceptions at the high
 * vectors. */
static void __init devicemaps_init(void)
{
	void *vectors = early_alloc(PAGE_SIZE);
	memcpy(vectors, __vectors_start, (size_t)(__vectors_end - __vectors_start));
	flush_icache_range((unsigned long)vectors, (unsigned long)vectors + PAGE_SIZE);

	for (unsigned long addr = VMALLOC_START; addr; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
	struct map_desc map = { VECTORS_BASE, __phys_to_pfn(__pa(vectors)), PAGE_SIZE, MT_HIGH_VECTORS };
	create_mapping(&map, LAYOUT_SECTIONS);
	iotable_init();
	flush_tlb_all();
	CP15_WRITE(c1, 0, c0, 0, read_sctlr() | CR_V);
	isb();
}

struct page *empty_zero_page;

/* The early allocator may only hand out memory head.S mapped until
 * map_lowmem has run; then all of lowmem is usable.  The zero page is
 * taken before bootmem_init, as Linux's paging_init does, so it is never
 * the buddy allocator's. */
void __init paging_init(void)
{
	prepare_page_table();
	map_lowmem();
	memblock_set_current_limit(arm_lowmem_limit);
	dma_contiguous_remap();
	devicemaps_init();
	void *zero_page = early_alloc(PAGE_SIZE);
	bootmem_init();
	empty_zero_page = virt_to_page(zero_page);
}

/* ---- run time ---- */

pte_t *lookup_kernel_pte(unsigned long addr)
{
	pmd_t pmd = pmd_off_k(addr)[(addr >> SECTION_SHIFT) & 1];
	if (!pmd_table(pmd))
		return 0;
	return (pte_t *)__va(pmd & ~0x3FFu) - PTE_HWTABLE_PTRS + ((addr >> PAGE_SHIFT) & 255);
}

void __set_fixmap(unsigned int idx, phys_addr_t phys, pgprot_t prot)
{
	unsigned long vaddr = __fix_to_virt(idx);
	pte_t *pte = lookup_kernel_pte(vaddr);
	if (idx >= FIX_KMAP_NR || !pte) {
		printk("BUG: bad fixmap slot %u\n", idx);
		return;
	}
	set_pte_ext(pte, prot ? pfn_pte(__phys_to_pfn(phys), prot) : 0, 0);
	flush_tlb_kernel_page(vaddr);
}

/* pgd_alloc: 16 KB, naturally aligned (order 2): no user entries, the
 * kernel entries copied from swapper_pg_dir as they are now. */
pgd_t *pgd_alloc(void)
{
	pgd_t *pgd = (pgd_t *)__get_free_pages(GFP_KERNEL, 2);
	if (!pgd)
		return 0;
	memset(pgd, 0, USER_PTRS_PER_PGD * sizeof(pgd_t));
	memcpy(pgd + USER_PTRS_PER_PGD, swapper_pg_dir + USER_PTRS_PER_PGD,
	       (PTRS_PER_PGD - USER_PTRS_PER_PGD) * sizeof(pgd_t));
	clean_dcache_area(pgd, PTRS_PER_PGD * sizeof(pgd_t));
	return pgd;
}

void pgd_free(pgd_t *pgd)
{
	free_pages((unsigned long)pgd, 2);
}

/* TTBR0 <- pgd; kernel mappings are global, so no TLB maintenance. */
void cpu_switch_mm(pgd_t *pgd)
{
	CP15_WRITE(c2, 0, c0, 0, __pa(pgd) | TTB_FLAGS_UP);
	isb();
}

pgd_t *cpu_get_pgd(void)
{
	return __va(read_ttbr0() & ~0x3FFFu);
}
