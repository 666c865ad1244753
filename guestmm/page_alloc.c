/* The page allocator (mm/page_alloc.c): mem_map, the zone, its pageblock
 * migrate types and watermarks, and the binary buddy allocator with free
 * lists per order (0..MAX_ORDER-1) and per migrate type.  Deliberately
 * without per-cpu page lists (one CPU, and exact free counts are what the
 * tests check): order-0 pages go straight to and from the buddy lists.
 * Free blocks are added at the head of their list (no tail placement). */
#include "fw.h"
#include "gmm.h"

pg_data_t contig_page_data;
struct page *mem_map;
unsigned long min_low_pfn, max_low_pfn;
unsigned long totalram_pages, totalcma_pages;
int min_free_kbytes = 1024;
unsigned long nr_bad_pages;

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Reclaimable", "Movable", "Reserve", "CMA",
};

/* Where an allocation of each type falls back to, in order (seed 000). */
static const int fallbacks[MIGRATE_TYPES][4] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_RESERVE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RESERVE },
	[MIGRATE_MOVABLE] = { MIGRATE_CMA, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_RESERVE },
	[MIGRATE_RESERVE] = { MIGRATE_RESERVE },
	[MIGRATE_CMA] = { MIGRATE_RESERVE },
};

#define PAGE_FLAGS_CHECK ((1ul << PG_reserved) | (1ul << PG_slab) | (1ul << PG_head) | \
			  (1ul << PG_lru) | (1ul << PG_active) | (1ul << PG_lazyfree))

static struct zone *normal_zone(void)
{
	return &NODE_DATA(0)->node_zones[ZONE_NORMAL];
}

static bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < z->zone_start_pfn + z->spanned_pages;
}

int get_pageblock_migratetype(const struct page *page)
{
	const struct zone *z = page_zone(page);
	return z->pageblock_flags[(page_to_pfn(page) - z->zone_start_pfn) >> pageblock_order];
}

static void set_pageblock_migratetype(struct page *page, int migratetype)
{
	struct zone *z = page_zone(page);
	z->pageblock_flags[(page_to_pfn(page) - z->zone_start_pfn) >> pageblock_order] =
		(unsigned char)migratetype;
}

static void set_page_order(struct page *page, unsigned int order)
{
	page->private = order;
	page->_mapcount = PAGE_BUDDY_MAPCOUNT_VALUE;
}

static void rmv_page_order(struct page *page)
{
	page->_mapcount = -1;
	page->private = 0;
}

static void account_free(struct zone *z, long nr, int migratetype)
{
	z->nr_free_pages += nr;
	if (migratetype == MIGRATE_CMA)
		z->nr_free_cma_pages += nr;
}

static void bad_page(struct page *page, const char *reason)
{
	printk("BUG: Bad page state: pfn 0x%lx refcount %d mapcount %d flags 0x%lx: %s\n",
	       page_to_pfn(page), page->_refcount, page->_mapcount, page->flags, reason);
	nr_bad_pages++;
}

/* ---- boot: mem_map and the zone (free_area_init_node) ---- */

/* Sizes the node and its one zone over [start_pfn, end_pfn), allocates
 * mem_map and the pageblock map from memblock, and makes every page
 * Reserved with one reference and no mapping (memmap_init_zone); every
 * pageblock starts MOVABLE.  free_all_bootmem later releases the free ones. */
void __init free_area_init_node(unsigned long start_pfn, unsigned long end_pfn)
{
	pg_data_t *pgdat = NODE_DATA(0);
	struct zone *z = normal_zone();
	unsigned long spanned = end_pfn - start_pfn, present = 0;
	phys_addr_t fs, fe;
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		fs = memblock.memory.regions[i].base;
		fe = fs + memblock.memory.regions[i].size;
		unsigned long s = __phys_to_pfn(fs), e = __phys_to_pfn(fe);
		if (s < start_pfn)
			s = start_pfn;
		if (e > end_pfn)
			e = end_pfn;
		if (e > s)
			present += e - s;
	}
	pgdat->node_start_pfn = start_pfn;
	pgdat->node_spanned_pages = spanned;
	pgdat->node_present_pages = present;
	pgdat->nr_zones = MAX_NR_ZONES;
	mem_map = __va(memblock_alloc(PAGE_ALIGN(spanned * sizeof(struct page)), PAGE_SIZE));
	pgdat->node_mem_map = mem_map;

	z->name = "Normal";
	z->zone_pgdat = pgdat;
	z->zone_start_pfn = start_pfn;
	z->spanned_pages = spanned;
	z->present_pages = present;
	unsigned long blocks = (spanned + pageblock_nr_pages - 1) >> pageblock_order;
	z->pageblock_flags = __va(memblock_alloc(ALIGN(blocks, 64ul), 64));
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		for (int t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[t]);
		z->free_area[o].nr_free = 0;
	}
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		page->flags = ((unsigned long)ZONE_NORMAL << ZONES_PGSHIFT) | (1ul << PG_reserved);
		page->_refcount = 1;
		page->_mapcount = -1;
		page->private = 0;
		page->freelist = 0;
		page->inuse = 0;
		INIT_LIST_HEAD(&page->lru);
		if (!((pfn - start_pfn) & (pageblock_nr_pages - 1)))
			set_pageblock_migratetype(page, MIGRATE_MOVABLE);
	}
}

/* ---- the buddy allocator ---- */

static bool page_is_buddy(const struct zone *z, const struct page *buddy, unsigned int order)
{
	return zone_spans_pfn(z, page_to_pfn(buddy)) && PageBuddy(buddy) && buddy->private == order;
}

/* Frees a 2^order block: while its buddy (the block whose pfn differs in
 * bit `order`) is free at the same order, take the buddy off its list and
 * merge; the result goes on the free list of migratetype. */
static void __free_one_page(struct page *page, struct zone *z, unsigned int order, int migratetype)
{
	unsigned long pfn = page_to_pfn(page);
	account_free(z, 1l << order, migratetype);
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1ul << order);
		if (!zone_spans_pfn(z, buddy_pfn))
			break;
		struct page *buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(z, buddy, order))
			break;
		list_del(&buddy->lru);
		z->free_area[order].nr_free--;
		rmv_page_order(buddy);
		pfn &= buddy_pfn;
		order++;
	}
	page = pfn_to_page(pfn);
	set_page_order(page, order);
	list_add(&page->lru, &z->free_area[order].free_list[migratetype]);
	z->free_area[order].nr_free++;
}

/* Splits a 2^high block down to 2^low, putting the upper halves back on
 * the free lists of migratetype. */
static void expand(struct zone *z, struct page *page, unsigned int low, unsigned int high,
		   int migratetype)
{
	unsigned long size = 1ul << high;
	while (high > low) {
		high--;
		size >>= 1;
		list_add(&page[size].lru, &z->free_area[high].free_list[migratetype]);
		z->free_area[high].nr_free++;
		set_page_order(&page[size], high);
	}
}

static struct page *__rmqueue_smallest(struct zone *z, unsigned int order, int migratetype)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];
		if (list_empty(&area->free_list[migratetype]))
			continue;
		struct page *page = list_entry(area->free_list[migratetype].next, struct page, lru);
		list_del(&page->lru);
		rmv_page_order(page);
		area->nr_free--;
		expand(z, page, order, o, migratetype);
		return page;
	}
	return 0;
}

/* Moves the free blocks of [start, end] pfns onto migratetype's lists;
 * returns how many pages moved. */
static unsigned long move_freepages(struct zone *z, unsigned long start, unsigned long end,
				    int migratetype)
{
	unsigned long moved = 0;
	for (unsigned long pfn = start; pfn <= end;) {
		struct page *page = pfn_to_page(pfn);
		if (!PageBuddy(page)) {
			pfn++;
			continue;
		}
		unsigned int order = page->private;
		list_del(&page->lru);
		list_add(&page->lru, &z->free_area[order].free_list[migratetype]);
		pfn += 1ul << order;
		moved += 1ul << order;
	}
	return moved;
}

static unsigned long move_freepages_block(struct zone *z, struct page *page, int migratetype)
{
	unsigned long start = page_to_pfn(page) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages - 1;
	if (start < z->zone_start_pfn)
		start = z->zone_start_pfn;
	if (end >= z->zone_start_pfn + z->spanned_pages)
		end = z->zone_start_pfn + z->spanned_pages - 1;
	return move_freepages(z, start, end, migratetype);
}

/* Takes the largest block of another type (fallbacks order, RESERVE and
 * CMA excepted as Linux does): a large one (>= half a pageblock) makes its
 * whole pageblock change hands, claimed for good when over half of it was
 * free; CMA pageblocks never change type. */
static struct page *__rmqueue_fallback(struct zone *z, unsigned int order, int start_type)
{
	for (int o = MAX_ORDER - 1; o >= (int)order; o--) {
		struct free_area *area = &z->free_area[o];
		for (int i = 0;; i++) {
			int mt = fallbacks[start_type][i];
			if (mt == MIGRATE_RESERVE)
				break;
			if (list_empty(&area->free_list[mt]))
				continue;
			struct page *page = list_entry(area->free_list[mt].next, struct page, lru);
			area->nr_free--;
			if (mt != MIGRATE_CMA &&
			    (o >= pageblock_order / 2 || start_type == MIGRATE_RECLAIMABLE)) {
				unsigned long moved = move_freepages_block(z, page, start_type);
				if (moved >= (1ul << (pageblock_order - 1)))
					set_pageblock_migratetype(page, start_type);
				mt = start_type;
			}
			list_del(&page->lru);
			rmv_page_order(page);
			if (o >= pageblock_order && mt != MIGRATE_CMA)
				for (unsigned long b = 0; b < (1ul << o); b += pageblock_nr_pages)
					set_pageblock_migratetype(page + b, start_type);
			expand(z, page, order, o, mt == MIGRATE_CMA ? MIGRATE_CMA : start_type);
			return page;
		}
	}
	return 0;
}

static struct page *__rmqueue(struct zone *z, unsigned int order, int migratetype)
{
	struct page *page = __rmqueue_smallest(z, order, migratetype);
	if (!page && migratetype != MIGRATE_RESERVE)
		page = __rmqueue_fallback(z, order, migratetype);
	if (!page)
		page = __rmqueue_smallest(z, order, MIGRATE_RESERVE);
	return page;
}

static int gfpflags_to_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	return (gfp & __GFP_RECLAIMABLE) ? MIGRATE_RECLAIMABLE : MIGRATE_UNMOVABLE;
}

/* __zone_watermark_ok: after taking 2^order pages, more than `mark` must
 * stay free, and at each lower order half as many in blocks of at least
 * that order.  __GFP_HIGH halves the mark; only movable allocations may
 * count free CMA pages. */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, gfp_t gfp)
{
	long min = (long)mark;
	long free = (long)z->nr_free_pages - (1l << order) + 1;
	if (gfp & __GFP_HIGH)
		min -= min / 2;
	if (gfpflags_to_migratetype(gfp) != MIGRATE_MOVABLE)
		free -= (long)z->nr_free_cma_pages;
	if (free <= min)
		return false;
	for (unsigned int o = 0; o < order; o++) {
		free -= (long)(z->free_area[o].nr_free << o);
		min >>= 1;
		if (free <= min)
			return false;
	}
	return true;
}

static bool check_new_page(struct page *page)
{
	if (page->_mapcount != -1 || page->_refcount != 0 || (page->flags & PAGE_FLAGS_CHECK)) {
		bad_page(page, "on a free list");
		return false;
	}
	return true;
}

/* Takes a block from the zone if the watermark allows it. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, int wmark)
{
	struct zone *z = normal_zone();
	if (!zone_watermark_ok(z, order, z->watermark[wmark], gfp))
		return 0;
	int mt = gfpflags_to_migratetype(gfp);
	struct page *page = __rmqueue(z, order, mt);
	if (!page)
		return 0;
	account_free(z, -(1l << order), get_pageblock_migratetype(page));
	for (unsigned long i = 0; i < (1ul << order); i++)
		if (!check_new_page(page + i))
			return 0;
	page->_refcount = 1;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* __alloc_pages: the fast path at the low watermark; then, where Linux
 * would wake kswapd and retry, one retry at the min watermark (reclaim of
 * user pages is memory.c's: kswapd's pass and alloc_user_page's direct
 * reclaim).  Returns the head page with one reference. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (order >= MAX_ORDER)
		return 0;
	struct page *page = get_page_from_freelist(gfp, order, WMARK_LOW);
	if (!page)
		page = get_page_from_freelist(gfp, order, WMARK_MIN);
	return page;
}

/* A block from alloc_pages becomes 2^order pages with a reference each,
 * to be freed one by one (the buddy allocator merges them back). */
void split_page(struct page *page, unsigned int order)
{
	for (unsigned long i = 1; i < (1ul << order); i++)
		page[i]._refcount = 1;
}

static bool free_pages_check(struct page *page)
{
	if (page->_mapcount != -1 || page->_refcount != 0 || (page->flags & PAGE_FLAGS_CHECK)) {
		bad_page(page, "at free");
		return false;
	}
	return true;
}

/* Drops a reference; the last one returns the block to the buddy lists,
 * unless a page of it is in a state no free page may be in (then it is
 * reported and leaked, as Linux does). */
void __free_pages(struct page *page, unsigned int order)
{
	if (page->_refcount <= 0) {
		bad_page(page, "freeing a page with no reference");
		return;
	}
	if (--page->_refcount)
		return;
	bool ok = true;
	for (unsigned long i = 0; i < (1ul << order); i++)
		ok &= free_pages_check(page + i);
	if (ok)
		__free_one_page(page, page_zone(page), order, get_pageblock_migratetype(page));
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);
	return page ? (unsigned long)page_address(page) : 0;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page(addr), order);
}

unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;
	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

unsigned long nr_free_pages(void)
{
	return normal_zone()->nr_free_pages;
}

/* ---- boot: handing memory to the buddy allocator ---- */

/* __free_pages_bootmem: a boot-reserved block becomes an allocated block
 * with one reference, then is freed like any other; it now counts as
 * managed RAM. */
static void __init __free_pages_bootmem(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1ul << order); i++) {
		page[i].flags &= ~(1ul << PG_reserved);
		page[i]._refcount = 0;
	}
	page->_refcount = 1;
	page_zone(page)->managed_pages += 1ul << order;
	totalram_pages += 1ul << order;
	__free_pages(page, order);
}

/* Frees [start, end) pfns in the largest naturally aligned blocks. */
static void __init __free_pages_memory(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = MAX_ORDER - 1;
		while (start & ((1ul << order) - 1))
			order--;
		while (start + (1ul << order) > end)
			order--;
		__free_pages_bootmem(pfn_to_page(start), order);
		start += 1ul << order;
	}
}

/* free_all_bootmem: every memblock-free page of lowmem goes to the buddy
 * allocator; memblock-reserved pages (kernel, page tables, mem_map, CMA)
 * stay Reserved.  Returns the number of pages released. */
unsigned long __init free_all_bootmem(void)
{
	unsigned long before = totalram_pages;
	phys_addr_t s, e;
	uint64_t idx = 0;
	while (memblock_next_free_range(&idx, &s, &e)) {
		unsigned long sp = __phys_to_pfn(s + PAGE_SIZE - 1), ep = __phys_to_pfn(e);
		if (sp < min_low_pfn)
			sp = min_low_pfn;
		if (ep > max_low_pfn)
			ep = max_low_pfn;
		if (sp < ep)
			__free_pages_memory(sp, ep);
	}
	return totalram_pages - before;
}

/* init_cma_reserved_pageblock: a reserved pageblock of the CMA area goes
 * to the buddy allocator as MIGRATE_CMA (only movable allocations may
 * borrow it). */
void __init init_cma_reserved_pageblock(struct page *page)
{
	for (unsigned long i = 0; i < pageblock_nr_pages; i++) {
		page[i].flags &= ~(1ul << PG_reserved);
		page[i]._refcount = 0;
	}
	set_pageblock_migratetype(page, MIGRATE_CMA);
	page->_refcount = 1;
	page_zone(page)->managed_pages += pageblock_nr_pages;
	totalram_pages += pageblock_nr_pages;
	totalcma_pages += pageblock_nr_pages;
	__free_pages(page, pageblock_order);
}

static bool pageblock_is_reserved(unsigned long start, unsigned long end)
{
	for (unsigned long pfn = start; pfn < end; pfn++)
		if (PageReserved(pfn_to_page(pfn)))
			return true;
	return false;
}

/* setup_zone_migrate_reserve: enough fully free MOVABLE pageblocks, from
 * the bottom of the zone, to hold the min watermark become MIGRATE_RESERVE,
 * the last resort of every allocation. */
static void __init setup_zone_migrate_reserve(struct zone *z)
{
	unsigned long reserve = ALIGN(z->watermark[WMARK_MIN], pageblock_nr_pages) >> pageblock_order;
	unsigned long end = z->zone_start_pfn + z->spanned_pages;
	for (unsigned long pfn = z->zone_start_pfn; reserve && pfn + pageblock_nr_pages <= end;
	     pfn += pageblock_nr_pages) {
		struct page *page = pfn_to_page(pfn);
		if (get_pageblock_migratetype(page) != MIGRATE_MOVABLE ||
		    pageblock_is_reserved(pfn, pfn + pageblock_nr_pages))
			continue;
		set_pageblock_migratetype(page, MIGRATE_RESERVE);
		move_freepages_block(z, page, MIGRATE_RESERVE);
		reserve--;
	}
}

/* __setup_per_zone_wmarks: min_free_kbytes shared among lowmem zones by
 * size; low = min + min/4, high = min + min/2. */
void __init setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		lowmem_pages += NODE_DATA(0)->node_zones[i].managed_pages;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &NODE_DATA(0)->node_zones[i];
		unsigned long tmp = (unsigned long)((uint64_t)pages_min * z->managed_pages / lowmem_pages);
		z->watermark[WMARK_MIN] = tmp;
		z->watermark[WMARK_LOW] = tmp + (tmp >> 2);
		z->watermark[WMARK_HIGH] = tmp + (tmp >> 1);
		setup_zone_migrate_reserve(z);
	}
}
