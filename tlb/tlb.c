/* The slow path of the TLB model: construction, lookups that miss the
 * micro TLB's hint, table walks, refills, replacement and the walk cache. */
#include <assert.h>
#include <stdlib.h>

#include "tlb/internal.h"

static const unsigned size_log2[TLB_SIZE_COUNT] = { 12, 16, 20, 24 };

unsigned tlb_size_log2(tlb_size size)
{
	return size_log2[size];
}

tlb_size tlb_size_of(const mmu_entry *e)
{
	for (tlb_size s = 0; s < TLB_SIZE_COUNT; s++)
		if (size_log2[s] == e->size_log2)
			return s;
	assert(!"mmu_entry with a page size the TLB does not know");
	return TLB_SIZE_4K;
}

/* ---- Construction ------------------------------------------------------ */

static const struct {
	tlb_counter lookups[2], hits[2], misses[2];
} level_counters[TLB_LEVEL_COUNT] = {
	[TLB_ITLB] = { { TLB_CNT_itlb_lookups, TLB_CNT_itlb_lookups },
		       { TLB_CNT_itlb_hits, TLB_CNT_itlb_hits },
		       { TLB_CNT_itlb_misses, TLB_CNT_itlb_misses } },
	[TLB_DTLB] = { { TLB_CNT_dtlb_lookups, TLB_CNT_dtlb_lookups },
		       { TLB_CNT_dtlb_hits, TLB_CNT_dtlb_hits },
		       { TLB_CNT_dtlb_misses, TLB_CNT_dtlb_misses } },
	[TLB_MAIN] = { { TLB_CNT_main_i_lookups, TLB_CNT_main_d_lookups },
		       { TLB_CNT_main_i_hits, TLB_CNT_main_d_hits },
		       { TLB_CNT_main_i_misses, TLB_CNT_main_d_misses } },
	[TLB_WALK_CACHE] = { { TLB_CNT_walk_cache_lookups, TLB_CNT_walk_cache_lookups },
			     { TLB_CNT_walk_cache_hits, TLB_CNT_walk_cache_hits },
			     { TLB_CNT_walk_cache_misses, TLB_CNT_walk_cache_misses } },
};

static const tlb_counter fill_counter[TLB_LEVEL_COUNT] = {
	TLB_CNT_fills_itlb, TLB_CNT_fills_dtlb, TLB_CNT_fills_main, TLB_CNT_fills_walk_cache
};
static const tlb_counter eviction_counter[TLB_LEVEL_COUNT] = {
	TLB_CNT_evictions_itlb, TLB_CNT_evictions_dtlb, TLB_CNT_evictions_main,
	TLB_CNT_evictions_walk_cache
};

static void slot_make_empty(tlb_slot *s)
{
	s->key = 1;
	s->key_mask = 0;
	s->tag = 0;
}

static bool slot_is_valid(const tlb_slot *s)
{
	return s->key_mask != 0;
}

/* splitmix64: a full-period generator whose stream depends only on the seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}


static bool level_init(tlb_t *t, tlb_level_id id)
{
	const tlb_level_config *c = &t->cfg.level[id];
	tlb_level *l = &t->level[id];

	l->id = id;
	for (unsigned side = 0; side < 2; side++) {
		l->lookups[side] = level_counters[id].lookups[side];
		l->hits[side] = level_counters[id].hits[side];
		l->misses[side] = level_counters[id].misses[side];
	}
	if (c->entries == 0)
		return true;
	l->ways = c->ways;
	l->sets = c->entries / c->ways;
	l->lockable = c->lockable;
	l->latency = c->latency;
	l->policy = c->policy;
	/* Each level draws its own stream so that adding a level does not
	 * change the victims another level picks. */
	l->rng = t->cfg.seed ^ (0x100000001B3ull * (id + 1));
	l->slots = calloc(c->entries + c->lockable, sizeof *l->slots);
	l->set_state = calloc(l->sets, sizeof *l->set_state);
	if (!l->slots || !l->set_state)
		return false;
	for (unsigned i = 0; i < c->entries + c->lockable; i++)
		slot_make_empty(&l->slots[i]);
	return true;
}

tlb_t *tlb_new(const tlb_config *cfg)
{
	if (tlb_config_validate(cfg, NULL, 0) != 0)
		return NULL;
	tlb_t *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cfg = *cfg;
	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
		if (!level_init(t, id)) {
			tlb_free(t);
			return NULL;
		}
	}
	t->micro[0] = t->level[TLB_ITLB].slots ? &t->level[TLB_ITLB] : NULL;
	t->micro[1] = t->level[TLB_DTLB].slots ? &t->level[TLB_DTLB] : NULL;
	return t;
}

void tlb_free(tlb_t *t)
{
	if (!t)
		return;
	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
		free(t->level[id].slots);
		free(t->level[id].set_state);
	}
	free(t);
}

const tlb_config *tlb_get_config(const tlb_t *t)
{
	return &t->cfg;
}

void tlb_set_observer(tlb_t *t, const tlb_observer *obs)
{
	if (obs)
		t->obs = *obs;
	else
		memset(&t->obs, 0, sizeof t->obs);
}

void tlb_lockdown(tlb_t *t, bool preserve, unsigned victim)
{
	unsigned lockable = t->level[TLB_MAIN].lockable;
	t->lock_preserve = preserve && lockable > 0;
	t->lock_victim = lockable ? victim % lockable : 0;
}

/* ---- Lookup -------------------------------------------------------------- */

static unsigned set_of(const tlb_level *l, uint32_t key, unsigned shift)
{
	return (key >> shift) % l->sets;
}

/* The one lookup routine of every level.  A set-associative level holding
 * several page sizes is probed once per size present, each time in the set
 * that size's page number selects; lockdown slots are always searched. */
int tlb_level_search(const tlb_level *l, uint32_t key, unsigned asid)
{
	unsigned assoc = l->sets * l->ways;

	if (l->sets == 1) {
		int way = tlb_slots_search(l->slots, l->ways, key, asid);
		if (way >= 0)
			return way;
	} else {
		for (uint32_t shifts = l->shifts_present; shifts; shifts &= shifts - 1) {
			unsigned base = set_of(l, key, (unsigned)__builtin_ctz(shifts)) * l->ways;
			for (unsigned way = 0; way < l->ways; way++)
				if (tlb_slot_matches(&l->slots[base + way], key, asid))
					return (int)(base + way);
		}
	}
	int locked = tlb_slots_search(l->slots + assoc, l->lockable, key, asid);
	return locked >= 0 ? (int)assoc + locked : -1;
}

mmu_fault tlb_check_slow(tlb_slot *s, const mmu_regime *r, mmu_kind kind, bool user)
{
	mmu_fault f = mmu_check(&s->e, r, kind, user);
	if (s->check_dacr != r->dacr || s->check_afe != (r->sctlr & MMU_SCTLR_AFE)) {
		s->check_dacr = r->dacr;
		s->check_afe = r->sctlr & MMU_SCTLR_AFE;
		s->check_ok = 0;
	}
	if (f.type == MMU_FAULT_NONE)
		s->check_ok |= (uint8_t)(1u << (kind * 2 + user));
	return f;
}

/* ---- Replacement --------------------------------------------------------- */

/* PLRU: a binary tree over the ways of a set, node n (1-based, heap order)
 * in bit n of the set's state; a bit points at the half to evict next. */
void tlb_touch_slow(tlb_level *l, unsigned index)
{
	if (index >= l->sets * l->ways)
		return;         /* lockdown slots take no part in replacement */
	uint64_t *bits = &l->set_state[index / l->ways];
	for (unsigned node = l->ways + index % l->ways; node > 1; node /= 2) {
		unsigned parent = node / 2;
		if (node & 1)   /* used the right half: evict from the left */
			*bits &= ~(1ull << parent);
		else
			*bits |= 1ull << parent;
	}
}

static unsigned plru_victim(const tlb_level *l, unsigned set)
{
	unsigned node = 1;
	while (node < l->ways)
		node = 2 * node + (unsigned)(l->set_state[set] >> node & 1);
	return node - l->ways;
}

/* An empty way if the set has one (lowest first), else the policy's choice. */
static unsigned pick_way(tlb_level *l, unsigned set)
{
	const tlb_slot *ways = &l->slots[set * l->ways];
	unsigned victim = 0;

	for (unsigned way = 0; way < l->ways; way++)
		if (!slot_is_valid(&ways[way]))
			return way;
	switch (l->policy) {
	case TLB_POLICY_LRU:
		for (unsigned way = 1; way < l->ways; way++)
			if (ways[way].stamp < ways[victim].stamp)
				victim = way;
		break;
	case TLB_POLICY_PLRU:
		victim = plru_victim(l, set);
		break;
	case TLB_POLICY_FIFO:
		victim = (unsigned)l->set_state[set];
		l->set_state[set] = (victim + 1) % l->ways;
		break;
	case TLB_POLICY_RANDOM:
		victim = (unsigned)(next_random(&l->rng) % l->ways);
		break;
	case TLB_POLICY_COUNT:
		assert(!"bad policy");
	}
	return victim;
}

/* ---- Entries ------------------------------------------------------------- */

void tlb_entry_view_of(const tlb_t *t, tlb_level_id id, unsigned index, tlb_entry_view *v)
{
	const tlb_level *l = &t->level[id];
	const tlb_slot *s = &l->slots[index];
	unsigned assoc = l->sets * l->ways;

	memset(v, 0, sizeof *v);
	v->level = id;
	v->index = index;
	v->locked = index >= assoc;
	v->set = v->locked ? l->sets : index / l->ways;
	v->way = v->locked ? index - assoc : index % l->ways;
	v->valid = slot_is_valid(s);
	if (!v->valid)
		return;
	v->global = s->tag == TLB_TAG_GLOBAL;
	v->asid = (uint8_t)s->tag;
	v->size = s->size;
	v->entry = &s->e;
	if (id == TLB_WALK_CACHE) {
		v->va = s->e.va_base;
		v->pa = s->e.l1_addr;
	} else {
		v->va = s->key;
		v->pa = s->e.pa_base + (s->key - s->e.va_base);
	}
}

/* How many other valid slots of a micro TLB share an access with slot
 * index (their pages intersect and their tags can both match); 0 for the
 * other levels, which do not count overlaps. */
static unsigned overlaps_of(const tlb_level *l, unsigned index)
{
	const tlb_slot *s = &l->slots[index];
	unsigned n = 0;
	if (l->id != TLB_ITLB && l->id != TLB_DTLB)
		return 0;
	for (unsigned i = 0; i < l->sets * l->ways; i++) {
		const tlb_slot *o = &l->slots[i];
		bool intersect = !((s->key ^ o->key) & s->key_mask & o->key_mask);
		if (i != index && slot_is_valid(o) && intersect &&
		    (s->tag == o->tag || s->tag == TLB_TAG_GLOBAL || o->tag == TLB_TAG_GLOBAL))
			n++;
	}
	return n;
}

void tlb_slot_clear(tlb_level *l, unsigned index)
{
	tlb_slot *s = &l->slots[index];
	l->overlaps -= overlaps_of(l, index);
	if (index < l->sets * l->ways) {
		unsigned shift = (unsigned)__builtin_ctz(s->key_mask);
		if (--l->shift_count[shift] == 0)
			l->shifts_present &= ~(1u << shift);
	}
	slot_make_empty(s);
}

/* Puts `entry` into level l: a lockdown slot while lockdown is on (main TLB),
 * else the set its key granule indexes, replacing a victim if needed. */
static unsigned level_fill(tlb_t *t, tlb_level *l, const tlb_slot *entry)
{
	unsigned shift = (unsigned)__builtin_ctz(entry->key_mask);
	unsigned index;
	tlb_entry_view view;

	if (l->id == TLB_MAIN && t->lock_preserve) {
		index = l->sets * l->ways + t->lock_victim;
		t->lock_victim = (t->lock_victim + 1) % l->lockable;
	} else {
		unsigned set = set_of(l, entry->key, shift);
		index = set * l->ways + pick_way(l, set);
	}
	if (slot_is_valid(&l->slots[index])) {
		t->count[eviction_counter[l->id]]++;
		if (t->obs.on_evict) {
			tlb_entry_view_of(t, l->id, index, &view);
			t->obs.on_evict(t->obs.ctx, &view);
		}
		tlb_slot_clear(l, index);
	}
	l->slots[index] = *entry;
	if (index < l->sets * l->ways) {
		l->shift_count[shift]++;
		l->shifts_present |= 1u << shift;
	}
	l->slots[index].stamp = ++l->clock;
	if (l->policy == TLB_POLICY_PLRU)
		tlb_touch_slow(l, index);
	l->overlaps += overlaps_of(l, index);
	tlb_set_hint(l, index);
	t->count[fill_counter[l->id]]++;
	if (t->obs.on_fill) {
		tlb_entry_view_of(t, l->id, index, &view);
		t->obs.on_fill(t->obs.ctx, &view);
	}
	return index;
}

/* Micro TLBs of cores like Cortex-A15 hold 4 KB granules only: the copy keys
 * on the accessed 4 KB page but keeps the whole mapping (va_base, size), so
 * a by-VA maintenance op anywhere in a section still removes it. */
static void fill_micro(tlb_t *t, tlb_level *micro, const tlb_slot *from, uint32_t va)
{
	tlb_slot copy = *from;
	if (t->cfg.micro_4k_only) {
		copy.key_mask = ~0xFFFu;
		copy.key = va & copy.key_mask;
	}
	level_fill(t, micro, &copy);
}

static const uint8_t *host_word(const mmu_mem *m, uint32_t pa)
{
	for (unsigned i = 0; i < m->nram; i++) {
		const mmu_ram *ram = &m->ram[i];
		if (pa >= ram->pa && pa - ram->pa <= ram->size - 4)
			return ram->host + (pa - ram->pa);
	}
	assert(!"a descriptor the walker read is not in RAM");
	return NULL;
}

static void slot_from_walk(tlb_slot *s, const mmu_entry *e, uint8_t asid, const mmu_mem *m)
{
	memset(s, 0, sizeof *s);
	s->size = (uint8_t)tlb_size_of(e);
	s->key_mask = ~((1u << size_log2[s->size]) - 1);
	s->key = e->va_base & s->key_mask;
	s->tag = e->ng ? asid : TLB_TAG_GLOBAL;
	s->e = *e;
	s->l1_host = host_word(m, e->l1_addr);
	if (e->levels == 2) {
		s->l2_host = host_word(m, e->l2_addr);
		s->l2_desc = e->l2_desc;
	} else {
		s->l2_host = s->l1_host;
		s->l2_desc = e->l1_desc;
	}
}

/* ---- Walks and the walk cache -------------------------------------------- */

/* One walk in progress, as fetch_cost sees it. */
struct walk_ctx {
	tlb_t *t;
	uint32_t va;
	unsigned cycles;
	bool cache_pending;     /* its L1 fetch missed the walk cache */
	uint32_t cache_l1;      /* ... at this descriptor address */
};

/* mmu_walk's descriptor reads come through here: count them and charge
 * them.  The walk cache holds level-1 table descriptors (sections are the
 * TLB's business): an L1 fetch looks it up, and a level-2 fetch that follows
 * a miss proves the L1 word was a table descriptor worth caching. */
static unsigned fetch_cost(void *ctx, unsigned level, uint32_t desc_pa)
{
	struct walk_ctx *w = ctx;
	tlb_t *t = w->t;
	tlb_level *wc = &t->level[TLB_WALK_CACHE];
	unsigned cost = t->cfg.memory_latency;

	if (level == 1) {
		t->count[TLB_CNT_walk_steps_l1]++;
		w->cache_pending = false;
		if (wc->slots) {
			int hit = tlb_level_search(wc, desc_pa, TLB_TAG_GLOBAL);
			t->count[TLB_CNT_walk_cache_lookups]++;
			if (hit >= 0) {
				t->count[TLB_CNT_walk_cache_hits]++;
				if (wc->policy == TLB_POLICY_LRU)
					wc->slots[hit].stamp = ++wc->clock;
				else if (wc->policy == TLB_POLICY_PLRU)
					tlb_touch_slow(wc, (unsigned)hit);
				cost = wc->latency;
			} else {
				t->count[TLB_CNT_walk_cache_misses]++;
				w->cache_pending = true;
				w->cache_l1 = desc_pa;
				cost += wc->latency;
			}
		}
	} else {
		t->count[TLB_CNT_walk_steps_l2]++;
		if (w->cache_pending) {
			tlb_slot s = { .key = w->cache_l1, .key_mask = ~3u,
				       .tag = TLB_TAG_GLOBAL, .size = TLB_SIZE_1M };
			s.e.va_base = w->va & 0xFFF00000u;
			s.e.size_log2 = 20;
			s.e.l1_addr = w->cache_l1;
			level_fill(t, wc, &s);
			w->cache_pending = false;
		}
	}
	w->cycles += cost;
	return cost;
}

static const tlb_counter fault_counter[] = {
	[MMU_FAULT_ALIGNMENT] = TLB_CNT_faults_alignment,
	[MMU_FAULT_TRANSLATION] = TLB_CNT_faults_translation,
	[MMU_FAULT_ACCESS_FLAG] = TLB_CNT_faults_access_flag,
	[MMU_FAULT_DOMAIN] = TLB_CNT_faults_domain,
	[MMU_FAULT_PERMISSION] = TLB_CNT_faults_permission,
	[MMU_FAULT_EXT_ABORT_WALK] = TLB_CNT_faults_ext_abort_walk,
};

int tlb_fault_slow(tlb_t *t, uint32_t va, mmu_kind kind, uint8_t asid, const mmu_fault *f,
		   tlb_result *out)
{
	assert(f->type > MMU_FAULT_NONE &&
	       (size_t)f->type < sizeof fault_counter / sizeof fault_counter[0]);
	t->count[fault_counter[f->type]]++;
	t->asid[asid].faults++;
	out->fault = *f;
	out->pa = 0;
	out->fsr = mmu_fsr(f, kind);
	out->far = va;
	if (t->obs.on_fault)
		t->obs.on_fault(t->obs.ctx, va, kind, f, out->fsr);
	return (int)f->type;
}

/* A slot whose descriptor changed where it was read can still hold the
 * translation the tables give now: a global kernel entry filled while a
 * process's pgd was current, the pgd freed since (Linux copies the
 * kernel's L1 entries into every pgd: pgd_alloc, arch/arm/mm/pgd.c).
 * Such a slot moves to where the current tables hold its descriptors;
 * only a changed translation is stale. */
static bool still_translates(tlb_slot *s, const mmu_regime *r, const mmu_mem *m)
{
	mmu_entry now;
	mmu_fault f = mmu_translate(r, s->e.va_base, MMU_READ, false, 1, m, NULL, &now, NULL);
	if (f.type != MMU_FAULT_NONE || now.levels != s->e.levels || now.l1_desc != s->e.l1_desc ||
	    (now.levels == 2 && now.l2_desc != s->l2_desc))
		return false;
	s->e.l1_addr = now.l1_addr;
	s->e.l2_addr = now.l2_addr;
	s->l1_host = host_word(m, now.l1_addr);
	s->l2_host = now.levels == 2 ? host_word(m, now.l2_addr) : s->l1_host;
	return true;
}

bool tlb_report_stale(tlb_t *t, tlb_level *l, tlb_slot *s, const mmu_regime *r,
		      const mmu_mem *m, uint32_t va, mmu_kind kind, uint8_t asid, uint32_t pc)
{
	if (still_translates(s, r, m))
		return false;
	t->count[TLB_CNT_stale_hits]++;
	if (s->hazard_reported)
		return true;
	s->hazard_reported = true;
	t->count[TLB_CNT_stale_hazards]++;
	t->asid[asid].hazards++;
	if (!t->obs.on_hazard)
		return true;

	uint32_t l1_now = tlb_load_le32(s->l1_host);
	bool l1_changed = l1_now != s->e.l1_desc;
	tlb_hazard h = {
		.va = va, .pc = pc, .asid = asid, .kind = kind, .level = l->id,
		.desc_level = l1_changed ? 1 : 2,
		.desc_pa = l1_changed ? s->e.l1_addr : s->e.l2_addr,
		.value_at_fill = l1_changed ? s->e.l1_desc : s->l2_desc,
		.value_now = l1_changed ? l1_now : tlb_load_le32(s->l2_host),
		.entry_va = s->e.va_base, .size = s->size,
	};
	t->obs.on_hazard(t->obs.ctx, &h);
	return true;
}

static void charge(tlb_t *t, tlb_result *out, unsigned cycles)
{
	out->cycles += cycles;
	t->count[TLB_CNT_translation_cycles] += cycles;
}

/* A lookup that found nothing: counted as a miss and still charged. */
static void count_miss(tlb_t *t, const tlb_level *l, unsigned side, uint32_t va,
		       tlb_result *out)
{
	t->count[l->lookups[side]]++;
	t->count[l->misses[side]]++;
	charge(t, out, l->latency);
	if (t->obs.on_miss)
		t->obs.on_miss(t->obs.ctx, l->id, va);
}

/* The walk after every level missed (or a stale entry was dropped): walk,
 * count, fill the levels, then check the fresh entry. */
static int walk_and_fill(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
			 mmu_kind kind, bool user, tlb_result *out)
{
	unsigned side = kind != MMU_FETCH;
	uint8_t asid = r->contextidr & 0xFF;
	tlb_level *micro = t->micro[side];
	tlb_level *main = t->level[TLB_MAIN].slots ? &t->level[TLB_MAIN] : NULL;

	mmu_entry e;
	mmu_trace trace;
	struct walk_ctx w = { .t = t, .va = va };
	const mmu_hooks hooks = { .fetch_cost = fetch_cost, .ctx = &w,
				  .mem_latency = t->cfg.memory_latency };
	mmu_fault f = mmu_walk(r, va, m, &hooks, &e, &trace);
	t->count[side ? TLB_CNT_walks_d : TLB_CNT_walks_i]++;
	t->asid[asid].walks++;
	charge(t, out, w.cycles);
	out->source = TLB_FROM_WALK;
	if (f.type != MMU_FAULT_NONE) {
		if (t->obs.on_walk)
			t->obs.on_walk(t->obs.ctx, va, &f, NULL, &trace);
		return tlb_fault_slow(t, va, kind, asid, &f, out);
	}
	if (t->obs.on_walk)
		t->obs.on_walk(t->obs.ctx, va, &f, &e, &trace);

	if (mmu_replica_mismatch(&e, m) >= 0)
		t->count[TLB_CNT_replica_mismatches]++;
	tlb_slot fresh;
	slot_from_walk(&fresh, &e, asid, m);
	t->size[fresh.size].walks++;
	if (main)
		out->entry = &main->slots[level_fill(t, main, &fresh)].e;
	if (micro) {
		fill_micro(t, micro, &fresh, va);
		if (!main)
			out->entry = &micro->slots[micro->hint].e;
	}
	if (!out->entry) {
		/* No TLB on this side: the walk result is used once. */
		t->walked = e;
		out->entry = &t->walked;
	}
	out->fault = mmu_check(out->entry, r, kind, user);
	if (out->fault.type != MMU_FAULT_NONE)
		return tlb_fault_slow(t, va, kind, asid, &out->fault, out);
	out->pa = out->entry->pa_base + (va - out->entry->va_base);
	return 0;
}

int tlb_refault_slow(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
		     mmu_kind kind, bool user, tlb_result *out)
{
	t->count[TLB_CNT_stale_refaults]++;
	tlb_drop_translation(t, va, r->contextidr & 0xFF);
	return walk_and_fill(t, r, m, va, kind, user, out);
}

int tlb_access_slow(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
		    mmu_kind kind, bool user, unsigned size, uint32_t pc, tlb_result *out)
{
	unsigned side = kind != MMU_FETCH;
	uint8_t asid = r->contextidr & 0xFF;
	tlb_level *micro = t->micro[side];
	tlb_level *main = t->level[TLB_MAIN].slots ? &t->level[TLB_MAIN] : NULL;
	int index;

	out->cycles = 0;
	out->entry = NULL;
	out->fsr = out->far = 0;
	if (!(r->sctlr & TLB_SCTLR_M)) {
		t->count[TLB_CNT_mmu_off_accesses]++;
		out->source = TLB_FROM_FLAT;
		out->fault = (mmu_fault){ .type = MMU_FAULT_NONE };
		out->pa = va;
		return 0;
	}
	if ((r->sctlr & TLB_SCTLR_A) && size > 1 && (va & (size - 1))) {
		out->source = TLB_FROM_NONE;
		return tlb_fault_slow(t, va, kind, asid,
				      &(mmu_fault){ .type = MMU_FAULT_ALIGNMENT }, out);
	}
	t->count[TLB_CNT_accesses]++;
	t->asid[asid].lookups++;

	if (micro) {
		index = tlb_level_search(micro, va, asid);
		if (index >= 0) {
			out->source = TLB_FROM_MICRO;
			return tlb_hit(t, micro, (unsigned)index, r, m, va, kind, user, pc, out);
		}
		count_miss(t, micro, side, va, out);
	}
	if (main) {
		index = tlb_level_search(main, va, asid);
		if (index >= 0) {
			out->source = TLB_FROM_MAIN;
			int rc = tlb_hit(t, main, (unsigned)index, r, m, va, kind, user, pc, out);
			if (micro && out->source == TLB_FROM_MAIN) /* not re-walked */
				fill_micro(t, micro, &main->slots[index], va);
			return rc;
		}
		count_miss(t, main, side, va, out);
	}

	return walk_and_fill(t, r, m, va, kind, user, out);
}

/* ---- Iteration ------------------------------------------------------------ */

tlb_level_info tlb_level_get_info(const tlb_t *t, tlb_level_id id)
{
	const tlb_level *l = &t->level[id];
	return (tlb_level_info){ .present = l->slots != NULL, .sets = l->sets, .ways = l->ways,
				 .lockable = l->lockable, .latency = l->latency,
				 .policy = l->policy };
}

unsigned tlb_entry_count(const tlb_t *t, tlb_level_id id)
{
	const tlb_level *l = &t->level[id];
	return l->slots ? l->sets * l->ways + l->lockable : 0;
}

bool tlb_entry_get(const tlb_t *t, tlb_level_id id, unsigned index, tlb_entry_view *out)
{
	if ((unsigned)id >= TLB_LEVEL_COUNT || index >= tlb_entry_count(t, id))
		return false;
	tlb_entry_view_of(t, id, index, out);
	return true;
}
