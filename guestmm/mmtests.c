/* Guest tests of guestmm, as firmware workloads: each prints ok/FAIL lines
 * (selftest_expect) and returns 0 only when everything held.  Expected
 * values are derived here independently of the code under test: the
 * hardware PTE from the permission rule, buddy counts from how a split
 * and a merge must move blocks, layout numbers from the seed. */
#include "workloads.h"
#include "gmm.h"

#define EXPECT(what, got, want) \
	selftest_expect((uint32_t)(got) == (uint32_t)(want), what, (uint32_t)(got), (uint32_t)(want))

static int verdict(const char *name)
{
	printk("%s: %u failures\n", name, selftest_failures);
	return selftest_failures ? 1 : 0;
}

/* ---- set_pte_ext ---- */

/* The hardware small-page entry a Linux PTE must give, from the rule as
 * stated in ARM_NOTES §5: fault unless valid, young and not PROT_NONE;
 * else PFN, S, memory type n = MT[2:0] as TEX[0]:C:B, AP[2:0] = {read-only
 * or clean, user, 1}, XN, plus ext. */
static pteval_t expected_hw(pteval_t pte, pteval_t ext)
{
	if (!(pte & L_PTE_VALID) || !(pte & L_PTE_YOUNG) || (pte & L_PTE_NONE))
		return 0;
	unsigned mt = (pte >> 2) & 0xF;
	bool ro = (pte & L_PTE_RDONLY) || !(pte & L_PTE_DIRTY);
	return (pte & 0xFFFFF000u) | ((pte & L_PTE_SHARED) ? 0x400u : 0) | ext |
	       ((mt & 1) << 2) | (((mt >> 1) & 1) << 3) | (((mt >> 2) & 1) << 6) |
	       (ro ? 0x200u : 0) | ((pte & L_PTE_USER) ? 0x20u : 0) | 0x10u |
	       ((pte & L_PTE_XN) ? 1u : 0) | 2u;
}

/* The large-page entry of the 64 KB block a kernel Linux PTE lies in:
 * the small-page rule's fields at their large-page places (ARM_NOTES §2:
 * TEX [14:12], XN [15], type 01). */
static pteval_t expected_large(pteval_t pte)
{
	pteval_t small = expected_hw(pte, 0);
	if (!small)
		return 0;
	return (small & (0xFFFF0000u | 0xE3Cu)) | ((small >> 6) & 7) << 12 | (small & 1) << 15 | 1u;
}

static pteval_t hw_of(pte_t *table, pteval_t pte, pteval_t ext)
{
	set_pte_ext(table, pte, ext);
	EXPECT("set_pte_ext stores the Linux word", table[0], pte);
	return table[PTE_HWTABLE_PTRS];
}

/* Every live page entry of swapper_pg_dir agrees with the rule (kernel
 * PTEs carry no ext bits): small pages, except the large ones layout=large
 * makes of lowmem outside the CMA area.  Returns the number checked. */
static unsigned check_live_ptes(void)
{
	unsigned checked = 0, bad = 0;
	for (unsigned long mb = 0; mb < 4096; mb++) {
		pmd_t pmd = ((pmd_t *)swapper_pg_dir)[mb];
		if (!pmd_table(pmd))
			continue;
		phys_addr_t pa = __pa(mb << 20);
		bool large = lowmem_layout == LAYOUT_LARGE && mb << 20 >= PAGE_OFFSET &&
			     mb << 20 < (unsigned long)high_memory && pa - cma_base >= cma_size;
		pte_t *hw = __va(pmd & ~0x3FFu);
		for (unsigned i = 0; i < 256; i++) {
			pteval_t linux_pte = hw[i - PTE_HWTABLE_PTRS];
			checked += !pte_none(linux_pte);
			pteval_t want = large ? expected_large(linux_pte) : expected_hw(linux_pte, 0);
			if (hw[i] != want && bad++ < 4)
				printk("FAIL live pte %p: linux 0x%08lx hw 0x%08lx\n",
				       (void *)((mb << 20) | (i << 12)), linux_pte, hw[i]);
		}
	}
	selftest_expect(bad == 0, "every live kernel PTE matches the rule", bad, 0);
	return checked;
}

/* With "print", every combination is also printed as "pte LINUX EXT HW"
 * for the host to hold to its own statement of the rule (cli/pte.c). */
int workload_test_pte(const char *args)
{
	bool print = !strcmp(args, "print");
	if (*args && !print) {
		printk("test-pte: usage [print]\n");
		return 2;
	}
	pte_t *table = (pte_t *)get_zeroed_page(GFP_KERNEL);
	EXPECT("worked value: user anon RW dirty young XN", hw_of(table, 0x35F, PTE_EXT_NG), 0x87F);
	EXPECT("worked value: the same page clean", hw_of(table, 0x31F, PTE_EXT_NG), 0xA7F);
	EXPECT("worked value: vmalloc kernel RW XN", hw_of(table, 0x25F, 0), 0x05F);
	EXPECT("worked value: vectors", hw_of(table, 0x1CF, 0), 0x23E);
	EXPECT("worked value: old page", hw_of(table, 0x35D, PTE_EXT_NG), 0);
	EXPECT("worked value: PROT_NONE", hw_of(table, 0x35F | L_PTE_NONE, PTE_EXT_NG), 0);
	EXPECT("PFN kept", hw_of(table, 0x40123000u | 0x35F, PTE_EXT_NG), 0x4012387Fu);

	/* VALID YOUNG DIRTY RDONLY USER XN SHARED NONE x 16 memory types x nG. */
	static const pteval_t flag[8] = { L_PTE_VALID, L_PTE_YOUNG, L_PTE_DIRTY, L_PTE_RDONLY,
					  L_PTE_USER, L_PTE_XN, L_PTE_SHARED, L_PTE_NONE };
	unsigned cases = 0, bad = 0;
	for (unsigned combo = 0; combo < 256; combo++)
		for (unsigned mt = 0; mt < 16; mt++)
			for (unsigned ng = 0; ng < 2; ng++) {
				pteval_t pte = 0x43E1F000u | (mt << 2), ext = ng ? PTE_EXT_NG : 0;
				for (unsigned b = 0; b < 8; b++)
					if (combo & (1u << b))
						pte |= flag[b];
				set_pte_ext(table + (cases & 511), pte, ext);
				pteval_t got = table[(cases & 511) + PTE_HWTABLE_PTRS];
				if (print)
					printk("pte %08lx %lx %08lx\n", pte, ext, got);
				if (got != expected_hw(pte, ext) && bad++ < 4)
					printk("FAIL pte 0x%08lx ext 0x%lx: hw 0x%08lx, want 0x%08lx\n",
					       pte, ext, got, expected_hw(pte, ext));
				cases++;
			}
	selftest_expect(bad == 0, "set_pte_ext: all 8192 flag/type/nG combinations", bad, 0);
	EXPECT("combinations tried", cases, 8192);

	set_pte_at(0x00008000u, table, 0x35F);
	EXPECT("set_pte_at: a user address gets nG", table[PTE_HWTABLE_PTRS], 0x87F);
	set_pte_at(0xC0008000u, table, 0x35F);
	EXPECT("set_pte_at: a kernel address stays global", table[PTE_HWTABLE_PTRS], 0x07F);
	free_page((unsigned long)table);

	unsigned live = check_live_ptes();
	selftest_expect(live > 0, "live kernel PTEs found", live, 1);
	return verdict("test-pte");
}

/* ---- memblock ---- */

static bool regions_are(const struct memblock_type *t, unsigned n, const phys_addr_t *want)
{
	if (t->cnt != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (t->regions[i].base != want[2 * i] || t->regions[i].size != want[2 * i + 1])
			return false;
	return true;
}

int workload_test_memblock(const char *args)
{
	(void)args;
	struct memblock_region r[8];
	struct memblock_type t = { 0, 8, r, "scratch" };
	memblock_add_range(&t, 0x1000, 0x1000);
	memblock_add_range(&t, 0x3000, 0x1000);
	selftest_expect(regions_are(&t, 2, (const phys_addr_t[]){ 0x1000, 0x1000, 0x3000, 0x1000 }),
			"add: two disjoint regions", t.cnt, 2);
	memblock_add_range(&t, 0x2000, 0x1000);
	selftest_expect(regions_are(&t, 1, (const phys_addr_t[]){ 0x1000, 0x3000 }),
			"add: the gap filled merges all three", t.cnt, 1);
	memblock_remove_range(&t, 0x2000, 0x800);
	selftest_expect(regions_are(&t, 2, (const phys_addr_t[]){ 0x1000, 0x1000, 0x2800, 0x1800 }),
			"remove: a hole splits the region", t.cnt, 2);
	memblock_add_range(&t, 0x1800, 0x1800);
	selftest_expect(regions_are(&t, 1, (const phys_addr_t[]){ 0x1000, 0x3000 }),
			"add: an overlapping range merges", t.cnt, 1);
	memblock_remove_range(&t, 0, 0x10000);
	EXPECT("remove: everything", t.cnt, 0);

	const struct memblock_region *mem = &memblock.memory.regions[0];
	EXPECT("one memory bank", memblock.memory.cnt, 1);
	EXPECT("bank starts at PHYS_OFFSET", mem->base, PHYS_OFFSET);
#if defined(BOARD_Q3F)
	EXPECT("q3f bank is mem=62M", mem->size, 62u << 20);
	EXPECT("q3f DSP reserve at the lowmem limit", memblock_is_region_reserved(0x43E00000u, 0x180000u), 1);
#else
	EXPECT("vexpress bank is all of RAM", mem->size, RAM_SIZE);
#endif
	EXPECT("kernel image reserved", memblock_is_region_reserved(__pa(_text), _end - _text), 1);
	EXPECT("swapper_pg_dir reserved", memblock_is_region_reserved(__pa(swapper_pg_dir), 0x4000), 1);
	EXPECT("CMA area reserved", memblock_is_region_reserved(cma_base, cma_size), 1);
	EXPECT("CMA 8 MB aligned", cma_base & (SZ_8M - 1), 0);

	/* Free ranges inside lowmem are exactly what free_all_bootmem gave. */
	unsigned long free_pages = 0;
	phys_addr_t s, e, highest = 0;
	uint64_t idx = 0;
	while (memblock_next_free_range(&idx, &s, &e)) {
		s = ALIGN(s, PAGE_SIZE);
		e = ALIGN_DOWN(e < arm_lowmem_limit ? e : arm_lowmem_limit, PAGE_SIZE);
		if (e <= s)
			continue;
		free_pages += (e - s) >> PAGE_SHIFT;
		if (e > highest)
			highest = e;
	}
	EXPECT("free ranges = pages released at boot", free_pages, totalram_pages - totalcma_pages);

	/* Top-down allocation: the highest free page, and it round-trips. */
	phys_addr_t before = memblock_reserved_size();
	phys_addr_t pa = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	EXPECT("memblock_alloc takes the highest free page", pa, highest - PAGE_SIZE);
	EXPECT("allocation reserved", memblock_reserved_size(), before + PAGE_SIZE);
	memblock_free(pa, PAGE_SIZE);
	EXPECT("memblock_free gives it back", memblock_reserved_size(), before);
	return verdict("test-memblock");
}

/* ---- buddy allocator and kmalloc ---- */

struct snapshot {
	unsigned long nr_free[MAX_ORDER];
	unsigned long free, free_cma;
};

static struct zone *zone(void)
{
	return &NODE_DATA(0)->node_zones[ZONE_NORMAL];
}

static void snap(struct snapshot *s)
{
	for (unsigned o = 0; o < MAX_ORDER; o++)
		s->nr_free[o] = zone()->free_area[o].nr_free;
	s->free = zone()->nr_free_pages;
	s->free_cma = zone()->nr_free_cma_pages;
}

/* The zone's counts equal base with delta[o] added at each order. */
static void expect_counts(const char *what, const struct snapshot *base, const int *delta,
			  long free_delta)
{
	struct snapshot now;
	snap(&now);
	unsigned bad = 0;
	for (unsigned o = 0; o < MAX_ORDER; o++)
		if ((long)now.nr_free[o] != (long)base->nr_free[o] + (delta ? delta[o] : 0)) {
			printk("     order %u: %lu free blocks, want %ld\n", o, now.nr_free[o],
			       (long)base->nr_free[o] + (delta ? delta[o] : 0));
			bad++;
		}
	if ((long)now.free != (long)base->free + free_delta)
		bad++;
	selftest_expect(bad == 0, what, now.free, (uint32_t)((long)base->free + free_delta));
}

/* Unmovable order-0 pages until the allocator says no; chained through
 * their first word.  Returns how many. */
static unsigned long drain(gfp_t gfp, void **chain)
{
	unsigned long n = 0;
	for (void *p; (p = (void *)__get_free_page(gfp)); n++) {
		*(void **)p = *chain;
		*chain = p;
	}
	return n;
}

static void release(void *chain)
{
	while (chain) {
		void *next = *(void **)chain;
		free_page((unsigned long)chain);
		chain = next;
	}
}

int workload_test_buddy(const char *args)
{
	(void)args;
	struct snapshot base;
	snap(&base);
	EXPECT("no unmovable blocks before the first unmovable allocation",
	       list_empty(&zone()->free_area[0].free_list[MIGRATE_UNMOVABLE]), 1);

	/* The first unmovable page steals a MOVABLE order-10 block: one block
	 * of each order 9..0 is left over, and the pageblock changes type. */
	struct page *p0 = alloc_pages(GFP_KERNEL, 0);
	static const int split[MAX_ORDER] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1 };
	expect_counts("split order 10 -> 0 leaves one block per order", &base, split, -1);
	EXPECT("page has one reference", page_count(p0), 1);
	EXPECT("page is unmapped", p0->_mapcount, -1);
	EXPECT("stolen pageblock is now unmovable", get_pageblock_migratetype(p0), MIGRATE_UNMOVABLE);
	EXPECT("block is order-10 aligned", page_to_pfn(p0) & 1023, 0);

	struct page *p1 = alloc_pages(GFP_KERNEL, 0);
	struct page *p2 = alloc_pages(GFP_KERNEL, 1);
	struct page *p3 = alloc_pages(GFP_KERNEL, 3);
	EXPECT("next order-0 page is the buddy", page_to_pfn(p1), page_to_pfn(p0) ^ 1);
	EXPECT("order-1 block follows", page_to_pfn(p2), page_to_pfn(p0) + 2);
	EXPECT("order-3 block from the order-3 remainder", page_to_pfn(p3), page_to_pfn(p0) + 8);
	static const int taken[MAX_ORDER] = { 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, -1 };
	expect_counts("orders 0, 1, 3 taken from the remainders", &base, taken, -12);

	__free_pages(p0, 0);
	static const int one_back[MAX_ORDER] = { 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, -1 };
	expect_counts("free p0: its buddy is busy, no merge", &base, one_back, -11);
	__free_pages(p1, 0);
	static const int merged1[MAX_ORDER] = { 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, -1 };
	expect_counts("free p1: merges with p0 into order 1", &base, merged1, -10);
	__free_pages(p2, 1);
	__free_pages(p3, 3);
	static const int whole[MAX_ORDER] = { 0 };
	expect_counts("all freed: merged back into one order-10 block", &base, whole, 0);
	EXPECT("the order-10 block sits on the unmovable list",
	       list_empty(&zone()->free_area[10].free_list[MIGRATE_UNMOVABLE]), 0);

	EXPECT("order MAX_ORDER fails", alloc_pages(GFP_KERNEL, MAX_ORDER) == 0, 1);
	struct page *big = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	selftest_expect(big != 0, "order 10 allocation", big != 0, 1);
	__free_pages(big, MAX_ORDER - 1);
	expect_counts("order 10 round trip", &base, whole, 0);

	/* Double free is caught and leaks nothing into the lists. */
	unsigned long bad_before = nr_bad_pages;
	struct page *df = alloc_page(GFP_KERNEL);
	__free_page(df);
	printk("     (a Bad page state report follows on purpose)\n");
	__free_page(df);
	EXPECT("double free reported", nr_bad_pages, bad_before + 1);
	expect_counts("double free changes nothing", &base, whole, 0);

	/* Exhaustion: unmovable allocations stop when non-CMA free pages
	 * reach the min watermark; __GFP_HIGH may dig to half of it;
	 * movable ones still get CMA pages. */
	struct zone *z = zone();
	unsigned long non_cma = z->nr_free_pages - z->nr_free_cma_pages;
	unsigned long wmin = z->watermark[WMARK_MIN];
	EXPECT("watermarks from min_free_kbytes 1024", wmin, 256);
	EXPECT("low = min * 5/4", z->watermark[WMARK_LOW], 320);
	EXPECT("high = min * 3/2", z->watermark[WMARK_HIGH], 384);
	void *chain = 0;
	EXPECT("GFP_KERNEL pages until the min watermark", drain(GFP_KERNEL, &chain), non_cma - wmin);
	EXPECT("GFP_ATOMIC digs to half the min watermark", drain(GFP_ATOMIC, &chain), wmin - wmin / 2);
	struct page *mv = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	selftest_expect(mv && get_pageblock_migratetype(mv) == MIGRATE_CMA,
			"a movable page still comes, from CMA", mv != 0, 1);
	if (mv)
		__free_page(mv);
	release(chain);
	expect_counts("exhaustion and release: every page back, all merged", &base, whole, 0);

	/* kmalloc: size classes, objects inside their slab, no leak. */
	void *objs[16];
	static const unsigned sizes[16] = { 1, 24, 32, 33, 64, 100, 128, 200, 256, 500, 512,
					    1000, 1024, 2000, 2048, 10000 };
	for (unsigned i = 0; i < 16; i++) {
		objs[i] = kmalloc(sizes[i], GFP_KERNEL);
		memset(objs[i], 0xA5, sizes[i]);
	}
	EXPECT("kmalloc(24) comes from kmalloc-32", kmalloc_slab(24)->size, 32);
	EXPECT("kmalloc(2000) comes from kmalloc-2048", kmalloc_slab(2000)->size, 2048);
	EXPECT("kmalloc(10000) is an order-2 block", PageHead(virt_to_page(objs[15])), 1);
	EXPECT("two 32-byte objects share a slab", virt_to_page(objs[0]) == virt_to_page(objs[1]), 1);
	EXPECT("... 32 bytes apart", (char *)objs[1] - (char *)objs[0], 32);
	EXPECT("slab pages held: 7 classes + 4", slab_pages(), 11);
	for (unsigned i = 0; i < 16; i++)
		kfree(objs[i]);
	EXPECT("kfree all: no slab pages", slab_pages(), 0);
	void *many[200];
	for (unsigned i = 0; i < 200; i++)
		many[i] = kzalloc(64, GFP_KERNEL);
	EXPECT("200 x 64 B: 4 slabs", slab_pages(), 4);
	EXPECT("kzalloc zeroes", *(uint32_t *)many[199], 0);
	for (unsigned i = 0; i < 200; i++)
		kfree(many[i]);
	expect_counts("kmalloc leaves no page behind", &base, whole, 0);
	return verdict("test-buddy");
}

/* ---- the layout and the page tables paging_init built ---- */

static pmd_t l1(unsigned long va)
{
	return ((pmd_t *)swapper_pg_dir)[va >> SECTION_SHIFT];
}

/* Replication: every supersection word has its 15 siblings, identical. */
static unsigned count_supersections(void)
{
	unsigned found = 0;
	for (unsigned long va = PAGE_OFFSET; va < (unsigned long)high_memory; va += SUPERSECTION_SIZE) {
		pmd_t first = l1(va);
		if ((first & PMD_TYPE_MASK) != PMD_TYPE_SECT || !(first & PMD_SECT_SUPER))
			continue;
		found++;
		bool same = true;
		for (unsigned i = 1; i < 16; i++)
			same &= l1(va + i * SECTION_SIZE) == first;
		selftest_expect(same, "supersection: 16 identical L1 words", va, 1);
	}
	return found;
}

/* The PTE table of a lowmem MB: L1 word 0x001 (boot-time table, domain 0),
 * each 4 KB a Linux PTE pa | prot and its hardware twin, small or large. */
static unsigned check_pte_mb(phys_addr_t pa, pteval_t prot, bool large)
{
	unsigned long va = (unsigned long)__va(pa);
	if ((l1(va) & 0x3FF) != 0x001)
		return 1;
	pte_t *pte = lookup_kernel_pte(va);
	unsigned bad = 0;
	for (unsigned i = 0; i < 256; i++) {
		pteval_t linux_pte = (pa + i * PAGE_SIZE) | prot;
		pteval_t hw = large ? expected_large(linux_pte) : expected_hw(linux_pte, 0);
		bad += pte[i] != linux_pte || *pte_hw(pte + i) != hw;
	}
	return bad;
}

/* Every lowmem MB against what map_lowmem and dma_contiguous_remap must
 * leave under the layout in force: the kernel image's MBs (rounded to the
 * layout's largest mapping, as the sections are) executable, the rest XN;
 * supersections only for 16 MB blocks wholly in lowmem and clear of the
 * CMA area; the CMA area small pages.  Returns how many supersections
 * there must be. */
static unsigned check_lowmem_map(void)
{
	phys_addr_t base = memblock.memory.regions[0].base, limit = arm_lowmem_limit;
	bool supers = lowmem_layout == LAYOUT_SUPERSECTIONS;
	phys_addr_t x_align = supers ? SZ_16M : SZ_1M;
	phys_addr_t x_start = ALIGN_DOWN(__pa(_text), x_align), x_end = ALIGN(__pa(__init_end), x_align);
	unsigned bad = 0, found = 0;
	for (phys_addr_t pa = base; pa < limit; pa += SZ_1M) {
		bool x = pa >= x_start && pa < x_end;
		pmdval_t sect = x ? 0x40E : 0x41E;
		phys_addr_t block = pa & SUPERSECTION_MASK;
		unsigned wrong;
		if (pa - cma_base < cma_size)
			wrong = check_pte_mb(pa, 0x24F, false);
		else if (lowmem_layout == LAYOUT_PAGES || lowmem_layout == LAYOUT_LARGE)
			wrong = check_pte_mb(pa, x ? 0x04F : 0x24F, lowmem_layout == LAYOUT_LARGE);
		else if (supers && block >= base && block + SZ_16M <= limit &&
			 (block + SZ_16M <= cma_base || block >= cma_base + cma_size)) {
			wrong = l1((unsigned long)__va(pa)) != (block | PMD_SECT_SUPER | sect);
			found += pa == block;
		} else
			wrong = l1((unsigned long)__va(pa)) != (pa | sect);
		if (wrong && bad++ < 4)
			printk("FAIL lowmem MB %p: L1 0x%08lx, %u wrong\n", __va(pa),
			       l1((unsigned long)__va(pa)), wrong);
	}
	selftest_expect(bad == 0, "every lowmem MB mapped as the layout says", bad, 0);
	return found;
}

/* The lowmem map each layout= option gives, at the kernel's first MBs
 * (RWX, then RW XN); the CMA area is small pages under every layout. */
static void check_lowmem_layout(void)
{
	unsigned long va = PAGE_OFFSET + SZ_1M + 0x5000;
	pte_t *pte = lookup_kernel_pte(va);
	switch (lowmem_layout) {
	case LAYOUT_SECTIONS:
		EXPECT("kernel MB: section RWX", l1(PAGE_OFFSET), PHYS_OFFSET | 0x40E);
		EXPECT("next MB: section RW XN", l1(PAGE_OFFSET + SZ_1M), (PHYS_OFFSET + SZ_1M) | 0x41E);
		EXPECT("below CMA: section", l1((unsigned long)__va(cma_base) - SZ_1M),
		       (cma_base - SZ_1M) | 0x41E);
		break;
	case LAYOUT_PAGES:
		EXPECT("kernel MB: PTE table", l1(PAGE_OFFSET) & 3, PMD_TYPE_TABLE);
		EXPECT("next MB: small page, Linux PTE", pte ? *pte : 0, __pa(va & PAGE_MASK) | 0x24F);
		EXPECT("next MB: small page RW XN", pte ? *pte_hw(pte) : 0, __pa(va & PAGE_MASK) | 0x01F);
		break;
	case LAYOUT_SUPERSECTIONS:
		EXPECT("kernel 16 MB: supersection RWX", l1(PAGE_OFFSET), PHYS_OFFSET | PMD_SECT_SUPER | 0x40E);
		break;
	case LAYOUT_LARGE:
		EXPECT("kernel MB: PTE table", l1(PAGE_OFFSET) & 3, PMD_TYPE_TABLE);
		EXPECT("next MB: Linux PTE per 4 KB", pte ? *pte : 0, __pa(va & PAGE_MASK) | 0x24F);
		EXPECT("next MB: large page RW XN", pte ? *pte_hw(pte) : 0,
		       __pa(va & LARGE_PAGE_MASK) | 0x801D);
		bool same = pte != 0;
		pte_t *first = pte ? pte - ((va >> PAGE_SHIFT) & 15) : 0;
		for (unsigned i = 1; same && i < 16; i++)
			same = *pte_hw(first + i) == *pte_hw(first);
		selftest_expect(same, "large page: 16 identical hardware words", 0, 1);
		break;
	}
}

int workload_test_layout(const char *args)
{
	(void)args;
#if defined(BOARD_Q3F)
	EXPECT("lowmem limit (mem=62M)", arm_lowmem_limit, 0x43E00000u);
	EXPECT("high_memory", high_memory, 0xC3E00000u);
	EXPECT("VMALLOC_START", VMALLOC_START, 0xC4000000u);
	EXPECT("zone Normal spans 15872 pages", zone()->spanned_pages, 15872);
	EXPECT("min_low_pfn", min_low_pfn, 0x40000);
	EXPECT("max_low_pfn", max_low_pfn, 0x43E00);
	EXPECT("CMA base (seed)", cma_base, 0x41800000u);
	EXPECT("VmallocTotal 966656 kB", (VMALLOC_END - VMALLOC_START) >> 10, 966656);
#else
	EXPECT("lowmem limit: all RAM", arm_lowmem_limit, PHYS_OFFSET + RAM_SIZE);
	EXPECT("VMALLOC_START", VMALLOC_START, 0xC8800000u);
	EXPECT("zone Normal spans all RAM", zone()->spanned_pages, RAM_SIZE >> PAGE_SHIFT);
	EXPECT("CMA base: top 32 MB", cma_base, PHYS_OFFSET + RAM_SIZE - SZ_32M);
#endif
	EXPECT("CMA size", cma_size, SZ_32M);
	EXPECT("VMALLOC_END", VMALLOC_END, 0xFF000000u);
	EXPECT("modules", MODULES_VADDR, 0xBF800000u);
	EXPECT("fixmap start", FIXADDR_START, 0xFFF00000u);
	EXPECT("fixmap top", FIXADDR_TOP, 0xFFFE0000u);
	EXPECT("TASK_SIZE", TASK_SIZE, 0xBF000000u);

	EXPECT("identity map removed", l1(PHYS_OFFSET), 0);
	EXPECT("no user entries", l1(0x00100000u) | l1(0xBF800000u), 0);
	check_lowmem_layout();
	unsigned supers = check_lowmem_map(), replicated = count_supersections();
	EXPECT("supersections: just the expected ones", replicated, supers);
#if defined(BOARD_Q3F)
	/* The CMA area cuts the 2nd and 3rd 16 MB block, the 4th passes the
	 * lowmem limit: only the kernel's first 16 MB stays a supersection. */
	if (lowmem_layout == LAYOUT_SUPERSECTIONS)
		EXPECT("q3f: one supersection", supers, 1);
#endif
	unsigned long cma_va = (unsigned long)__va(cma_base);
	EXPECT("CMA: PTE table, domain 0", l1(cma_va) & 0x3FF, 0x001);
	EXPECT("CMA: odd MB is the next hardware table", l1(cma_va + SZ_1M) - l1(cma_va), 1024);
	EXPECT("CMA: table at +2048 of its PTE page", l1(cma_va) & 0xC00, 0x800);
	pte_t *pte = lookup_kernel_pte(cma_va + 0x5000);
	EXPECT("CMA page: Linux PTE", *pte, (cma_base + 0x5000) | 0x24F);
	EXPECT("CMA page: hardware PTE", *pte_hw(pte), (cma_base + 0x5000) | 0x01F);
	if (cma_base + cma_size < arm_lowmem_limit && lowmem_layout == LAYOUT_SECTIONS)
		EXPECT("after CMA: section", l1(cma_va + cma_size), (cma_base + cma_size) | 0x41E);
	EXPECT("lowmem ends at high_memory", l1((unsigned long)high_memory), 0);
	selftest_expect(l1((unsigned long)high_memory - SZ_1M) != 0, "last lowmem MB mapped",
			l1((unsigned long)high_memory - SZ_1M), 1);

	EXPECT("vectors slot: table in domain 3", l1(VECTORS_BASE) & 0x3FF, 0x061);
	pte = lookup_kernel_pte(VECTORS_BASE);
	EXPECT("vectors: Linux PTE MT_HIGH_VECTORS", *pte & 0xFFF, 0x1CF);
	EXPECT("vectors: hardware PTE user RO exec global", *pte_hw(pte) & 0xFFF, 0x23E);
	EXPECT("SCTLR.V: high vectors", (read_sctlr() >> 13) & 1, 1);
	extern char __vectors_start[];
	EXPECT("vectors page holds the vector table", *(uint32_t *)VECTORS_BASE,
	       *(uint32_t *)__vectors_start);
	/* Device sections: TEX[0] (0x1000: n = 4, shared device under TEX
	 * remap), AP[0] (0x400), domain 2 (0x40), XN (0x10), section (0x2). */
	EXPECT("UART section at IO_VIRT, domain 2", l1(IO_VIRT(UART_PHYS)),
	       (UART_PHYS & SECTION_MASK) | 0x1452);
	EXPECT("GIC section at IO_VIRT", l1(IO_VIRT(GIC_DIST_PHYS)), (GIC_DIST_PHYS & SECTION_MASK) | 0x1452);
	EXPECT("vmalloc space empty", l1(VMALLOC_START), 0);
	return verdict("test-layout");
}

/* ---- vmalloc, guard pages, the fault sync, ioremap, fixmap ---- */

static struct abort_record vm_abort;
static bool skip_access(struct fw_regs *regs, uint32_t far, uint32_t fsr)
{
	vm_abort.count++;
	vm_abort.far = far;
	vm_abort.fsr = fsr;
	regs->pc += 4; /* the single ldr/str of probe() */
	return true;
}

/* One load or store at va; an abort is recorded and the access skipped. */
static uint32_t probe(unsigned long va, bool write, uint32_t value)
{
	uint32_t v = 0xDEADDEADu;
	if (write)
		__asm__ volatile("str %1, [%0]" :: "r"(va), "r"(value) : "memory");
	else
		__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
	return v;
}

static unsigned vmalloc_slots(void)
{
	unsigned n = 0;
	for (unsigned long va = VMALLOC_START; va < VMALLOC_END; va += PMD_SIZE)
		n += pmd_table(*pmd_off_k(va));
	return n;
}

int workload_test_vmalloc(const char *args)
{
	(void)args;
	unsigned long free_before = nr_free_pages(), used_before = vmalloc_used_bytes();
	unsigned slots_before = vmalloc_slots();
	fw_data_abort_hook = skip_access;

	/* A pgd copied now lacks every vmalloc slot made later. */
	pgd_t *pgd = pgd_alloc();
	char *v = vmalloc(3 * PAGE_SIZE + 100);
	EXPECT("first area at VMALLOC_START", v, VMALLOC_START);
	EXPECT("its slot is absent from the new pgd", *pmd_offset(pgd_offset(pgd, (unsigned long)v)), 0);
	EXPECT("swapper slot: kernel PTE table", *pmd_off_k((unsigned long)v) & 0x3FF, 0x011);
	pte_t *pte = lookup_kernel_pte((unsigned long)v + PAGE_SIZE);
	phys_addr_t pa = page_to_phys(vmalloc_to_page(v + PAGE_SIZE));
	EXPECT("vmalloc PTE: PAGE_KERNEL", *pte, pa | 0x24F);
	EXPECT("vmalloc hardware PTE", *pte_hw(pte), pa | 0x01F);
	*(uint32_t *)page_address(vmalloc_to_page(v)) = 0x5EEDF00Du;

	cpu_switch_mm(pgd);
	EXPECT("read under the new pgd: the sync fault retried", probe((unsigned long)v, false, 0), 0x5EEDF00Du);
	EXPECT("no abort reached the workload", vm_abort.count, 0);
	EXPECT("slot copied from init_mm", *pmd_offset(pgd_offset(pgd, (unsigned long)v)),
	       *pmd_off_k((unsigned long)v));
	char *w = vmalloc(SZ_2M);
	unsigned long w_end = (unsigned long)w + SZ_2M - 4;
	EXPECT("a 2 MB area reaches the next slot", pmd_none(*pmd_offset(pgd_offset(pgd, w_end))), 1);
	probe(w_end, true, 0x12345678u);
	EXPECT("write under the new pgd: synced and done",
	       *(uint32_t *)((char *)page_address(vmalloc_to_page((void *)w_end)) + 0xFFC), 0x12345678u);
	probe(VMALLOC_END - 4 * SZ_1M, false, 0);
	EXPECT("a slot init_mm lacks too: bad area, to the workload", vm_abort.count, 1);
	EXPECT("... DFSR section translation", vm_abort.fsr & ~0xF0u, 0x005);
	cpu_switch_mm(swapper_pg_dir);
	pgd_free(pgd);

	probe((unsigned long)v + 4 * PAGE_SIZE, false, 0);
	EXPECT("guard page faults", vm_abort.count, 2);
	EXPECT("... DFAR", vm_abort.far, (unsigned long)v + 4 * PAGE_SIZE);
	EXPECT("... DFSR page translation, domain 0", vm_abort.fsr, 0x007);
	char *u = vmalloc(PAGE_SIZE);
	EXPECT("second area right after the first one's guard page", w, v + 4 * PAGE_SIZE + PAGE_SIZE);
	EXPECT("third area after the second one's guard page", u, w + SZ_2M + PAGE_SIZE);
	vfree(v);
	EXPECT("vfree clears the PTEs", *pte | *pte_hw(pte), 0);
	probe((unsigned long)v, false, 0);
	EXPECT("vfree'd address faults (TLB flushed)", vm_abort.count, 3);
	vfree(u);
	vfree(w);

	uint32_t *uart = ioremap(UART_PHYS, 0x1000);
	selftest_expect(uart != 0, "ioremap of the UART", uart != 0, 1);
	EXPECT("PL011 PeriphID0 through ioremap", uart[0xFE0 / 4], 0x11);
	pte = lookup_kernel_pte((unsigned long)uart);
	EXPECT("ioremap PTE: shareable device XN", *pte & 0xFFF, 0x653);
	EXPECT("ioremap hardware PTE", *pte_hw(pte), UART_PHYS | 0x453);
	iounmap(uart);
	EXPECT("ioremap refuses RAM", ioremap(PHYS_OFFSET + SZ_16M, PAGE_SIZE) == 0, 1);

	unsigned long page = get_zeroed_page(GFP_KERNEL);
	__set_fixmap(3, __pa(page), PAGE_KERNEL);
	*(volatile uint32_t *)__fix_to_virt(3) = 0xF1C5F1C5u;
	EXPECT("fixmap slot writes reach the page", *(uint32_t *)page, 0xF1C5F1C5u);
	__set_fixmap(3, 0, 0);
	probe(__fix_to_virt(3), false, 0);
	EXPECT("cleared fixmap slot faults", vm_abort.count, 4);
	free_page(page);

	fw_data_abort_hook = 0;
	EXPECT("every area released", vmalloc_used_bytes(), used_before);
	EXPECT("pages back, minus the kept PTE tables", nr_free_pages(),
	       free_before - (vmalloc_slots() - slots_before));
	return verdict("test-vmalloc");
}

/* `mmuscope layout`: the boot already printed the layout and meminfo;
 * this adds the memblock map and exits. */
int workload_layout(const char *args)
{
	(void)args;
	memblock_dump_all();
	return 0;
}

/* ---- a missing TLB flush, on purpose ---- */

/* The bug class the model's stale-TLB hazard counter exists for: a kernel
 * PTE is pointed at another page without flush_tlb_kernel_page.  Until the
 * flush, the architecture allows either page's value to be read (a TLB
 * may keep the old translation), so only the value after it is checked;
 * the model flags the read it serves from the changed descriptor (one
 * hazard in its counters).  Every shipped workload flushes what it
 * changes: this one is for tests of the hazard path (traces, replay). */
int workload_test_stale_tlb(const char *args)
{
	(void)args;
	unsigned long used_before = vmalloc_used_bytes();
	volatile uint32_t *v = vmalloc(PAGE_SIZE);
	struct page *other = alloc_page(GFP_KERNEL);
	if (!v || !other) {
		printk("test-stale-tlb: no memory\n");
		return 1;
	}
	*v = 0x01Du;                                   /* the TLB holds v now */
	*(uint32_t *)page_address(other) = 0x2E7u;
	pte_t *pte = lookup_kernel_pte((unsigned long)v), old = *pte;
	set_pte_ext(pte, pfn_pte(page_to_pfn(other), PAGE_KERNEL), 0); /* no flush */
	uint32_t either = *v;
	EXPECT("before the flush: the old page or the new one", either == 0x01Du || either == 0x2E7u, 1);
	flush_tlb_kernel_page((unsigned long)v);
	EXPECT("after the flush: the new page", *v, 0x2E7u);
	set_pte_ext(pte, old, 0);
	flush_tlb_kernel_page((unsigned long)v);
	EXPECT("the old mapping back", *v, 0x01Du);
	vfree((void *)v);
	__free_page(other);
	EXPECT("the area freed", vmalloc_used_bytes(), used_before);
	return verdict("test-stale-tlb");
}
