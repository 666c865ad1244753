/* Unit tests of tlb/: structures, replacement, maintenance matching,
 * lockdown, context writes, the stale-TLB detector and cycle accounting.
 * Expected values are derived by hand from the rules in docs/tlb.md; the
 * derivation is in the comment beside each check. */
#include "tests/check.h"
#include "tests/tlb/guest_pt.h"
#include "tlb/tlb.h"

static tlb_level_config lvl(unsigned entries, unsigned ways, tlb_policy policy, unsigned latency)
{
	return (tlb_level_config){ .entries = entries, .ways = ways, .policy = policy,
				   .latency = latency };
}

/* Micro TLBs of `micro` entries (fully associative, LRU, latency 0), a main
 * TLB of main_entries x main_ways (LRU, latency 2), memory latency 30. */
static tlb_config config(unsigned micro, unsigned main_entries, unsigned main_ways)
{
	tlb_config c;
	tlb_config_default(&c);
	c.level[TLB_ITLB] = lvl(micro, micro, TLB_POLICY_LRU, 0);
	c.level[TLB_DTLB] = lvl(micro, micro, TLB_POLICY_LRU, 0);
	c.level[TLB_MAIN] = lvl(main_entries, main_ways, TLB_POLICY_LRU, 2);
	c.memory_latency = 30;
	return c;
}

static guest g;

static int rd(tlb_t *t, uint32_t va, tlb_result *r)
{
	return tlb_access(t, &g.regime, &g.mem, va, MMU_READ, false, 4, 0x1000, r);
}

static tlb_result res;

static uint64_t cnt(const tlb_t *t, tlb_counter c)
{
	return tlb_counter_get(t, c);
}

/* Is there a valid entry at `level` whose lookup key covers va (any ASID)? */
static bool holds(const tlb_t *t, tlb_level_id level, uint32_t va, int asid)
{
	tlb_entry_view v;
	for (unsigned i = 0; tlb_entry_get(t, level, i, &v); i++) {
		uint32_t span = 1u << (v.size == TLB_SIZE_4K ? 12 : v.size == TLB_SIZE_64K ? 16
				       : v.size == TLB_SIZE_1M ? 20 : 24);
		if (level != TLB_WALK_CACHE && v.valid && va - v.entry->va_base < span &&
		    (asid < 0 || v.global || v.asid == asid))
			return true;
	}
	return false;
}

static unsigned valid_entries(const tlb_t *t, tlb_level_id level)
{
	tlb_entry_view v;
	unsigned n = 0;
	for (unsigned i = 0; tlb_entry_get(t, level, i, &v); i++)
		n += v.valid;
	return n;
}

static void test_micro_and_main(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x00010000, 0x40100000, 0);
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);

	/* First access: micro miss (0) + main miss (2) + L1 and L2 fetch (30 + 30). */
	CHECK_EQ(rd(t, 0x00010234, &res), 0);
	CHECK_EQ(res.pa, 0x40100234);
	CHECK_EQ(res.source, TLB_FROM_WALK);
	CHECK_EQ(res.cycles, 62);
	/* Again: the D micro TLB's hint slot. */
	CHECK_EQ(rd(t, 0x00010FFC, &res), 0);
	CHECK_EQ(res.pa, 0x40100FFC);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(res.cycles, 0);
	/* A fetch of the same page: I micro miss, main hit (2), then the I micro holds it. */
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0x00010000, MMU_FETCH, false, 4, 0, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	CHECK_EQ(res.cycles, 2);
	CHECK(holds(t, TLB_ITLB, 0x00010000, 0));
	/* A section: one fetch (30) after the two lookups (0 + 2). */
	CHECK_EQ(rd(t, 0xC0023456, &res), 0);
	CHECK_EQ(res.pa, 0x40023456);
	CHECK_EQ(res.cycles, 32);

	CHECK_EQ(cnt(t, TLB_CNT_dtlb_lookups), 3);
	CHECK_EQ(cnt(t, TLB_CNT_dtlb_hits), 1);
	CHECK_EQ(cnt(t, TLB_CNT_dtlb_misses), 2);
	CHECK_EQ(cnt(t, TLB_CNT_itlb_misses), 1);
	CHECK_EQ(cnt(t, TLB_CNT_main_i_hits), 1);
	CHECK_EQ(cnt(t, TLB_CNT_main_d_misses), 2);
	CHECK_EQ(cnt(t, TLB_CNT_walks_d), 2);
	CHECK_EQ(cnt(t, TLB_CNT_walk_steps_l1), 2);
	CHECK_EQ(cnt(t, TLB_CNT_walk_steps_l2), 1);
	CHECK_EQ(cnt(t, TLB_CNT_translation_cycles), 62 + 0 + 2 + 32);
	/* Per size: the 4K page hit once in the D micro and once in main; the
	 * section never hit. Walks: one of each. */
	CHECK_EQ(tlb_size_stats_get(t, TLB_SIZE_4K)->hits, 2);
	CHECK_EQ(tlb_size_stats_get(t, TLB_SIZE_4K)->walks, 1);
	CHECK_EQ(tlb_size_stats_get(t, TLB_SIZE_1M)->walks, 1);
	CHECK_EQ(tlb_asid_stats_get(t, 0)->lookups, 4);
	CHECK_EQ(tlb_asid_stats_get(t, 0)->walks, 2);

	/* Time: 10 instructions at base CPI 1, plus 96 translation cycles. */
	tlb_tick(t, 10);
	CHECK_EQ(cnt(t, TLB_CNT_instructions), 10);
	CHECK_EQ(cnt(t, TLB_CNT_cycles), 10 + 96);
	tlb_free(t);
	guest_free(&g);
}

/* main: 6 entries, 2 ways -> 3 sets; a 4K page goes to set VPN % 3. */
/* Snapshots and their difference: the counters of the accesses between
 * two snapshots only, per ASID and per page size too, cycles derived from
 * the differences.  Same TLB and mappings as test_micro_and_main. */
static void test_snapshots(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x00010000, 0x40100000, 0);
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);
	static tlb_stats before, after, zero;

	/* Before the region: one walk (62 cycles), 10 instructions. */
	CHECK_EQ(rd(t, 0x00010234, &res), 0);
	tlb_tick(t, 10);
	tlb_stats_snapshot(t, &before);
	/* The region: a D micro hit (0), a fetch that misses the I micro and
	 * hits main (2), a section walk (0 + 2 + 30), 5 instructions. */
	CHECK_EQ(rd(t, 0x00010FFC, &res), 0);
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0x00010000, MMU_FETCH, false, 4, 0, &res), 0);
	CHECK_EQ(rd(t, 0xC0023456, &res), 0);
	tlb_tick(t, 5);
	tlb_stats_snapshot(t, &after);
	tlb_stats_sub(&after, &before);

	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_instructions), 5);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_translation_cycles), 0 + 2 + 32);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_cycles), 5 + 34); /* base CPI 1 */
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_accesses), 3);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_dtlb_lookups), 2);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_dtlb_hits), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_itlb_misses), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_main_i_hits), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_main_d_misses), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_walks_d), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_walk_steps_l1), 1);
	CHECK_EQ(tlb_stats_counter(t, &after, TLB_CNT_walk_steps_l2), 0);
	/* Per size: the 4K page hit in the D micro and in main, the section
	 * was walked; per ASID 0: three lookups, one walk. */
	CHECK_EQ(after.size[TLB_SIZE_4K].hits, 2);
	CHECK_EQ(after.size[TLB_SIZE_4K].walks, 0);
	CHECK_EQ(after.size[TLB_SIZE_1M].walks, 1);
	CHECK_EQ(after.asid[0].lookups, 3);
	CHECK_EQ(after.asid[0].walks, 1);
	/* Hit rates of the region: D micro 1 of 2; main 1 of 2 (I hit, D miss). */
	CHECK(tlb_stats_hit_rate(t, &after, TLB_DTLB) == 0.5);
	CHECK(tlb_stats_hit_rate(t, &after, TLB_MAIN) == 0.5);
	CHECK(tlb_stats_hit_rate(t, &after, TLB_WALK_CACHE) == -1); /* absent */
	/* The whole run is the region plus what came before it. */
	for (tlb_counter k = 0; k < TLB_COUNTER_COUNT; k++)
		CHECK_EQ(tlb_stats_counter(t, &before, k) + tlb_stats_counter(t, &after, k),
			 tlb_counter_get(t, k));
	/* A snapshot minus itself is all zero. */
	tlb_stats_snapshot(t, &before);
	tlb_stats_sub(&before, &before);
	CHECK(!memcmp(&before, &zero, sizeof zero));
	tlb_free(t);
	guest_free(&g);
}

static void test_set_associative_non_power_of_two(void)
{
	guest_init(&g);
	tlb_config c = config(0, 6, 2);
	tlb_t *t = tlb_new(&c);
	tlb_entry_view v;

	CHECK_EQ(tlb_level_get_info(t, TLB_MAIN).sets, 3);
	CHECK(!tlb_level_get_info(t, TLB_ITLB).present);
	/* VPNs 0x10, 0x13, 0x16 are all 1 mod 3: the third evicts the LRU one (0x10). */
	for (uint32_t vpn = 0x10; vpn <= 0x16; vpn += 3) {
		guest_map_page(&g, vpn << 12, 0x40200000 + (vpn << 12), 0);
		CHECK_EQ(rd(t, vpn << 12, &res), 0);
	}
	CHECK(tlb_entry_get(t, TLB_MAIN, 1 * 2 + 0, &v));  /* set 1, way 0 */
	CHECK(v.valid && v.set == 1 && v.way == 0 && v.va == 0x16000);
	CHECK(tlb_entry_get(t, TLB_MAIN, 1 * 2 + 1, &v));
	CHECK(v.valid && v.va == 0x13000);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 2);
	CHECK_EQ(cnt(t, TLB_CNT_evictions_main), 1);
	/* Without micro TLBs a repeat hits main. */
	CHECK_EQ(rd(t, 0x13000, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	CHECK_EQ(rd(t, 0x10000, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_WALK);

	/* Mixed sizes: a section (index by VA[31:20] % 3) beside the pages; both hit. */
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	CHECK_EQ(rd(t, 0xC0000000, &res), 0);
	CHECK_EQ(rd(t, 0xC00FF000, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	CHECK_EQ(res.pa, 0x400FF000);
	CHECK_EQ(rd(t, 0x10000, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	tlb_free(t);
	guest_free(&g);
}

static void test_absent_levels(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x5000, 0x40300000, 0);
	/* Micro only (no main): a micro miss walks and fills the micro TLB. */
	tlb_config c = config(2, 0, 0);
	tlb_t *t = tlb_new(&c);
	CHECK_EQ(rd(t, 0x5000, &res), 0);
	CHECK_EQ(res.cycles, 60);
	CHECK_EQ(rd(t, 0x5004, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(cnt(t, TLB_CNT_main_d_lookups), 0);
	tlb_free(t);

	/* Nothing at all: every access walks. */
	c = config(0, 0, 0);
	t = tlb_new(&c);
	CHECK_EQ(rd(t, 0x5000, &res), 0);
	CHECK_EQ(rd(t, 0x5004, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_WALK);
	CHECK_EQ(res.pa, 0x40300004);
	CHECK_EQ(cnt(t, TLB_CNT_walks_d), 2);
	tlb_free(t);
	guest_free(&g);
}

static void test_walk_cache(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x00100000, 0x40400000, 0);
	guest_map_page(&g, 0x00101000, 0x40401000, 0);
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	tlb_config c = config(0, 0, 0);
	c.level[TLB_WALK_CACHE] = lvl(4, 2, TLB_POLICY_LRU, 1);
	tlb_t *t = tlb_new(&c);

	/* L1: walk-cache miss (1 + 30), L2 (30); the L1 table word is cached. */
	CHECK_EQ(rd(t, 0x00100000, &res), 0);
	CHECK_EQ(res.cycles, 61);
	/* Same MB, other page: walk-cache hit (1) + L2 (30). */
	CHECK_EQ(rd(t, 0x00101000, &res), 0);
	CHECK_EQ(res.cycles, 31);
	/* A section's L1 word is not cached (no L2 fetch follows): 31 each time. */
	CHECK_EQ(rd(t, 0xC0000000, &res), 0);
	CHECK_EQ(res.cycles, 31);
	CHECK_EQ(rd(t, 0xC0000000, &res), 0);
	CHECK_EQ(res.cycles, 31);
	CHECK_EQ(cnt(t, TLB_CNT_walk_cache_hits), 1);
	CHECK_EQ(cnt(t, TLB_CNT_walk_cache_misses), 3);
	CHECK_EQ(cnt(t, TLB_CNT_fills_walk_cache), 1);

	CHECK_EQ(valid_entries(t, TLB_WALK_CACHE), 1);
	/* A by-VA op in another MB keeps it; one inside the MB drops it. */
	tlb_maint(t, TLB_OP_TLBIMVAA, 0x00200000);
	CHECK_EQ(valid_entries(t, TLB_WALK_CACHE), 1);
	tlb_maint(t, TLB_OP_TLBIMVAA, 0x001FF000);
	CHECK_EQ(valid_entries(t, TLB_WALK_CACHE), 0);
	CHECK_EQ(rd(t, 0x00101000, &res), 0);
	CHECK_EQ(res.cycles, 61);
	/* ASID-scoped ops empty the walk cache (its entries carry no ASID). */
	tlb_maint(t, TLB_OP_TLBIASID, 7);
	CHECK_EQ(valid_entries(t, TLB_WALK_CACHE), 0);
	tlb_free(t);
	guest_free(&g);
}

/* One 4-entry fully associative D micro TLB, nothing else: fill pages A B C D
 * (ways 0..3), touch A, then fill E and F. */
static void policy_sequence(tlb_policy policy, uint32_t *evicted_first, uint32_t *evicted_second)
{
	guest_init(&g);
	tlb_config c = config(0, 0, 0);
	c.level[TLB_DTLB] = lvl(4, 4, policy, 0);
	tlb_t *t = tlb_new(&c);
	for (uint32_t p = 0; p < 6; p++)
		guest_map_page(&g, 0x10000 + (p << 12), 0x40500000 + (p << 12), 0);
	for (uint32_t p = 0; p < 4; p++)
		rd(t, 0x10000 + (p << 12), &res);
	rd(t, 0x10000, &res);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	*evicted_first = *evicted_second = 0;
	for (uint32_t p = 4; p < 6; p++) {
		rd(t, 0x10000 + (p << 12), &res);
		for (uint32_t q = 0; q < 4; q++) {
			uint32_t va = 0x10000 + (q << 12);
			if (!holds(t, TLB_DTLB, va, -1) && va != *evicted_first)
				*(p == 4 ? evicted_first : evicted_second) = va;
		}
	}
	CHECK_EQ(cnt(t, TLB_CNT_evictions_dtlb), 2);
	tlb_free(t);
	guest_free(&g);
}

static void test_replacement(void)
{
	uint32_t first, second;
	/* LRU: A was touched, so B (the least recent) goes, then C. */
	policy_sequence(TLB_POLICY_LRU, &first, &second);
	CHECK_EQ(first, 0x11000);
	CHECK_EQ(second, 0x12000);
	/* FIFO: the pointer starts at way 0: A goes (the touch does not count), then B. */
	policy_sequence(TLB_POLICY_FIFO, &first, &second);
	CHECK_EQ(first, 0x10000);
	CHECK_EQ(second, 0x11000);
	/* PLRU, 4 ways, tree nodes 1 (root), 2 (ways 0-1), 3 (ways 2-3); a bit
	 * points at the half to evict.  Fills 0,1,2,3 leave node1=0, node2=0,
	 * node3=0; touching way 0 sets node1=1 (evict right), node2=1.  E: root
	 * 1 -> node3 = 0 -> way 2 (C).  Filling way 2 sets node1=0, node3=1.
	 * F: root 0 -> node2 = 1 -> way 1 (B). */
	policy_sequence(TLB_POLICY_PLRU, &first, &second);
	CHECK_EQ(first, 0x12000);
	CHECK_EQ(second, 0x11000);

	/* Random: deterministic per seed, always inside the set, and the seed matters. */
	guest_init(&g);
	for (uint32_t p = 0; p < 64; p++)
		guest_map_page(&g, p << 12, 0x40600000 + (p << 12), 0);
	uint64_t evictions[3][64];
	for (unsigned run = 0; run < 3; run++) {
		tlb_config c = config(0, 0, 0);
		c.level[TLB_DTLB] = lvl(8, 8, TLB_POLICY_RANDOM, 0);
		c.seed = run == 2 ? 99 : 7;
		tlb_t *t = tlb_new(&c);
		for (uint32_t p = 0; p < 64; p++) {
			rd(t, p << 12, &res);
			/* Record which earlier page is gone: a victim position fingerprint. */
			evictions[run][p] = 0;
			for (uint32_t q = 0; q < p; q++)
				evictions[run][p] = evictions[run][p] * 3 + holds(t, TLB_DTLB, q << 12, -1);
		}
		CHECK_EQ(valid_entries(t, TLB_DTLB), 8);
		CHECK_EQ(cnt(t, TLB_CNT_evictions_dtlb), 64 - 8);
		tlb_free(t);
	}
	CHECK(memcmp(evictions[0], evictions[1], sizeof evictions[0]) == 0);
	CHECK(memcmp(evictions[0], evictions[2], sizeof evictions[0]) != 0);
	guest_free(&g);
}

/* Entries for the matching-rule tests, all in a 16-entry fully associative
 * main TLB (no micro TLBs):
 *   G  global section    0xC0000000
 *   P5 page, ASID 5      0x00010000      P6 page, ASID 6   0x00010000
 *   L5 64K page, ASID 5  0x00020000
 *   S  global supersection 0xD0000000 */
static tlb_t *matching_setup(void)
{
	guest_init(&g);
	tlb_config c = config(0, 16, 16);
	tlb_t *t = tlb_new(&c);
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	guest_map_supersection(&g, 0xD0000000, 0x50000000, 0);
	guest_map_large(&g, 0x00020000, 0x40720000, PT_NG);
	guest_set_asid(&g, 5);
	guest_map_page(&g, 0x00010000, 0x40710000, PT_NG);
	rd(t, 0x00010000, &res);
	rd(t, 0x00020000, &res);
	rd(t, 0xC0000000, &res);
	rd(t, 0xD0000000, &res);
	guest_set_asid(&g, 6);
	guest_map_page(&g, 0x00010000, 0x40810000, PT_NG);
	rd(t, 0x00010000, &res);
	CHECK_EQ(res.pa, 0x40810000);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 5);
	return t;
}

static void test_maintenance_matching(void)
{
	tlb_t *t;

	/* TLBIASID 5: P5 and L5 go; globals and ASID 6 stay. */
	t = matching_setup();
	tlb_maint(t, TLB_OP_TLBIASID, 5);
	CHECK(!holds(t, TLB_MAIN, 0x10000, 5) && holds(t, TLB_MAIN, 0x10000, 6));
	CHECK(!holds(t, TLB_MAIN, 0x20000, 5));
	CHECK(holds(t, TLB_MAIN, 0xC0000000, -1) && holds(t, TLB_MAIN, 0xD0000000, -1));
	CHECK_EQ(cnt(t, TLB_CNT_entries_invalidated), 2);
	CHECK_EQ(cnt(t, TLB_CNT_flush_tlbiasid), 1);
	tlb_free(t);
	guest_free(&g);

	/* TLBIMVA VA|ASID: only the entry of that ASID; a wrong ASID removes nothing. */
	t = matching_setup();
	tlb_maint(t, TLB_OP_TLBIMVA, 0x00010000 | 7);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 5);
	tlb_maint(t, TLB_OP_TLBIMVA, 0x00010000 | 5);
	CHECK(!holds(t, TLB_MAIN, 0x10000, 5) && holds(t, TLB_MAIN, 0x10000, 6));
	CHECK_EQ(valid_entries(t, TLB_MAIN), 4);
	/* ... a global section by any VA inside it, under any ASID. */
	tlb_maint(t, TLB_OP_TLBIMVA, 0xC00FF000 | 9);
	CHECK(!holds(t, TLB_MAIN, 0xC0000000, -1));
	/* ... a supersection by its last page; a large page by its last 4K. */
	tlb_maint(t, TLB_OP_TLBIMVA, 0xD0FFF000 | 9);
	CHECK(!holds(t, TLB_MAIN, 0xD0000000, -1));
	tlb_maint(t, TLB_OP_TLBIMVA, 0x0002F000 | 6);
	CHECK(holds(t, TLB_MAIN, 0x20000, 5));   /* ASID 6 does not match L5 */
	tlb_maint(t, TLB_OP_TLBIMVA, 0x0002F000 | 5);
	CHECK(!holds(t, TLB_MAIN, 0x20000, 5));
	CHECK_EQ(valid_entries(t, TLB_MAIN), 1);
	/* ... and a VA just past the supersection matched nothing earlier. */
	tlb_free(t);
	guest_free(&g);

	t = matching_setup();
	tlb_maint(t, TLB_OP_TLBIMVA, 0xD1000000);
	tlb_maint(t, TLB_OP_TLBIMVA, 0xC0100000);
	tlb_maint(t, TLB_OP_TLBIMVA, 0x00030000 | 5);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 5);
	/* TLBIMVAA: both ASIDs' pages at the VA. */
	tlb_maint(t, TLB_OP_TLBIMVAA, 0x00010ABC);
	CHECK(!holds(t, TLB_MAIN, 0x10000, -1));
	CHECK_EQ(valid_entries(t, TLB_MAIN), 3);
	/* TLBIALL (and the IS form): everything. */
	tlb_maint(t, TLB_OP_TLBIALLIS, 0);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 0);
	CHECK_EQ(cnt(t, TLB_CNT_entries_invalidated), 2 + 3);
	tlb_free(t);
	guest_free(&g);

	/* The IS forms use the same rules. */
	t = matching_setup();
	tlb_maint(t, TLB_OP_TLBIASIDIS, 6);
	tlb_maint(t, TLB_OP_TLBIMVAIS, 0x00020000 | 5);
	tlb_maint(t, TLB_OP_TLBIMVAAIS, 0xC0000000);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 2);     /* P5 and S */
	tlb_free(t);
	guest_free(&g);

	/* Decoding MCR p15, 0, Rt, c8, CRm, opc2. */
	tlb_op op;
	CHECK(tlb_op_decode(7, 0, &op) && op == TLB_OP_TLBIALL);
	CHECK(tlb_op_decode(7, 1, &op) && op == TLB_OP_TLBIMVA);
	CHECK(tlb_op_decode(7, 2, &op) && op == TLB_OP_TLBIASID);
	CHECK(tlb_op_decode(7, 3, &op) && op == TLB_OP_TLBIMVAA);
	CHECK(tlb_op_decode(3, 0, &op) && op == TLB_OP_TLBIALLIS);
	CHECK(tlb_op_decode(3, 3, &op) && op == TLB_OP_TLBIMVAAIS);
	CHECK(tlb_op_decode(5, 1, &op) && op == TLB_OP_ITLBIMVA);
	CHECK(tlb_op_decode(6, 2, &op) && op == TLB_OP_DTLBIASID);
	CHECK(!tlb_op_decode(6, 3, &op));
	CHECK(!tlb_op_decode(4, 0, &op));
	CHECK_STR(tlb_op_name(TLB_OP_DTLBIMVA), "DTLBIMVA");
}

/* I/D-only forms on a unified main TLB: the unified op plus the named micro. */
static void test_side_specific_ops(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x7000, 0x40900000, 0);
	tlb_config c = config(4, 8, 8);
	tlb_t *t = tlb_new(&c);
	rd(t, 0x7000, &res);
	tlb_access(t, &g.regime, &g.mem, 0x7000, MMU_FETCH, false, 4, 0, &res);
	CHECK(holds(t, TLB_ITLB, 0x7000, 0) && holds(t, TLB_DTLB, 0x7000, 0));

	CHECK(tlb_maint_mcr(t, 5, 0, 0));               /* ITLBIALL */
	CHECK(!holds(t, TLB_ITLB, 0x7000, 0));
	CHECK(holds(t, TLB_DTLB, 0x7000, 0));
	CHECK(!holds(t, TLB_MAIN, 0x7000, 0));
	CHECK_EQ(cnt(t, TLB_CNT_flush_itlbiall), 1);
	CHECK(!tlb_maint_mcr(t, 4, 0, 0));              /* not a TLB op */

	tlb_access(t, &g.regime, &g.mem, 0x7000, MMU_FETCH, false, 4, 0, &res);
	tlb_maint(t, TLB_OP_DTLBIMVA, 0x7000);
	CHECK(holds(t, TLB_ITLB, 0x7000, 0) && !holds(t, TLB_DTLB, 0x7000, 0));
	CHECK(!holds(t, TLB_MAIN, 0x7000, 0));
	tlb_free(t);

	/* With micro_flush_on_maintenance any op empties both micro TLBs. */
	c.micro_flush_on_maintenance = true;
	t = tlb_new(&c);
	guest_map_page(&g, 0x8000, 0x40901000, 0);
	rd(t, 0x7000, &res);
	tlb_access(t, &g.regime, &g.mem, 0x7000, MMU_FETCH, false, 4, 0, &res);
	tlb_maint(t, TLB_OP_DTLBIMVA, 0x8000);          /* matches nothing in main */
	CHECK_EQ(valid_entries(t, TLB_ITLB) + valid_entries(t, TLB_DTLB), 0);
	CHECK(holds(t, TLB_MAIN, 0x7000, 0));
	tlb_free(t);
	guest_free(&g);
}

static void test_lockdown(void)
{
	guest_init(&g);
	tlb_config c = config(0, 4, 2);
	c.level[TLB_MAIN].lockable = 2;
	tlb_t *t = tlb_new(&c);
	for (uint32_t p = 0; p < 16; p++)
		guest_map_page(&g, p << 12, 0x40A00000 + (p << 12), PT_NG);
	CHECK_EQ(tlb_entry_count(t, TLB_MAIN), 6);

	tlb_lockdown(t, true, 1);
	rd(t, 0x0000, &res);                            /* -> lock slot 1 */
	rd(t, 0x1000, &res);                            /* -> lock slot 0 (wraps) */
	tlb_lockdown(t, false, 0);
	tlb_entry_view v;
	CHECK(tlb_entry_get(t, TLB_MAIN, 4 + 1, &v) && v.locked && v.valid && v.va == 0x0000);
	CHECK(tlb_entry_get(t, TLB_MAIN, 4 + 0, &v) && v.locked && v.valid && v.va == 0x1000);
	CHECK_EQ(v.set, 2);                             /* lockdown slots: set == sets */
	/* 14 more pages through a 4-entry main TLB: locked entries never evicted. */
	for (uint32_t p = 2; p < 16; p++)
		rd(t, p << 12, &res);
	CHECK_EQ(cnt(t, TLB_CNT_evictions_main), 10);
	rd(t, 0x0000, &res);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	/* TLBIALL and TLBIASID spare them; a by-VA op removes one. */
	tlb_maint(t, TLB_OP_TLBIALL, 0);
	tlb_maint(t, TLB_OP_TLBIASID, 0);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 2);
	tlb_maint(t, TLB_OP_TLBIMVAA, 0x1000);
	CHECK_EQ(valid_entries(t, TLB_MAIN), 1);
	CHECK(holds(t, TLB_MAIN, 0x0000, 0));
	tlb_free(t);
	guest_free(&g);
}

static void test_context_writes(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x9000, 0x40B00000, 0);
	tlb_config c = config(4, 8, 2);
	c.micro_flush_on_context_write = true;
	tlb_t *t = tlb_new(&c);
	static const tlb_context_reg flushing[] = { TLB_CTX_CONTEXTIDR, TLB_CTX_DACR, TLB_CTX_PRRR,
						    TLB_CTX_NMRR, TLB_CTX_TTBR0, TLB_CTX_TTBR1 };
	for (unsigned i = 0; i < 6; i++) {
		rd(t, 0x9000, &res);
		tlb_context_write(t, flushing[i]);
		CHECK_EQ(valid_entries(t, TLB_DTLB), 0);
		rd(t, 0x9000, &res);
		CHECK_EQ(res.source, TLB_FROM_MAIN);    /* the main TLB keeps it */
	}
	tlb_context_write(t, TLB_CTX_SCTLR);
	tlb_context_write(t, TLB_CTX_TTBCR);
	CHECK_EQ(valid_entries(t, TLB_DTLB), 1);
	CHECK_EQ(cnt(t, TLB_CNT_micro_context_flushes), 6);
	tlb_free(t);

	/* Without the flag a context write flushes nothing. */
	c.micro_flush_on_context_write = false;
	t = tlb_new(&c);
	rd(t, 0x9000, &res);
	tlb_context_write(t, TLB_CTX_CONTEXTIDR);
	rd(t, 0x9000, &res);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	tlb_free(t);
	guest_free(&g);
}

static tlb_hazard last_hazard;
static unsigned hazards_seen;
static void on_hazard(void *ctx, const tlb_hazard *h)
{
	(void)ctx;
	last_hazard = *h;
	hazards_seen++;
}

static void test_stale_hazard(void)
{
	guest_init(&g);
	guest_set_asid(&g, 3);
	guest_map_page(&g, 0xA000, 0x40C00000, PT_NG);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);
	tlb_set_observer(t, &(tlb_observer){ .on_hazard = on_hazard });
	hazards_seen = 0;

	rd(t, 0xA010, &res);
	uint32_t l2 = guest_l2_addr(&g, 0xA000);
	uint32_t old = guest_peek(&g, l2);
	/* The PTE now maps another frame, and no TLBI follows. */
	guest_map_page(&g, 0xA000, 0x40D00000, PT_NG);
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0xA020, MMU_WRITE, false, 4, 0xC0008888, &res), 0);
	CHECK_EQ(res.pa, 0x40C00020);                   /* the cached translation is served */
	CHECK_EQ(hazards_seen, 1);
	CHECK_EQ(last_hazard.va, 0xA020);
	CHECK_EQ(last_hazard.pc, 0xC0008888);
	CHECK_EQ(last_hazard.asid, 3);
	CHECK_EQ(last_hazard.desc_level, 2);
	CHECK_EQ(last_hazard.desc_pa, l2);
	CHECK_EQ(last_hazard.value_at_fill, old);
	CHECK_EQ(last_hazard.value_now, guest_peek(&g, l2));
	CHECK_EQ(last_hazard.level, TLB_DTLB);
	/* Further hits are stale hits, not new hazards. */
	rd(t, 0xA030, &res);
	CHECK_EQ(cnt(t, TLB_CNT_stale_hazards), 1);
	CHECK_EQ(cnt(t, TLB_CNT_stale_hits), 2);
	CHECK_EQ(tlb_asid_stats_get(t, 3)->hazards, 1);

	/* With TLBIMVA after the change: a fresh walk, the new frame, no hazard. */
	tlb_maint(t, TLB_OP_TLBIMVA, 0xA000 | 3);
	rd(t, 0xA040, &res);
	CHECK_EQ(res.source, TLB_FROM_WALK);
	CHECK_EQ(res.pa, 0x40D00040);
	guest_map_page(&g, 0xA000, 0x40E00000, PT_NG);
	tlb_maint(t, TLB_OP_TLBIMVA, 0xA000 | 3);
	rd(t, 0xA040, &res);
	CHECK_EQ(res.pa, 0x40E00040);
	CHECK_EQ(hazards_seen, 1);

	/* A changed L1 word (a section remapped) is reported at level 1, from main. */
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	rd(t, 0xC0000000, &res);
	guest_map_section(&g, 0xC0000000, 0x40100000, 0);
	/* Push it out of the 4-entry D micro TLB (every op would reach main too);
	 * in main (4 sets) the section sits in set 0xC00 % 4 = 0 beside page
	 * 0x100 only, so it stays. */
	for (uint32_t p = 0; p < 4; p++) {
		guest_map_page(&g, 0x100000 + (p << 12), 0x40F00000, 0);
		rd(t, 0x100000 + (p << 12), &res);
	}
	rd(t, 0xC0000004, &res);
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	CHECK_EQ(res.pa, 0x40000004);
	CHECK_EQ(hazards_seen, 2);
	CHECK_EQ(last_hazard.desc_level, 1);
	CHECK_EQ(last_hazard.desc_pa, guest_l1_addr(&g, 0xC0000000));
	CHECK_EQ(last_hazard.level, TLB_MAIN);
	tlb_free(t);
	guest_free(&g);
}

/* Two micro entries that one access matches: a stale 4 KB page and the
 * section that replaced its MB without a TLBI.  The lookup takes the first
 * in slot order, as tlb_level_search does, even when the other one is the
 * slot the micro TLB served before last (the second probe of the inline
 * path, which it may use only while no two slots overlap). */
static void test_overlapping_micro_entries(void)
{
	guest_init(&g);
	guest_map_page(&g, 0x00100000, 0x40100000, 0);
	guest_map_page(&g, 0x00300000, 0x40300000, 0);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);

	rd(t, 0x00100000, &res);                        /* slot 0: the page */
	guest_map_section(&g, 0x00100000, 0x40200000, 0);
	CHECK_EQ(rd(t, 0x00180000, &res), 0);           /* slot 1: the section */
	CHECK_EQ(res.pa, 0x40280000);
	CHECK_EQ(rd(t, 0x00300000, &res), 0);           /* slot 2; slot 1 served before */
	CHECK_EQ(res.source, TLB_FROM_WALK);
	CHECK_EQ(rd(t, 0x00100010, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(res.pa, 0x40100010);                   /* slot 0, stale, not slot 1 */
	CHECK_EQ(cnt(t, TLB_CNT_stale_hits), 1);
	/* Once the page is gone the section serves the MB, through either probe. */
	tlb_maint(t, TLB_OP_TLBIMVA, 0x00100000);
	CHECK_EQ(rd(t, 0x00100010, &res), 0);
	CHECK_EQ(res.pa, 0x40200010);
	CHECK_EQ(rd(t, 0x00300000, &res), 0);
	CHECK_EQ(rd(t, 0x00100020, &res), 0);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(res.pa, 0x40200020);
	tlb_free(t);
	guest_free(&g);
}

/* A walk that reads a supersection or large page whose 16 copies differ
 * counts once in replica_mismatches; walks of consistent groups and hits
 * do not count. */
static void test_replica_mismatches(void)
{
	guest_init(&g);
	guest_map_supersection(&g, 0x80000000, 0x41000000, 0);
	guest_map_large(&g, 0x00020000, 0x40300000, 0);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);
	CHECK_EQ(rd(t, 0x80000000, &res), 0);
	CHECK_EQ(rd(t, 0x00020000, &res), 0);
	CHECK_EQ(cnt(t, TLB_CNT_replica_mismatches), 0);
	/* Copy 5 of each points elsewhere: the next walks of both groups
	 * (after a flush) count, the hits in between do not. */
	uint32_t ss = guest_peek(&g, guest_l1_addr(&g, 0x80000000));
	uint32_t large = guest_peek(&g, guest_l2_addr(&g, 0x00020000));
	guest_poke(&g, guest_l1_addr(&g, 0x80500000), ss ^ 0x02000000u);
	guest_poke(&g, guest_l2_addr(&g, 0x00025000), large ^ 0x00100000u);
	CHECK_EQ(rd(t, 0x80000004, &res), 0);           /* micro hit */
	CHECK_EQ(cnt(t, TLB_CNT_replica_mismatches), 0);
	tlb_maint(t, TLB_OP_TLBIALL, 0);
	CHECK_EQ(rd(t, 0x80000004, &res), 0);           /* walk of copy 0 */
	CHECK_EQ(rd(t, 0x00020004, &res), 0);
	CHECK_EQ(cnt(t, TLB_CNT_replica_mismatches), 2);
	CHECK_EQ(rd(t, 0x00025004, &res), 0);           /* the 64 KB entry serves it */
	CHECK_EQ(cnt(t, TLB_CNT_replica_mismatches), 2);
	tlb_free(t);
	guest_free(&g);
}

static void test_faults_and_flat(void)
{
	guest_init(&g);
	guest_map_page(&g, 0xB000, 0x40C00000, PT_KERNEL_ONLY);
	guest_map_section(&g, 0xC0000000, 0x40000000, PT_XN);
	tlb_config c = config(4, 8, 2);
	tlb_t *t = tlb_new(&c);

	/* Unmapped MB: section translation fault, FS 0x05, not cached. */
	CHECK_EQ(rd(t, 0x30000000, &res), MMU_FAULT_TRANSLATION);
	CHECK_EQ(res.fsr & 0x40F, 0x005);
	CHECK_EQ(res.far, 0x30000000);
	CHECK_EQ(rd(t, 0x30000000, &res), MMU_FAULT_TRANSLATION);
	CHECK_EQ(cnt(t, TLB_CNT_walks_d), 2);
	CHECK_EQ(cnt(t, TLB_CNT_faults_translation), 2);
	/* User write to a kernel-only page: the translation is cached, the check fails each hit. */
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0xB000, MMU_WRITE, true, 4, 0, &res),
		 MMU_FAULT_PERMISSION);
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0xB000, MMU_WRITE, true, 4, 0, &res),
		 MMU_FAULT_PERMISSION);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(rd(t, 0xB000, &res), 0);               /* kernel read is fine */
	/* DACR is applied at lookup: domain 0 no access -> domain fault on a hit. */
	g.regime.dacr = 0x54;
	CHECK_EQ(rd(t, 0xB000, &res), MMU_FAULT_DOMAIN);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	g.regime.dacr = 0x55;
	/* Execute from an XN section. */
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0xC0000000, MMU_FETCH, false, 4, 0, &res),
		 MMU_FAULT_PERMISSION);
	CHECK_EQ(cnt(t, TLB_CNT_faults_permission), 3);
	CHECK_EQ(cnt(t, TLB_CNT_faults_domain), 1);
	CHECK_EQ(tlb_asid_stats_get(t, 0)->faults, 6);

	/* Alignment (SCTLR.A): no lookup at all. */
	uint64_t lookups = cnt(t, TLB_CNT_accesses);
	g.regime.sctlr |= 0x2;
	CHECK_EQ(tlb_access(t, &g.regime, &g.mem, 0xB002, MMU_READ, false, 4, 0, &res),
		 MMU_FAULT_ALIGNMENT);
	CHECK_EQ(res.fsr & 0x40F, 0x001);
	CHECK_EQ(rd(t, 0xB004, &res), 0);
	g.regime.sctlr &= ~0x2u;
	CHECK_EQ(cnt(t, TLB_CNT_accesses), lookups + 1);

	/* MMU off: flat, counted apart, no lookups, no cycles. */
	g.regime.sctlr = 0;
	CHECK_EQ(rd(t, 0x12345678, &res), 0);
	CHECK_EQ(res.pa, 0x12345678);
	CHECK_EQ(res.source, TLB_FROM_FLAT);
	CHECK_EQ(cnt(t, TLB_CNT_mmu_off_accesses), 1);
	CHECK_EQ(cnt(t, TLB_CNT_accesses), lookups + 1);
	tlb_free(t);
	guest_free(&g);
}

/* Cortex-A15 style: micro entries are 4 KB granules of larger mappings. */
static void test_micro_4k_granules(void)
{
	guest_init(&g);
	guest_map_section(&g, 0xC0000000, 0x40000000, 0);
	tlb_config c = config(4, 8, 2);
	c.micro_4k_only = true;
	tlb_t *t = tlb_new(&c);
	rd(t, 0xC0000000, &res);
	rd(t, 0xC0001000, &res);                        /* another granule: main hit */
	CHECK_EQ(res.source, TLB_FROM_MAIN);
	CHECK_EQ(res.pa, 0x40001000);
	rd(t, 0xC0001FFC, &res);
	CHECK_EQ(res.source, TLB_FROM_MICRO);
	CHECK_EQ(valid_entries(t, TLB_DTLB), 2);
	tlb_entry_view v;
	CHECK(tlb_entry_get(t, TLB_DTLB, 1, &v) && v.va == 0xC0001000 && v.pa == 0x40001000);
	/* A by-VA op anywhere in the section removes every granule of it. */
	tlb_maint(t, TLB_OP_TLBIMVAA, 0xC00F0000);
	CHECK_EQ(valid_entries(t, TLB_DTLB) + valid_entries(t, TLB_MAIN), 0);
	tlb_free(t);
	guest_free(&g);
}

static unsigned walks_seen, fills_seen, evicts_seen, faults_seen, misses_seen;
static void on_miss(void *ctx, tlb_level_id level, uint32_t va)
{
	(void)ctx, (void)va;
	CHECK(level == TLB_DTLB || level == TLB_MAIN);
	misses_seen++;
}
static void on_walk(void *ctx, uint32_t va, const mmu_fault *f, const mmu_entry *e,
		    const mmu_trace *tr)
{
	(void)ctx, (void)va, (void)tr;
	CHECK((f->type == MMU_FAULT_NONE) == (e != NULL));
	walks_seen++;
}
static void on_fill(void *ctx, const tlb_entry_view *v) { (void)ctx, (void)v; fills_seen++; }
static void on_evict(void *ctx, const tlb_entry_view *v) { (void)ctx; CHECK(v->valid); evicts_seen++; }
static void on_fault(void *ctx, uint32_t va, mmu_kind k, const mmu_fault *f, uint32_t fsr)
{
	(void)ctx, (void)va, (void)k, (void)f, (void)fsr;
	faults_seen++;
}

static void test_observer_and_determinism(void)
{
	guest_init(&g);
	for (uint32_t p = 0; p < 40; p++)
		guest_map_page(&g, p << 12, 0x41000000 + (p << 12), p & 1 ? PT_NG : 0);
	uint64_t first[TLB_COUNTER_COUNT];
	for (unsigned run = 0; run < 2; run++) {
		tlb_config c = config(4, 16, 4);
		c.level[TLB_MAIN].policy = TLB_POLICY_RANDOM;
		tlb_t *t = tlb_new(&c);
		walks_seen = fills_seen = evicts_seen = faults_seen = misses_seen = 0;
		tlb_set_observer(t, &(tlb_observer){ .on_miss = on_miss, .on_walk = on_walk,
						     .on_fill = on_fill, .on_evict = on_evict,
						     .on_fault = on_fault });
		for (uint32_t i = 0; i < 500; i++) {
			uint32_t p = (i * 7 + i / 13) % 41;   /* page 40 is unmapped */
			guest_set_asid(&g, i % 3);
			rd(t, p << 12, &res);
			tlb_tick(t, 3);
		}
		/* Each successful walk fills main and the D micro TLB. */
		CHECK_EQ(walks_seen, cnt(t, TLB_CNT_walks_d));
		CHECK_EQ(fills_seen, cnt(t, TLB_CNT_fills_main) + cnt(t, TLB_CNT_fills_dtlb));
		CHECK_EQ(evicts_seen, cnt(t, TLB_CNT_evictions_main) + cnt(t, TLB_CNT_evictions_dtlb));
		CHECK_EQ(faults_seen, cnt(t, TLB_CNT_faults_translation));
		CHECK_EQ(misses_seen, cnt(t, TLB_CNT_dtlb_misses) + cnt(t, TLB_CNT_main_d_misses));
		CHECK(faults_seen > 0);
		CHECK_EQ(cnt(t, TLB_CNT_cycles), 3 * 500 + cnt(t, TLB_CNT_translation_cycles));
		for (tlb_counter k = 0; k < TLB_COUNTER_COUNT; k++) {
			if (run == 0)
				first[k] = cnt(t, k);
			else
				CHECK_EQ(cnt(t, k), first[k]);
		}

		/* The JSON names every counter; the summary prints every level. */
		char *buf;
		size_t len;
		FILE *f = open_memstream(&buf, &len);
		tlb_stats_json(t, f);
		fclose(f);
		for (tlb_counter k = 0; k < TLB_COUNTER_COUNT; k++) {
			char key[80];
			snprintf(key, sizeof key, "\"%s\": ", tlb_counter_name(k));
			CHECK(strstr(buf, key) != NULL);
		}
		CHECK(strstr(buf, "\"walk_cache\": null") != NULL);
		free(buf);
		f = open_memstream(&buf, &len);
		tlb_stats_print(t, f);
		fclose(f);
		CHECK(strstr(buf, "dtlb") && strstr(buf, "main (D)") && !strstr(buf, "walk_cache"));
		free(buf);
		tlb_free(t);
	}
	guest_free(&g);
}

int main(void)
{
	test_micro_and_main();
	test_snapshots();
	test_set_associative_non_power_of_two();
	test_absent_levels();
	test_walk_cache();
	test_replacement();
	test_maintenance_matching();
	test_side_specific_ops();
	test_lockdown();
	test_context_writes();
	test_stale_hazard();
	test_overlapping_micro_entries();
	test_replica_mismatches();
	test_faults_and_flat();
	test_micro_4k_granules();
	test_observer_and_determinism();
	return check_report();
}
