/* The workload table: what `mmuscope run --workload NAME` can select; the
 * first entry is the default. */
#include "fw.h"
#include "workloads.h"

const struct fw_workload fw_workloads[] = {
	{ "sweep", "touch N MB of lowmem page by page for P passes [N=16 P=4]", workload_sweep },
	{ "selftest", "exception paths: SVC, aborts, undefined, IRQ, ARM and Thumb", workload_selftest },
	{ "layout", "print the kernel memory layout, meminfo and memblock, then exit", workload_layout },
	{ "test-buddy", "guestmm: buddy split/merge, watermarks, exhaustion, kmalloc, no leak", workload_test_buddy },
	{ "test-memblock", "guestmm: memblock merge/split, reservations, top-down allocation", workload_test_memblock },
	{ "test-layout", "guestmm: layout numbers and the page tables paging_init built", workload_test_layout },
	{ "test-pte", "guestmm: set_pte_ext for every L_PTE combination, and every live PTE", workload_test_pte },
	{ "test-vmalloc", "guestmm: vmalloc, guard page, fault sync across pgds, ioremap, fixmap", workload_test_vmalloc },
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

int workload_sweep(const char *args)
{
	unsigned mb = parse_uint(&args, 16), passes = parse_uint(&args, 4);
	if (mb == 0 || mb > (RAM_SIZE >> 20) - 16) {
		printk("sweep: size must be 1..%u MB\n", (RAM_SIZE >> 20) - 16);
		return 2;
	}
	volatile uint32_t *base = (volatile uint32_t *)(PAGE_OFFSET + 0x01000000);
	uint32_t words = mb << 18, sum = 0, expect = 0;
	for (unsigned pass = 0; pass < passes; pass++) {
		for (uint32_t i = pass; i < words; i += 1024)
			base[i] = i * 2654435761u;
		for (uint32_t i = pass; i < words; i += 1024) {
			sum += base[i];
			expect += i * 2654435761u;
		}
	}
	printk("sweep: %u MB x %u passes, checksum %08lx\n", mb, passes, sum);
	return sum == expect ? 0 : 1;
}
