/* Boot-time memory setup (arch/arm/kernel/setup.c, arch/arm/mm/init.c,
 * drivers/base/dma-contiguous.c), in Linux's order: the RAM bank and the
 * mem= limit, the lowmem limit, memblock with its reservations, the CMA
 * area, paging_init, then the zone and the buddy allocator.
 *
 * Board rules:
 * - RAM: the bank the host reports through SYS_HEAPINFO (as ATAGs or the
 *   DT give Linux its memory); board.h's RAM_SIZE if the host does not.
 * - q3f: the bootloader passes mem=62M, the top 2 MB of the 64 MB bank
 *   belong to the DSP (1.5 MB memblock-reserved at the lowmem limit, seed
 *   000); so the default bank is RAM size - 2 MB.  vexpress: all of RAM.
 *   A mem= on the command line wins (clamped to the RAM that exists).
 * - lowmem ends at the bank end or at vmalloc_min (VMALLOC_END - 240 MB -
 *   8 MB), whichever is lower: there is no highmem.
 * - CMA: 32 MB (CONFIG_CMA_SIZE_MBYTES), halved until at least 16 MB of
 *   lowmem stays outside it (none below 8 MB); placed top-down under the
 *   lowmem limit, 8 MB aligned (seed 000: 0x41800000-0x43800000). */
#include "fw.h"
#include "semihost.h"
#include "gmm.h"

#define SYS_HEAPINFO 0x16
#define CMA_SIZE_DEFAULT SZ_32M
#define CMA_ALIGN SZ_8M
#define CMA_MIN_SIZE SZ_8M
#define CMA_MIN_LEFT SZ_16M
#if defined(BOARD_Q3F)
#define BOARD_RAM_HOLDBACK SZ_2M
#define DSP_RESERVE_SIZE 0x180000u
#else
#define BOARD_RAM_HOLDBACK 0u
#endif

phys_addr_t arm_lowmem_limit;
void *high_memory;
phys_addr_t cma_base, cma_size;

/* "62M", "64k", "0x100000": the size in bytes; *end after it. */
unsigned long memparse(const char *p, const char **end)
{
	unsigned long v = 0, base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (unsigned)((*p | 0x20) - 'a' + 10);
		else
			break;
		v = v * base + d;
	}
	switch (*p) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; p++; break;
	default: break;
	}
	*end = p;
	return v;
}

/* The value of a "name=" word of the command line (words are separated
 * by spaces, or commas as in a workload's arguments), or 0. */
const char *early_param(const char *cmdline, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ' || p[-1] == ',') && !strncmp(p, name, n))
			return p + n;
	return 0;
}

static bool param_is(const char *value, const char *word)
{
	size_t n = strlen(word);
	return !strncmp(value, word, n) && (value[n] == 0 || value[n] == ' ');
}

/* The RAM bank: it starts at the board's PHYS_OFFSET and ends where the
 * host's heap ends.  SYS_HEAPINFO gives {heap base, heap limit, stack
 * base, stack limit}; qemu-system-arm puts the heap in the largest gap
 * its loaded images leave in RAM, up to RAM's end, and says 0 for the
 * stack limit, so only the heap limit tells the bank's size. */
static void __init host_ram_bank(phys_addr_t *base, phys_addr_t *size)
{
	uint32_t info[4] = { 0, 0, 0, 0 };
	uint32_t *block = info;
	semihost_call(SYS_HEAPINFO, &block);
	*base = PHYS_OFFSET;
	if (info[1] > PHYS_OFFSET + SZ_1M && info[1] - PHYS_OFFSET <= SZ_1G)
		*size = (info[1] - PHYS_OFFSET) & PAGE_MASK;
	else
		*size = RAM_SIZE;
}

static void __init parse_early_params(const char *cmdline, phys_addr_t *size)
{
	const char *v = early_param(cmdline, "mem="), *end;
	if (v) {
		phys_addr_t mem = memparse(v, &end) & PAGE_MASK;
		if (mem && mem < *size)
			*size = mem;
	}
	static const char *const layouts[] = {
		[LAYOUT_SECTIONS] = "sections", [LAYOUT_PAGES] = "pages",
		[LAYOUT_SUPERSECTIONS] = "supersections", [LAYOUT_LARGE] = "large",
	};
	v = early_param(cmdline, "layout=");
	if (!v)
		return;
	for (unsigned i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if (param_is(v, layouts[i])) {
			lowmem_layout = (enum lowmem_layout)i;
			return;
		}
	printk("layout=: unknown (sections, pages, supersections, large)\n");
	fw_exit(2); /* bad input, like an unknown workload */
}

/* dma_contiguous_reserve: the CMA area, top-down below limit. */
static void __init dma_contiguous_reserve(phys_addr_t limit)
{
	phys_addr_t lowmem = limit - memblock.memory.regions[0].base;
	phys_addr_t size = CMA_SIZE_DEFAULT;
	while (size >= CMA_MIN_SIZE && lowmem < size + CMA_MIN_LEFT)
		size >>= 1;
	if (size < CMA_MIN_SIZE)
		return;
	cma_base = memblock_alloc_base(size, CMA_ALIGN, limit);
	cma_size = size;
}

/* arm_memblock_init: the bank, then what is already taken. */
static void __init arm_memblock_init(phys_addr_t base, phys_addr_t size)
{
	memblock_add(base, size);
	memblock_reserve(__pa(_text), (phys_addr_t)(_end - _text));
	memblock_reserve(__pa(swapper_pg_dir), PTRS_PER_PGD * sizeof(pgd_t));
#if defined(BOARD_Q3F)
	memblock_reserve(arm_lowmem_limit, DSP_RESERVE_SIZE);
#endif
	dma_contiguous_reserve(arm_lowmem_limit);
}

void __init gmm_setup_arch(const char *cmdline)
{
	phys_addr_t base, size;
	host_ram_bank(&base, &size);
	size -= BOARD_RAM_HOLDBACK;
	parse_early_params(cmdline, &size);

	/* sanity_check_meminfo */
	phys_addr_t vmalloc_limit = __pa(VMALLOC_END - (240u << 20) - VMALLOC_OFFSET);
	arm_lowmem_limit = base + size < vmalloc_limit ? base + size : vmalloc_limit;
	high_memory = (char *)__va(arm_lowmem_limit - 1) + 1;
	memblock_set_current_limit(arm_lowmem_limit < PHYS_OFFSET + RAM_SIZE ?
				   arm_lowmem_limit : PHYS_OFFSET + RAM_SIZE);

	arm_memblock_init(base, size);
	paging_init();
}

/* bootmem_init: lowmem pfns [min_low_pfn, max_low_pfn) form one Normal
 * zone (find_limits; free_area_init_node). */
void __init bootmem_init(void)
{
	min_low_pfn = __phys_to_pfn(memblock.memory.regions[0].base + PAGE_SIZE - 1);
	max_low_pfn = __phys_to_pfn(arm_lowmem_limit);
	free_area_init_node(min_low_pfn, max_low_pfn);
}

/* cma_init_reserved_areas: the CMA pageblocks join the buddy allocator. */
static void __init cma_init_reserved_areas(void)
{
	for (phys_addr_t pa = cma_base; pa < cma_base + cma_size; pa += pageblock_nr_pages << PAGE_SHIFT)
		init_cma_reserved_pageblock(pfn_to_page(__phys_to_pfn(pa)));
}

void __init gmm_mm_init(void)
{
	free_all_bootmem();
	mem_init_print_info();
	show_kernel_layout();
	cma_init_reserved_areas();
	setup_per_zone_wmarks();
	kmem_cache_init();
	show_meminfo();
}
