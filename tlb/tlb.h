/* tlb/ — a configurable ARMv7-A TLB hierarchy: micro TLBs (I and D), a
 * unified main TLB with optional lockdown entries, and an optional walk cache
 * for level-1 descriptors.  Every access is charged cycles and counted; the
 * translation itself comes from mmu/ (walk on a miss, permission check with
 * the current regime on every hit).
 *
 * The hit path (tlb_access finding its translation in the micro TLB) is
 * inline and allocation-free; everything else lives in the .c files.  The
 * structures below the "inline hit path" line are visible only so that the
 * compiler can inline it: callers treat tlb_t as opaque. */
#ifndef MMUSCOPE_TLB_TLB_H
#define MMUSCOPE_TLB_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mmu/mmu.h"

/* ------------------------------------------------------------------------ */
/* Organisation                                                              */

typedef enum tlb_level_id {
	TLB_ITLB,               /* instruction micro TLB */
	TLB_DTLB,               /* data micro TLB */
	TLB_MAIN,               /* unified main TLB */
	TLB_WALK_CACHE,         /* level-1 descriptors, keyed by descriptor address */
	TLB_LEVEL_COUNT
} tlb_level_id;

typedef enum tlb_policy {
	TLB_POLICY_LRU,
	TLB_POLICY_PLRU,        /* binary tree; ways must be a power of two */
	TLB_POLICY_FIFO,        /* round-robin pointer per set */
	TLB_POLICY_RANDOM,      /* deterministic PRNG seeded from tlb_config.seed */
	TLB_POLICY_COUNT
} tlb_policy;

typedef struct tlb_level_config {
	unsigned entries;       /* 0: the level is absent */
	unsigned ways;          /* sets = entries / ways; ways == entries: fully associative */
	unsigned latency;       /* cycles charged for every lookup of this level */
	unsigned lockable;      /* extra lockdown entries (main TLB only) */
	tlb_policy policy;
} tlb_level_config;

typedef struct tlb_config {
	char name[64];
	tlb_level_config level[TLB_LEVEL_COUNT];
	unsigned memory_latency;        /* cycles per descriptor fetched from memory */
	unsigned base_cpi;              /* cycles per retired instruction */
	uint64_t seed;                  /* random replacement */
	bool micro_4k_only;             /* micro entries hold 4 KB granules (Cortex-A15) */
	bool micro_flush_on_context_write; /* Cortex-A5: see tlb_context_write */
	bool micro_flush_on_maintenance;   /* any maintenance op empties both micro TLBs */
} tlb_config;

/* A configuration with every level absent and the documented defaults. */
void tlb_config_default(tlb_config *cfg);

/* Loads a preset: a bare name (no '/', no ".tlb" suffix) from the presets
 * directory ($MMUSCOPE_PRESETS, else MMUSCOPE_SOURCE_DIR "/presets"), or a
 * path.  Returns 0, or -1 with one line "file:line: field: problem" in err. */
int tlb_preset_load(const char *name_or_path, tlb_config *cfg, char *err, size_t errlen);
/* Parses preset text already in memory; `file` only names it in errors. */
int tlb_preset_parse(const char *text, const char *file, tlb_config *cfg, char *err,
		     size_t errlen);
/* The names of the presets directory's *.tlb files, sorted, joined by ", ".
 * Returns the number of presets (0 when the directory cannot be read). */
unsigned tlb_preset_list(char *buf, size_t buflen);
const char *tlb_policy_name(tlb_policy policy);
const char *tlb_level_name(tlb_level_id level);

/* ------------------------------------------------------------------------ */
/* Maintenance operations: MCR p15, 0, Rt, c8, CRm, opc2                      */

/* X(ENUM_NAME, counter_name, CRm, opc2, scope, side) */
#define TLB_MAINT_OPS(X, A)                                  \
	X(A, TLBIALLIS, tlbiallis, 3, 0, ALL, BOTH)          \
	X(A, TLBIMVAIS, tlbimvais, 3, 1, MVA, BOTH)          \
	X(A, TLBIASIDIS, tlbiasidis, 3, 2, ASID, BOTH)       \
	X(A, TLBIMVAAIS, tlbimvaais, 3, 3, MVAA, BOTH)       \
	X(A, ITLBIALL, itlbiall, 5, 0, ALL, INSN)            \
	X(A, ITLBIMVA, itlbimva, 5, 1, MVA, INSN)            \
	X(A, ITLBIASID, itlbiasid, 5, 2, ASID, INSN)         \
	X(A, DTLBIALL, dtlbiall, 6, 0, ALL, DATA)            \
	X(A, DTLBIMVA, dtlbimva, 6, 1, MVA, DATA)            \
	X(A, DTLBIASID, dtlbiasid, 6, 2, ASID, DATA)         \
	X(A, TLBIALL, tlbiall, 7, 0, ALL, BOTH)              \
	X(A, TLBIMVA, tlbimva, 7, 1, MVA, BOTH)              \
	X(A, TLBIASID, tlbiasid, 7, 2, ASID, BOTH)           \
	X(A, TLBIMVAA, tlbimvaa, 7, 3, MVAA, BOTH)

#define TLB_OP_ENUM_(A, op, name, crm, opc2, scope, side) TLB_OP_##op,
typedef enum tlb_op { TLB_MAINT_OPS(TLB_OP_ENUM_, _) TLB_OP_COUNT } tlb_op;
#undef TLB_OP_ENUM_

/* Maps an MCR p15, 0, Rt, c8, CRm, opc2 to its op; false if it is none. */
bool tlb_op_decode(unsigned crm, unsigned opc2, tlb_op *op);
const char *tlb_op_name(tlb_op op);         /* "TLBIMVA" */

/* ------------------------------------------------------------------------ */
/* Statistics: the one list of counters                                     */

#define TLB_FLUSH_COUNTER_(X, op, name, crm, opc2, scope, side) \
	X(flush_##name, #op " operations")

#define TLB_COUNTERS(X)                                                                     \
	X(instructions, "instructions retired (tlb_tick)")                                 \
	X(cycles, "cycles: base CPI x instructions + translation cycles")                  \
	X(translation_cycles, "cycles spent in TLB lookups and descriptor fetches")         \
	X(accesses, "accesses translated with the MMU on")                                  \
	X(mmu_off_accesses, "accesses with the MMU off (flat, no lookup)")                  \
	X(itlb_lookups, "instruction micro TLB lookups")                                   \
	X(itlb_hits, "instruction micro TLB hits")                                         \
	X(itlb_misses, "instruction micro TLB misses")                                     \
	X(dtlb_lookups, "data micro TLB lookups")                                          \
	X(dtlb_hits, "data micro TLB hits")                                                \
	X(dtlb_misses, "data micro TLB misses")                                            \
	X(main_i_lookups, "main TLB lookups for instruction fetches")                      \
	X(main_i_hits, "main TLB hits for instruction fetches")                            \
	X(main_i_misses, "main TLB misses for instruction fetches")                        \
	X(main_d_lookups, "main TLB lookups for data accesses")                            \
	X(main_d_hits, "main TLB hits for data accesses")                                  \
	X(main_d_misses, "main TLB misses for data accesses")                              \
	X(walks_i, "table walks for instruction fetches")                                  \
	X(walks_d, "table walks for data accesses")                                        \
	X(walk_steps_l1, "level-1 descriptor fetches")                                     \
	X(walk_steps_l2, "level-2 descriptor fetches")                                     \
	X(walk_cache_lookups, "walk cache lookups (level-1 descriptor fetches)")            \
	X(walk_cache_hits, "walk cache hits")                                              \
	X(walk_cache_misses, "walk cache misses")                                          \
	X(fills_itlb, "instruction micro TLB fills")                                       \
	X(fills_dtlb, "data micro TLB fills")                                              \
	X(fills_main, "main TLB fills")                                                    \
	X(fills_walk_cache, "walk cache fills")                                            \
	X(evictions_itlb, "valid instruction micro TLB entries replaced")                  \
	X(evictions_dtlb, "valid data micro TLB entries replaced")                         \
	X(evictions_main, "valid main TLB entries replaced")                               \
	X(evictions_walk_cache, "valid walk cache entries replaced")                       \
	X(faults_alignment, "alignment faults")                                            \
	X(faults_translation, "translation faults")                                        \
	X(faults_access_flag, "access flag faults")                                        \
	X(faults_domain, "domain faults")                                                  \
	X(faults_permission, "permission faults")                                          \
	X(faults_ext_abort_walk, "external aborts on a table walk")                         \
	TLB_MAINT_OPS(TLB_FLUSH_COUNTER_, X)                                                \
	X(entries_invalidated, "valid entries removed by maintenance and context flushes")  \
	X(micro_context_flushes, "micro TLB flushes caused by context register writes")     \
	X(stale_hazards, "stale-TLB hazards: first hit on an entry whose descriptor changed") \
	X(stale_hits, "hits served from an entry whose descriptor changed since its fill")  \
	X(stale_refaults, "stale hits whose check faulted: walked again, as QEMU does")     \
	X(replica_mismatches, "walks of a supersection or large page whose 16 copies differ")

#define TLB_COUNTER_ENUM_(name, desc) TLB_CNT_##name,
typedef enum tlb_counter { TLB_COUNTERS(TLB_COUNTER_ENUM_) TLB_COUNTER_COUNT } tlb_counter;
#undef TLB_COUNTER_ENUM_

const char *tlb_counter_name(tlb_counter c);
const char *tlb_counter_desc(tlb_counter c);

/* Counters split by the ASID current at the access. */
typedef struct tlb_asid_stats {
	uint64_t lookups, walks, faults, hazards;
} tlb_asid_stats;

/* Page sizes in entry order; index with tlb_size_index(). */
typedef enum tlb_size { TLB_SIZE_4K, TLB_SIZE_64K, TLB_SIZE_1M, TLB_SIZE_16M, TLB_SIZE_COUNT } tlb_size;
/* Counters split by the page size of the translation used. */
typedef struct tlb_size_stats {
	uint64_t hits, walks;   /* hits at any level; walks that produced this size */
} tlb_size_stats;

/* Every counter at one moment (tlb_stats_snapshot), or the difference of
 * two moments (tlb_stats_sub): a region of interest between two markers.
 * count[TLB_CNT_cycles] is 0 as in the model; read counters with
 * tlb_stats_counter, which derives it. */
typedef struct tlb_stats {
	uint64_t count[TLB_COUNTER_COUNT];
	tlb_asid_stats asid[256];
	tlb_size_stats size[TLB_SIZE_COUNT];
} tlb_stats;

/* ------------------------------------------------------------------------ */
/* Events for observers (heatmap, UI)                                        */

/* A hit on an entry whose source descriptor in guest RAM no longer holds the
 * value it was filled from, with no maintenance operation since. */
typedef struct tlb_hazard {
	uint32_t va, pc;
	uint8_t asid;
	mmu_kind kind;
	tlb_level_id level;             /* the level that served the stale entry */
	unsigned desc_level;            /* 1 or 2: which descriptor changed */
	uint32_t desc_pa, value_at_fill, value_now;
	uint32_t entry_va;              /* base of the page the entry maps */
	tlb_size size;
} tlb_hazard;

/* One entry as the iteration API and the fill/evict observers see it. */
typedef struct tlb_entry_view {
	tlb_level_id level;
	unsigned index;                 /* 0 .. tlb_entry_count() - 1 */
	unsigned set, way;              /* lockdown entries: set == sets, way = lock slot */
	bool valid, locked, global;
	uint8_t asid;                   /* meaningful when !global */
	tlb_size size;                  /* the page the entry maps */
	uint32_t va;                    /* base VA of the entry's lookup key (walk cache: VA[31:20]) */
	uint64_t pa;                    /* PA of va (walk cache: the L1 descriptor address) */
	const mmu_entry *entry;         /* the cached translation; NULL when invalid */
} tlb_entry_view;

typedef struct tlb_observer {
	void *ctx;
	/* A lookup of a TLB level (not the walk cache) that found nothing. */
	void (*on_miss)(void *ctx, tlb_level_id level, uint32_t va);
	/* Every table walk; entry is NULL when the walk faulted. */
	void (*on_walk)(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
			const mmu_trace *trace);
	void (*on_fill)(void *ctx, const tlb_entry_view *entry);
	void (*on_evict)(void *ctx, const tlb_entry_view *entry);
	void (*on_hazard)(void *ctx, const tlb_hazard *hazard);
	/* Every fault an access gets, from a walk or from the check of a hit. */
	void (*on_fault)(void *ctx, uint32_t va, mmu_kind kind, const mmu_fault *fault,
			 uint32_t fsr);
} tlb_observer;

/* ------------------------------------------------------------------------ */
/* The model                                                                 */

typedef struct tlb tlb_t;

/* Returns NULL if the configuration is invalid (tlb_config_validate says
 * why) or memory runs out. */
tlb_t *tlb_new(const tlb_config *cfg);
void tlb_free(tlb_t *t);
/* 0, or -1 with "field: problem" in err (same checks as the preset loader). */
int tlb_config_validate(const tlb_config *cfg, char *err, size_t errlen);
const tlb_config *tlb_get_config(const tlb_t *t);
void tlb_set_observer(tlb_t *t, const tlb_observer *obs);   /* NULL: none */

typedef enum tlb_source {
	TLB_FROM_FLAT,          /* MMU off */
	TLB_FROM_MICRO,
	TLB_FROM_MAIN,
	TLB_FROM_WALK,
	TLB_FROM_NONE           /* alignment fault: nothing looked up */
} tlb_source;

typedef struct tlb_result {
	uint64_t pa;            /* valid when fault.type == MMU_FAULT_NONE */
	mmu_fault fault;
	uint32_t fsr, far;      /* DFSR/IFSR value and DFAR/IFAR for a fault */
	tlb_source source;
	unsigned cycles;        /* translation cycles charged to this access */
	const mmu_entry *entry; /* the translation used; valid until the next call */
} tlb_result;

/* CP15 registers whose writes the model hears about (emu/ calls
 * tlb_context_write after updating its mmu_regime copy). */
typedef enum tlb_context_reg {
	TLB_CTX_NONE, TLB_CTX_SCTLR, TLB_CTX_TTBR0, TLB_CTX_TTBR1, TLB_CTX_TTBCR,
	TLB_CTX_DACR, TLB_CTX_PRRR, TLB_CTX_NMRR, TLB_CTX_CONTEXTIDR
} tlb_context_reg;

/* int tlb_access(t, regime, mem, va, kind, user, size, pc, out): translate
 * one access of `size` bytes by the instruction at pc (defined below).
 * Returns 0 when it may proceed (out->pa), else the mmu_fault_type. */

int tlb_access_slow(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
		    mmu_kind kind, bool user, unsigned size, uint32_t pc, tlb_result *out);

void tlb_maint(tlb_t *t, tlb_op op, uint32_t rt);
/* The MCR p15, 0, rt, c8, crm, opc2 as emu/ decoded it; false (and nothing
 * happens) when the encoding is not a TLB maintenance operation. */
bool tlb_maint_mcr(tlb_t *t, unsigned crm, unsigned opc2, uint32_t rt);
/* A write to a translation-regime register.  Nothing in the main TLB is
 * flushed (ASIDs and DACR-at-lookup make that unnecessary); with
 * micro_flush_on_context_write, writes to CONTEXTIDR, DACR, PRRR, NMRR,
 * TTBR0 and TTBR1 empty both micro TLBs, as Cortex-A5 does. */
void tlb_context_write(tlb_t *t, tlb_context_reg reg);
/* Cortex-A9 style lockdown: while `preserve` is set, main-TLB fills go to
 * lockdown entry `victim`, which then advances (wrapping).  Lockdown entries
 * are never chosen by replacement, survive TLBIALL and TLBIASID, and are
 * removed only by a by-VA operation (TLBIMVA/TLBIMVAA and their forms) that
 * matches them — the rule of the ARM11/Cortex-A9 lockdown model. */
void tlb_lockdown(tlb_t *t, bool preserve, unsigned victim);

/* void tlb_tick(t, insns): advances the in-order cycle counter by base_cpi
 * per instruction (defined below: it comes with every translated block). */

uint64_t tlb_counter_get(const tlb_t *t, tlb_counter c);
const tlb_asid_stats *tlb_asid_stats_get(const tlb_t *t, uint8_t asid);
const tlb_size_stats *tlb_size_stats_get(const tlb_t *t, tlb_size size);
/* hits / lookups of a level (main: both sides); -1 when absent or unused. */
double tlb_hit_rate(const tlb_t *t, tlb_level_id level);
const char *tlb_size_name(tlb_size size);      /* "4K", "64K", "1M", "16M" */
unsigned tlb_size_log2(tlb_size size);         /* 12, 16, 20, 24 */
tlb_size tlb_size_of(const mmu_entry *e);
/* The per-level summary and hit rates, as `mmuscope run` prints it. */
void tlb_stats_print(const tlb_t *t, FILE *out);
/* One JSON object: preset, every counter by name, hit rates, per ASID
 * (ASIDs with lookups only) and per page size. No trailing newline. */
void tlb_stats_json(const tlb_t *t, FILE *out);

/* Snapshots: a copy of every counter (markers are rare; the access path
 * is not touched).  `to -= from`, counter by counter, per ASID and per
 * page size included. */
void tlb_stats_snapshot(const tlb_t *t, tlb_stats *out);
void tlb_stats_sub(tlb_stats *to, const tlb_stats *from);
/* The same readings as above, of a snapshot or difference; t gives the
 * organisation (levels present, base CPI for the derived cycles). */
uint64_t tlb_stats_counter(const tlb_t *t, const tlb_stats *s, tlb_counter c);
double tlb_stats_hit_rate(const tlb_t *t, const tlb_stats *s, tlb_level_id level);
void tlb_stats_print_of(const tlb_t *t, const tlb_stats *s, FILE *out);
/* The members of tlb_stats_json's object after "preset" ("counters",
 * "hit_rates", "per_asid", "per_page_size"), each on its own line at the
 * same indentation, separated by commas, without a trailing one. */
void tlb_stats_json_members(const tlb_t *t, const tlb_stats *s, FILE *out);

/* Entry iteration, for drawing sets x ways. */
typedef struct tlb_level_info {
	bool present;
	unsigned sets, ways, lockable, latency;
	tlb_policy policy;
} tlb_level_info;
tlb_level_info tlb_level_get_info(const tlb_t *t, tlb_level_id level);
/* sets * ways + lockable; 0 when the level is absent. */
unsigned tlb_entry_count(const tlb_t *t, tlb_level_id level);
bool tlb_entry_get(const tlb_t *t, tlb_level_id level, unsigned index, tlb_entry_view *out);

/* ======================================================================== */
/* Inline hit path. Not API: the layout may change at any time.             */

/* Slot tags: an empty slot has key_mask 0 and key 1, so no VA matches it. */
#define TLB_TAG_GLOBAL 0x100u

typedef struct tlb_slot {
	uint32_t key, key_mask;         /* hit when (key_of_access & key_mask) == key */
	uint16_t tag;                   /* ASID, or TLB_TAG_GLOBAL */
	uint8_t size;                   /* tlb_size of the page the entry maps */
	bool hazard_reported;
	/* mmu_check's verdict on e under DACR == check_dacr and SCTLR.AFE ==
	 * check_afe: bit kind * 2 + user of check_ok is set when that access
	 * passes (a fresh slot has none).  It changes only with those
	 * registers, and every hit needs it (tlb_hit). */
	uint8_t check_ok;
	uint32_t check_dacr, check_afe;
	uint64_t stamp;                 /* LRU: the level's clock at the last use */
	/* Where the descriptors the entry came from live in host memory, to
	 * notice them changing (sections: both point at the L1 word). */
	const uint8_t *l1_host, *l2_host;
	uint32_t l2_desc;               /* sections: the L1 value again */
	mmu_entry e;
} tlb_slot;

typedef struct tlb_level {
	tlb_level_id id;
	tlb_slot *slots;                /* sets * ways, then the lockdown slots */
	unsigned sets, ways, lockable, latency;
	tlb_policy policy;
	unsigned hint;                  /* the slot that hit or filled last: probed first */
	unsigned hint2;                 /* the hint before: micro TLBs probe it second */
	/* Micro TLBs: pairs of valid slots that some access could match
	 * both.  While there are none, the match is the only one and hint2
	 * may be probed before the others (tlb_access). */
	unsigned overlaps;
	uint64_t clock;                 /* LRU */
	uint64_t *set_state;            /* PLRU tree bits or FIFO pointer, per set */
	uint64_t rng;                   /* random replacement */
	unsigned shift_count[32];       /* valid slots per log2(key granule) */
	uint32_t shifts_present;        /* bit n: shift_count[n] != 0 */
	tlb_counter lookups[2], hits[2], misses[2];     /* by side: 0 I, 1 D */
} tlb_level;

struct tlb {
	tlb_level *micro[2];            /* by side; NULL when absent */
	/* count[TLB_CNT_cycles] stays 0: the total is derived when read
	 * (tlb_counter_get), which keeps two stores off every access. */
	uint64_t count[TLB_COUNTER_COUNT];
	tlb_asid_stats asid[256];
	tlb_size_stats size[TLB_SIZE_COUNT];
	tlb_level level[TLB_LEVEL_COUNT];
	tlb_config cfg;
	tlb_observer obs;
	bool lock_preserve;
	unsigned lock_victim;
	mmu_entry walked;               /* a walk's result when no TLB holds it */
};

#define TLB_SCTLR_M 0x1u
#define TLB_SCTLR_A 0x2u

static inline bool tlb_slot_matches(const tlb_slot *s, uint32_t key, unsigned asid)
{
	return (key & s->key_mask) == s->key && (s->tag == asid || s->tag == TLB_TAG_GLOBAL);
}

/* The first of n slots that translates key under asid, or -1: the search of
 * a fully associative level, and of the lockdown slots. */
static inline int tlb_slots_search(const tlb_slot *slots, unsigned n, uint32_t key,
				   unsigned asid)
{
	for (unsigned i = 0; i < n; i++)
		if (tlb_slot_matches(&slots[i], key, asid))
			return (int)i;
	return -1;
}

static inline uint32_t tlb_load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline bool tlb_slot_is_stale(const tlb_slot *s)
{
	return ((tlb_load_le32(s->l1_host) ^ s->e.l1_desc) |
		(tlb_load_le32(s->l2_host) ^ s->l2_desc)) != 0;
}

void tlb_touch_slow(tlb_level *l, unsigned index);

/* Slot index of l served or was filled: it becomes the hint, and the hint
 * before it hint2. */
static inline void tlb_set_hint(tlb_level *l, unsigned index)
{
	if (index != l->hint) {
		l->hint2 = l->hint;
		l->hint = index;
	}
}

/* mmu_check of the slot's entry, remembering the verdict in the slot. */
mmu_fault tlb_check_slow(tlb_slot *s, const mmu_regime *r, mmu_kind kind, bool user);
/* A hit on a slot whose descriptors changed since its fill: false when the
 * tables still translate it the same (the slot follows them), else counted
 * as a stale hit (and a hazard, the first time) and true. */
bool tlb_report_stale(tlb_t *t, tlb_level *l, tlb_slot *s, const mmu_regime *r,
		      const mmu_mem *m, uint32_t va, mmu_kind kind, uint8_t asid, uint32_t pc);
int tlb_fault_slow(tlb_t *t, uint32_t va, mmu_kind kind, uint8_t asid, const mmu_fault *f,
		   tlb_result *out);
int tlb_refault_slow(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
		     mmu_kind kind, bool user, tlb_result *out);

/* Everything a hit does at any level: count, update replacement state,
 * charge the level's latency, look for a stale descriptor, check the
 * permissions with the regime as it is now.  A stale entry whose check
 * faults is walked again, as QEMU does (DESIGN.md: a real core may take
 * that spurious fault instead; the hazard counters record the case).
 * Always inlined: it takes ten arguments, and a call cost more than its
 * work. */
static inline __attribute__((always_inline)) int
tlb_hit(tlb_t *t, tlb_level *l, unsigned index, const mmu_regime *r, const mmu_mem *m,
	uint32_t va, mmu_kind kind, bool user, uint32_t pc, tlb_result *out)
{
	tlb_slot *s = &l->slots[index];
	unsigned side = kind != MMU_FETCH;
	uint8_t asid = r->contextidr & 0xFF;

	t->count[l->lookups[side]]++;
	t->count[l->hits[side]]++;
	t->size[s->size].hits++;
	tlb_set_hint(l, index);
	if (l->policy == TLB_POLICY_LRU)
		s->stamp = ++l->clock;
	else if (l->policy == TLB_POLICY_PLRU)
		tlb_touch_slow(l, index);
	out->cycles += l->latency;
	t->count[TLB_CNT_translation_cycles] += l->latency;
	bool stale = tlb_slot_is_stale(s);
	if (__builtin_expect(stale, 0))
		stale = tlb_report_stale(t, l, s, r, m, va, kind, asid, pc);

	out->entry = &s->e;
	if (__builtin_expect(s->check_dacr == r->dacr &&
			     s->check_afe == (r->sctlr & MMU_SCTLR_AFE) &&
			     (s->check_ok >> (kind * 2 + user) & 1), 1))
		out->fault = (mmu_fault){ .type = MMU_FAULT_NONE };
	else
		out->fault = tlb_check_slow(s, r, kind, user);
	if (__builtin_expect(out->fault.type != MMU_FAULT_NONE, 0))
		return stale ? tlb_refault_slow(t, r, m, va, kind, user, out)
			     : tlb_fault_slow(t, va, kind, asid, &out->fault, out);
	out->pa = s->e.pa_base + (va - s->e.va_base);
	return 0;
}

static inline void tlb_tick(tlb_t *t, uint64_t insns)
{
	t->count[TLB_CNT_instructions] += insns;
}

static inline int tlb_access(tlb_t *t, const mmu_regime *r, const mmu_mem *m, uint32_t va,
			     mmu_kind kind, bool user, unsigned size, uint32_t pc,
			     tlb_result *out)
{
	tlb_level *micro = t->micro[kind != MMU_FETCH];
	unsigned asid = r->contextidr & 0xFF;

	if (__builtin_expect(micro && (r->sctlr & (TLB_SCTLR_M | TLB_SCTLR_A)) == TLB_SCTLR_M, 1)) {
		/* The slot that served last, else the first match, as
		 * tlb_level_search finds it; the one before last when no
		 * other can match too (accesses often alternate between two
		 * pages). */
		const tlb_slot *slots = micro->slots;
		int index = tlb_slot_matches(&slots[micro->hint], va, asid) ? (int)micro->hint
			    : !micro->overlaps && tlb_slot_matches(&slots[micro->hint2], va, asid)
			    ? (int)micro->hint2
			    : micro->sets == 1 ? tlb_slots_search(slots, micro->ways, va, asid)
			    : -1;
		if (__builtin_expect(index >= 0, 1)) {
			t->count[TLB_CNT_accesses]++;
			t->asid[asid].lookups++;
			out->source = TLB_FROM_MICRO;
			out->cycles = 0;
			return tlb_hit(t, micro, (unsigned)index, r, m, va, kind, user, pc, out);
		}
	}
	return tlb_access_slow(t, r, m, va, kind, user, size, pc, out);
}

#endif
