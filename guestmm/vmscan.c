/* Page reclaim the Linux way, reduced to anonymous memory on one node
 * (mm/vmscan.c, mm/swap.c, mm/rmap.c, mm/swapfile.c, mm/page_io.c).
 *
 * Young bits are cleared by reclaim, not by a clock: every user page is on
 * the inactive or the active LRU list; when free memory falls below the low
 * watermark kswapd balances the node up to the high watermark, and an
 * allocation that fails reclaims directly.  shrink_active_list clears the
 * young bits of the pages it moves to the inactive list (page_referenced ->
 * ptep_clear_flush_young: the hardware PTE becomes 0 and the page is
 * flushed); shrink_page_list activates the inactive pages referenced since
 * and writes the others to swap.  Anonymous pages need swap: without a
 * free slot Linux neither ages nor reclaims them (can_age_anon_pages,
 * can_reclaim_anon_pages), and neither does this kernel (MADV_FREE'd
 * pages, which Linux keeps on the file list, then wait too).
 *
 * The swap device is a RAM disk (as with zram or brd): swapon takes its
 * pages from the allocator when init starts.  Swap entries are Linux's ARM
 * format: a non-present PTE holding the slot above bit 7 (slot 0, the
 * swap header's, is never handed out, so an entry is never pte_none).
 *
 * This kernel has one CPU and no kernel threads: kswapd's pass runs where
 * it is woken, on the allocation that crossed the watermark, so reclaim
 * happens at the same point of a run whatever the timer does. */
#include "fw.h"
#include "gmm.h"

#define SWAP_CLUSTER_MAX 32ul
#define DEF_PRIORITY 12
#define MAX_RECLAIM_RETRIES 16
#define SWP_OFFSET_SHIFT 7 /* __SWP_OFFSET_SHIFT, type 0 */

static struct list_head lru_inactive = { &lru_inactive, &lru_inactive };
static struct list_head lru_active = { &lru_active, &lru_active };
static unsigned long nr_inactive, nr_active;

static char *swap_area;             /* slot s at swap_area + s * PAGE_SIZE */
static unsigned char *swap_map;     /* references to each slot; 0: free */
static unsigned long swap_slots, swap_next, nr_swap_free;
/* kswapd passes in a row that freed nothing; at MAX_RECLAIM_RETRIES the
 * node is hopeless and kswapd no longer runs until memory comes back (a
 * swap slot is freed) or direct reclaim succeeds (pgdat->kswapd_failures). */
static unsigned int kswapd_failures;

/* ---- the LRU lists (mm/swap.c) ---- */

static bool PageLRU(const struct page *p) { return p->flags & (1ul << PG_lru); }
static bool PageActive(const struct page *p) { return p->flags & (1ul << PG_active); }

/* lru_cache_add_inactive_or_unevictable: a new anonymous page starts on
 * the inactive list (Linux 5.9 on), mapped at addr. */
void lru_cache_add_anon(struct page *page, unsigned long addr)
{
	page->index = addr & PAGE_MASK;
	page->flags |= 1ul << PG_lru;
	list_add(&page->lru, &lru_inactive);
	nr_inactive++;
}

static void del_page_from_lru(struct page *page)
{
	list_del(&page->lru);
	if (PageActive(page))
		nr_active--;
	else
		nr_inactive--;
	page->flags &= ~((1ul << PG_lru) | (1ul << PG_active) | (1ul << PG_lazyfree));
}

/* put_page for a user page: the last reference takes it off its LRU list
 * (__page_cache_release) and frees it. */
void put_user_page(struct page *page)
{
	if (page_count(page) == 1 && PageLRU(page))
		del_page_from_lru(page);
	__free_page(page);
}

static void move_to(struct page *page, bool active)
{
	unsigned long lazyfree = page->flags & (1ul << PG_lazyfree);
	del_page_from_lru(page);
	page->flags |= (1ul << PG_lru) | (active ? 1ul << PG_active : 0) | lazyfree;
	list_add(&page->lru, active ? &lru_active : &lru_inactive);
	if (active)
		nr_active++;
	else
		nr_inactive++;
}

/* mark_page_lazyfree: to the inactive list, to be reclaimed first. */
void mark_page_lazyfree(struct page *page)
{
	move_to(page, false);
	page->flags |= 1ul << PG_lazyfree;
}

/* ---- the reverse map (mm/rmap.c) ---- */

/* rmap_walk_anon, reduced: an anonymous page keeps its address through
 * fork (there is no mremap), so the processes that map it are those whose
 * PTE at page->index holds its pfn.  Calls fn on each; stops when fn
 * returns false. */
static void rmap_walk(struct page *page, bool (*fn)(struct mm_struct *, unsigned long, pte_t *, void *),
		      void *arg)
{
	unsigned long pfn = page_to_pfn(page);
	for (int i = 0; i < NR_TASKS; i++) {
		struct mm_struct *mm = tasks[i].mm;
		pte_t *ptep = mm ? pte_lookup(mm, page->index, false) : 0;
		if (ptep && pte_present(*ptep) && pte_pfn(*ptep) == pfn && !fn(mm, page->index, ptep, arg))
			return;
	}
}

/* ptep_clear_flush_young: an old PTE has no hardware entry, so the next
 * access faults and sets the bit again.  A block mapping is young as a
 * whole (ulayout.c): its descriptor goes, one flush. */
static bool clear_young_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *arg)
{
	if (!(*ptep & L_PTE_YOUNG))
		return true;
	if (user_block_mapped(mm, addr))
		set_user_block(mm, addr, L_PTE_YOUNG, 0);
	else
		set_pte_at(addr, ptep, *ptep & ~L_PTE_YOUNG);
	flush_tlb_page(mm, addr);
	++*(unsigned long *)arg;
	return true;
}

static bool find_dirty_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *arg)
{
	(void)mm;
	(void)addr;
	*(bool *)arg |= (*ptep & L_PTE_DIRTY) != 0;
	return !*(bool *)arg;
}

/* page_referenced: how many of the page's mappings were young; each is
 * made old. */
static unsigned long page_referenced(struct page *page)
{
	unsigned long referenced = 0;
	rmap_walk(page, clear_young_one, &referenced);
	gmm_stats.reclaim_referenced += referenced;
	return referenced;
}

/* ---- swap (mm/swapfile.c, mm/page_io.c) ---- */

static pte_t swp_entry_to_pte(unsigned long slot) { return slot << SWP_OFFSET_SHIFT; }
static unsigned long pte_to_swp_offset(pte_t pte) { return pte >> SWP_OFFSET_SHIFT; }

bool is_swap_pte(pte_t pte) { return !pte_none(pte) && !pte_present(pte); }

int swapon(unsigned long pages)
{
	if (!pages)
		return 0;
	swap_area = vmalloc((pages + 1) * PAGE_SIZE);
	swap_map = kzalloc(pages + 1, GFP_KERNEL);
	if (!swap_area || !swap_map) {
		swapoff();
		return -ENOMEM;
	}
	swap_slots = pages + 1;
	swap_next = 1;
	nr_swap_free = pages;
	return 0;
}

void swapoff(void)
{
	if (swap_area)
		vfree(swap_area);
	kfree(swap_map);
	swap_area = 0;
	swap_map = 0;
	swap_slots = 0;
	nr_swap_free = 0;
}

/* get_swap_page: the next free slot after the last one given, or 0. */
static unsigned long get_swap_slot(void)
{
	for (unsigned long n = 1; n < swap_slots; n++) {
		unsigned long s = swap_next;
		swap_next = swap_next + 1 < swap_slots ? swap_next + 1 : 1;
		if (!swap_map[s]) {
			nr_swap_free--;
			return s;
		}
	}
	return 0;
}

/* swap_duplicate: fork copies an entry. */
void swap_duplicate(pte_t pte) { swap_map[pte_to_swp_offset(pte)]++; }

/* A slot's last reference frees it: kswapd may make progress again. */
static bool put_swap_slot(unsigned long slot)
{
	if (--swap_map[slot])
		return false;
	nr_swap_free++;
	kswapd_failures = 0;
	return true;
}

/* free_swap_and_cache: an entry leaves a page table. */
void swap_free(pte_t pte) { put_swap_slot(pte_to_swp_offset(pte)); }

/* try_to_unmap_one: the PTE becomes the swap entry, or none for a
 * discarded lazyfree page (slot 0); the old translation leaves the TLB
 * (ptep_clear_flush).  A block mapping is split first, as
 * shrink_page_list splits a huge page. */
static bool unmap_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *arg)
{
	struct page *page = pfn_to_page(pte_pfn(*ptep));
	unsigned long slot = *(unsigned long *)arg;
	if (user_block_mapped(mm, addr))
		split_user_block(mm, addr);
	set_pte_at(addr, ptep, swp_entry_to_pte(slot));
	flush_tlb_page(mm, addr);
	if (slot)
		swap_map[slot]++;
	page->_mapcount--;
	put_user_page(page);
	return true;
}

/* pageout + try_to_unmap: the page's data go to a slot and every mapping
 * becomes the swap entry; the last one frees the page.  A lazyfree page
 * nobody wrote since MADV_FREE is dropped instead (its next access finds
 * zeros); one written since is swapped like any other.  False when swap
 * is full (the page stays, activated, as add_to_swap failing does). */
static bool swap_out(struct page *page)
{
	bool dirty = false;
	if (page->flags & (1ul << PG_lazyfree))
		rmap_walk(page, find_dirty_one, &dirty);
	unsigned long slot = 0;
	if (!(page->flags & (1ul << PG_lazyfree)) || dirty) {
		if (!(slot = get_swap_slot()))
			return false;
		copy_page(swap_area + slot * PAGE_SIZE, page_address(page));
		gmm_stats.pswpout++;
	} else {
		gmm_stats.pglazyfreed++;
	}
	get_page(page); /* isolated: held until every mapping is gone */
	rmap_walk(page, unmap_one, &slot);
	del_page_from_lru(page);
	__free_page(page);
	return true;
}

/* do_swap_page's read: fills page from the entry's slot and drops the
 * entry's reference.  True when this was the slot's last user (the page
 * is then the process's own and may be mapped writable). */
bool swap_read(pte_t pte, struct page *page)
{
	unsigned long slot = pte_to_swp_offset(pte);
	copy_page(page_address(page), swap_area + slot * PAGE_SIZE);
	gmm_stats.pswpin++;
	return put_swap_slot(slot);
}

/* ---- scanning (mm/vmscan.c) ---- */

/* shrink_active_list: the pages at the tail lose their young bits and go
 * to the inactive list.  Only executable file pages stay active when
 * referenced; anonymous ones are deactivated either way. */
static void shrink_active_list(unsigned long nr)
{
	for (; nr && nr_active; nr--) {
		struct page *page = list_entry(lru_active.prev, struct page, lru);
		page_referenced(page);
		move_to(page, false);
		gmm_stats.pgdeactivate++;
	}
}

/* shrink_inactive_list + shrink_page_list: a page referenced since it was
 * last scanned is activated (page_check_references: anonymous pages go
 * back on the first reference); an unreferenced one is written to swap
 * and freed.  Returns the pages freed. */
static unsigned long shrink_inactive_list(unsigned long nr)
{
	unsigned long freed = 0;
	for (; nr && nr_inactive; nr--) {
		struct page *page = list_entry(lru_inactive.prev, struct page, lru);
		gmm_stats.pgscan++;
		if (page_referenced(page) || !swap_out(page)) {
			move_to(page, true);
			gmm_stats.pgactivate++;
			continue;
		}
		freed++;
	}
	gmm_stats.reclaimed += freed;
	return freed;
}

/* inactive_is_low: below 1 GB the inactive list should be as long as the
 * active one (inactive_ratio 1). */
static bool inactive_is_low(void) { return nr_inactive < nr_active; }

/* shrink_node: batches of SWAP_CLUSTER_MAX at falling priority (scanning
 * a larger share of the lists each time) until want pages are freed or
 * the lists are scanned whole. */
static unsigned long shrink_node(unsigned long want)
{
	unsigned long freed = 0;
	if (!nr_swap_free)
		return 0; /* can_reclaim_anon_pages: no swap, or it is full */
	for (int priority = DEF_PRIORITY; priority >= 0 && freed < want; priority--) {
		unsigned long scan = (nr_active + nr_inactive) >> priority;
		if (scan < SWAP_CLUSTER_MAX)
			scan = SWAP_CLUSTER_MAX;
		if (inactive_is_low())
			shrink_active_list(scan);
		freed += shrink_inactive_list(scan);
	}
	return freed;
}

/* wakeup_kswapd + balance_pgdat: below the low watermark, reclaim up to
 * the high one. */
void wakeup_kswapd(void)
{
	const struct zone *z = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	if (nr_free_pages() >= z->watermark[WMARK_LOW] || kswapd_failures >= MAX_RECLAIM_RETRIES)
		return;
	gmm_stats.kswapd_runs++;
	if (shrink_node(z->watermark[WMARK_HIGH] - nr_free_pages()))
		kswapd_failures = 0;
	else
		kswapd_failures++;
}

/* try_to_free_pages: direct reclaim for an allocation that failed. */
unsigned long try_to_free_pages(void)
{
	unsigned long freed = shrink_node(SWAP_CLUSTER_MAX);
	if (freed)
		kswapd_failures = 0;
	return freed;
}

/* For sysinfo: slots in all and free (the header's excluded). */
void swap_usage(unsigned long *total, unsigned long *free)
{
	*total = swap_slots ? swap_slots - 1 : 0;
	*free = nr_swap_free;
}
