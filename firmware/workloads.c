/* The workload table: what `mmuscope run --workload NAME` can select; the
 * first entry is the default. */
#include "fw.h"
#include "guestmm/gmm.h"
#include "workloads.h"

const struct fw_workload fw_workloads[] = {
	{ "sweep", "touch MB of lowmem (or of the CMA area) page by page for PASSES passes "
		   "[MB=16 PASSES=4 cma]", workload_sweep },
	{ "selftest", "exception paths: SVC, aborts, undefined, IRQ, ARM and Thumb", workload_selftest },
	{ "layout", "print the kernel memory layout, meminfo and memblock, then exit", workload_layout },
	{ "test-buddy", "guestmm: buddy split/merge, watermarks, exhaustion, kmalloc, no leak", workload_test_buddy },
	{ "test-memblock", "guestmm: memblock merge/split, reservations, top-down allocation", workload_test_memblock },
	{ "test-layout", "guestmm: layout numbers and the page tables paging_init built", workload_test_layout },
	{ "test-pte", "guestmm: set_pte_ext for every L_PTE combination, and every live PTE "
		      "[print: each combination too]", workload_test_pte },
	{ "test-vmalloc", "guestmm: vmalloc, guard page, fault sync across pgds, ioremap, fixmap", workload_test_vmalloc },
	{ "test-stale-tlb", "a kernel PTE changed without a TLB flush, on purpose: one stale-TLB hazard",
	  workload_test_stale_tlb },
	{ "probe", "scenarios: 2 MB of lowmem, then the named accesses, each after a marker "
		   "[read write exec unaligned remap]", workload_probe },
	{ 0, 0, 0 },
};

unsigned parse_uint(const char **s, unsigned fallback)
{
	const char *p = *s;
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return fallback;
	unsigned v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	*s = p;
	return v;
}

#define SWEEP_BLOCK_ORDER (MAX_ORDER - 1) /* 4 MB, the buddy allocator's largest */
#define SWEEP_BLOCK_MB 4u
/* Lowmem never reaches past vmalloc_min (VMALLOC_END - 240 MB - 8 MB). */
#define SWEEP_MAX_BLOCKS ((VMALLOC_END - (240u << 20) - VMALLOC_OFFSET - PAGE_OFFSET) / \
			  (SWEEP_BLOCK_MB << 20))

/* The sweep's memory comes from the buddy allocator in 4 MB blocks of the
 * lowmem linear map, so it is mapped the way the lowmem layout says, and
 * it only touches memory it owns; with "cma" it is the CMA area instead
 * (small pages under every layout), as a contiguous allocation would get.
 * So MB is at most the lowmem outside the CMA area (q3f: 62 - 32 = 30 MB)
 * or the CMA area's size, and a request the allocator cannot meet in 4 MB
 * blocks is refused as well.  Each pass writes then reads one word per
 * page, starting one word further into the page each pass. */
int workload_sweep(const char *args)
{
	unsigned mb = parse_uint(&args, 16), passes = parse_uint(&args, 4);
	while (*args == ' ')
		args++;
	bool from_cma = !strcmp(args, "cma");
	unsigned long lowmem_mb = (arm_lowmem_limit - memblock.memory.regions[0].base - cma_size) >> 20;
	unsigned long cma_mb = cma_size >> 20;
	unsigned nblocks = (mb + SWEEP_BLOCK_MB - 1) / SWEEP_BLOCK_MB;
	if (mb == 0 || mb > (from_cma ? cma_mb : lowmem_mb) || passes == 0 || passes > 1024 ||
	    (*args && !from_cma)) {
		printk("sweep: usage MB PASSES [cma]: MB 1..%lu (1..%lu with cma), passes 1..1024\n",
		       lowmem_mb, cma_mb);
		return 2;
	}
	static struct page *block[SWEEP_MAX_BLOCKS];
	for (unsigned b = 0; b < nblocks && from_cma; b++)
		block[b] = pfn_to_page(__phys_to_pfn(cma_base) + b * (1u << SWEEP_BLOCK_ORDER));
	for (unsigned b = 0; b < nblocks && !from_cma; b++) {
		block[b] = alloc_pages(GFP_KERNEL, SWEEP_BLOCK_ORDER);
		if (!block[b]) {
			printk("sweep: only %u MB of 4 MB blocks free; ask for less\n", b * SWEEP_BLOCK_MB);
			while (b--)
				__free_pages(block[b], SWEEP_BLOCK_ORDER);
			return 2;
		}
	}
	uint32_t words = mb << 18, sum = 0, expect = 0;
	const uint32_t block_words = SWEEP_BLOCK_MB << 18;
#define SWEEP_WORD(i) (((volatile uint32_t *)page_address(block[(i) / block_words]))[(i) % block_words])
	for (unsigned pass = 0; pass < passes; pass++) {
		for (uint32_t i = pass % 1024; i < words; i += 1024)
			SWEEP_WORD(i) = i * 2654435761u;
		for (uint32_t i = pass % 1024; i < words; i += 1024) {
			sum += SWEEP_WORD(i);
			expect += i * 2654435761u;
		}
	}
#undef SWEEP_WORD
	for (unsigned b = 0; b < nblocks && !from_cma; b++)
		__free_pages(block[b], SWEEP_BLOCK_ORDER);
	printk("sweep: %u MB%s x %u passes, checksum %08lx\n", mb, from_cma ? " of CMA" : "",
	       passes, sum);
	return sum == expect ? 0 : 1;
}
