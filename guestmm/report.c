/* What the kernel says about its memory: the "Memory:" line and the
 * "Virtual kernel memory layout:" block of mem_init (3.x format: kB for
 * vector and fixmap, MB for the big ranges, sections in kB rounded up),
 * and a /proc/meminfo + zoneinfo + buddyinfo + pagetypeinfo digest. */
#include "fw.h"
#include "gmm.h"

#define KB(bytes) ((unsigned long)(bytes) >> 10)
#define MB(bytes) ((unsigned long)(bytes) >> 20)
#define KB_UP(bytes) (((unsigned long)(bytes) + 1023) >> 10)
#define PAGES_KB(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))

/* mem_init_print_info, before the CMA pages join: "available" is what
 * free_all_bootmem released, "reserved" the rest outside CMA. */
void mem_init_print_info(void)
{
	unsigned long physpages = NODE_DATA(0)->node_present_pages;
	unsigned long cma_pages = cma_size >> PAGE_SHIFT;
	printk("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK init, "
	       "%luK bss, %luK reserved, %luK cma-reserved)\n",
	       PAGES_KB(totalram_pages), PAGES_KB(physpages), KB(_etext - _text),
	       KB(_edata - _sdata), KB(__init_end - __init_begin), KB(__bss_end - __bss_start),
	       PAGES_KB(physpages - totalram_pages - cma_pages), PAGES_KB(cma_pages));
}

static void layout_line(const char *name, unsigned long b, unsigned long t, unsigned long size,
			const char *unit)
{
	printk("%s : 0x%08lx - 0x%08lx   (%4lu %s)\n", name, b, t, size, unit);
}

void show_kernel_layout(void)
{
	unsigned long vs = VMALLOC_START, lo = (unsigned long)high_memory;
	printk("Virtual kernel memory layout:\n");
	layout_line("    vector ", VECTORS_BASE, VECTORS_BASE + PAGE_SIZE, KB(PAGE_SIZE), "kB");
	layout_line("    fixmap ", FIXADDR_START, FIXADDR_TOP, KB(FIXADDR_TOP - FIXADDR_START), "kB");
	layout_line("    vmalloc", vs, VMALLOC_END, MB(VMALLOC_END - vs), "MB");
	layout_line("    lowmem ", PAGE_OFFSET, lo, MB(lo - PAGE_OFFSET), "MB");
	layout_line("    modules", MODULES_VADDR, MODULES_END, MB(MODULES_END - MODULES_VADDR), "MB");
#define SECTION_LINE(name, b, t) \
	layout_line(name, (unsigned long)(b), (unsigned long)(t), KB_UP((t) - (b)), "kB")
	SECTION_LINE("      .text", _text, _etext);
	SECTION_LINE("      .init", __init_begin, __init_end);
	SECTION_LINE("      .data", _sdata, _edata);
	SECTION_LINE("       .bss", __bss_start, __bss_end);
#undef SECTION_LINE
}

/* /proc/buddyinfo and /proc/pagetypeinfo for the zone. */
void show_free_areas(void)
{
	static const char *const padded[MIGRATE_TYPES] = {
		"   Unmovable", " Reclaimable", "     Movable", "     Reserve", "         CMA",
	};
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	printk("Node 0, zone   %s", z->name);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		printk(" %6lu", z->free_area[o].nr_free);
	printk("\nFree pages count per migrate type at order       ");
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		printk(" %5u", o);
	printk("\n");
	for (int t = 0; t < MIGRATE_TYPES; t++) {
		printk("Node    0, zone   %s, type %s", z->name, padded[t]);
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			unsigned long n = 0;
			for (struct list_head *l = z->free_area[o].free_list[t].next;
			     l != &z->free_area[o].free_list[t]; l = l->next)
				n++;
			printk(" %5lu", n);
		}
		printk("\n");
	}
}

void show_meminfo(void)
{
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	printk("MemTotal:       %8lu kB\n", PAGES_KB(totalram_pages));
	printk("MemFree:        %8lu kB\n", PAGES_KB(nr_free_pages()));
	printk("Slab:           %8lu kB\n", PAGES_KB(slab_pages()));
	printk("VmallocTotal:   %8lu kB\n", KB(VMALLOC_END - VMALLOC_START));
	printk("VmallocUsed:    %8lu kB\n", KB(vmalloc_used_bytes()));
	printk("CmaTotal:       %8lu kB\n", PAGES_KB(totalcma_pages));
	printk("CmaFree:        %8lu kB\n", PAGES_KB(z->nr_free_cma_pages));
	printk("Node 0, zone   %s\n  pages free     %lu\n        min      %lu\n"
	       "        low      %lu\n        high     %lu\n        spanned  %lu\n"
	       "        present  %lu\n        managed  %lu\n",
	       z->name, z->nr_free_pages, z->watermark[WMARK_MIN], z->watermark[WMARK_LOW],
	       z->watermark[WMARK_HIGH], z->spanned_pages, z->present_pages, z->managed_pages);
	show_free_areas();
}
