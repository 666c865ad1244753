/* Counters: names, the text summary and the JSON writer, all generated from
 * the one list in TLB_COUNTERS. */
#include "tlb/internal.h"

#define NAME_(name, desc) #name,
#define DESC_(name, desc) desc,
static const char *const counter_names[TLB_COUNTER_COUNT] = { TLB_COUNTERS(NAME_) };
static const char *const counter_descs[TLB_COUNTER_COUNT] = { TLB_COUNTERS(DESC_) };
#undef NAME_
#undef DESC_

static const char *const size_names[TLB_SIZE_COUNT] = { "4K", "64K", "1M", "16M" };
static const char *const level_names[TLB_LEVEL_COUNT] = { "itlb", "dtlb", "main", "walk_cache" };
static const char *const policy_names[TLB_POLICY_COUNT] = { "lru", "plru", "fifo", "random" };

const char *tlb_counter_name(tlb_counter c)
{
	return (unsigned)c < TLB_COUNTER_COUNT ? counter_names[c] : "?";
}

const char *tlb_counter_desc(tlb_counter c)
{
	return (unsigned)c < TLB_COUNTER_COUNT ? counter_descs[c] : "?";
}

const char *tlb_size_name(tlb_size size)
{
	return (unsigned)size < TLB_SIZE_COUNT ? size_names[size] : "?";
}

const char *tlb_level_name(tlb_level_id level)
{
	return (unsigned)level < TLB_LEVEL_COUNT ? level_names[level] : "?";
}

const char *tlb_policy_name(tlb_policy policy)
{
	return (unsigned)policy < TLB_POLICY_COUNT ? policy_names[policy] : "?";
}

/* What the readers below read: the model's live counters or a snapshot. */
struct view {
	const uint64_t *count;
	const tlb_asid_stats *asid;
	const tlb_size_stats *size;
};

static struct view live(const tlb_t *t)
{
	return (struct view){ t->count, t->asid, t->size };
}

static struct view snapshot(const tlb_stats *s)
{
	return (struct view){ s->count, s->asid, s->size };
}

static uint64_t counter_of(const tlb_t *t, struct view v, tlb_counter c)
{
	if (c == TLB_CNT_cycles) /* derived, see struct tlb */
		return v.count[TLB_CNT_instructions] * t->cfg.base_cpi +
		       v.count[TLB_CNT_translation_cycles];
	return (unsigned)c < TLB_COUNTER_COUNT ? v.count[c] : 0;
}

uint64_t tlb_counter_get(const tlb_t *t, tlb_counter c)
{
	return counter_of(t, live(t), c);
}

uint64_t tlb_stats_counter(const tlb_t *t, const tlb_stats *s, tlb_counter c)
{
	return counter_of(t, snapshot(s), c);
}

void tlb_stats_snapshot(const tlb_t *t, tlb_stats *out)
{
	memcpy(out->count, t->count, sizeof out->count);
	memcpy(out->asid, t->asid, sizeof out->asid);
	memcpy(out->size, t->size, sizeof out->size);
}

void tlb_stats_sub(tlb_stats *to, const tlb_stats *from)
{
	for (unsigned c = 0; c < TLB_COUNTER_COUNT; c++)
		to->count[c] -= from->count[c];
	for (unsigned a = 0; a < 256; a++) {
		to->asid[a].lookups -= from->asid[a].lookups;
		to->asid[a].walks -= from->asid[a].walks;
		to->asid[a].faults -= from->asid[a].faults;
		to->asid[a].hazards -= from->asid[a].hazards;
	}
	for (unsigned z = 0; z < TLB_SIZE_COUNT; z++) {
		to->size[z].hits -= from->size[z].hits;
		to->size[z].walks -= from->size[z].walks;
	}
}

const tlb_asid_stats *tlb_asid_stats_get(const tlb_t *t, uint8_t asid)
{
	return &t->asid[asid];
}

const tlb_size_stats *tlb_size_stats_get(const tlb_t *t, tlb_size size)
{
	return &t->size[size];
}

static void level_totals(const tlb_t *t, struct view v, tlb_level_id id, uint64_t *lookups,
			 uint64_t *hits)
{
	const tlb_level *l = &t->level[id];
	*lookups = v.count[l->lookups[0]];
	*hits = v.count[l->hits[0]];
	if (l->lookups[1] != l->lookups[0]) {
		*lookups += v.count[l->lookups[1]];
		*hits += v.count[l->hits[1]];
	}
}

static double hit_rate_of(const tlb_t *t, struct view v, tlb_level_id level)
{
	uint64_t lookups, hits;
	if ((unsigned)level >= TLB_LEVEL_COUNT || !t->level[level].slots)
		return -1;
	level_totals(t, v, level, &lookups, &hits);
	return lookups ? (double)hits / (double)lookups : -1;
}

double tlb_hit_rate(const tlb_t *t, tlb_level_id level)
{
	return hit_rate_of(t, live(t), level);
}

double tlb_stats_hit_rate(const tlb_t *t, const tlb_stats *s, tlb_level_id level)
{
	return hit_rate_of(t, snapshot(s), level);
}

static void print_row(FILE *out, const char *what, uint64_t lookups, uint64_t hits,
		      uint64_t misses)
{
	fprintf(out, "  %-12s %12llu %12llu %12llu", what, (unsigned long long)lookups,
		(unsigned long long)hits, (unsigned long long)misses);
	if (lookups)
		fprintf(out, " %8.2f%%\n", 100.0 * (double)hits / (double)lookups);
	else
		fprintf(out, " %9s\n", "-");
}

/* The non-zero counters whose names start with `prefix`, on one line. */
static void print_group(struct view v, FILE *out, const char *title, const char *prefix)
{
	size_t n = strlen(prefix);
	bool any = false;
	fprintf(out, "%-13s", title);
	for (tlb_counter c = 0; c < TLB_COUNTER_COUNT; c++) {
		if (strncmp(counter_names[c], prefix, n) != 0 || !v.count[c])
			continue;
		fprintf(out, " %s %llu", counter_names[c] + n, (unsigned long long)v.count[c]);
		any = true;
	}
	fprintf(out, any ? "\n" : " none\n");
}

static void print_view(const tlb_t *t, struct view v, FILE *out)
{
	const uint64_t *c = v.count;

	fprintf(out, "tlb preset    %s\n", t->cfg.name);
	fprintf(out, "  %-12s %12s %12s %12s %9s\n", "level", "lookups", "hits", "misses",
		"hit rate");
	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
		const tlb_level *l = &t->level[id];
		if (!l->slots)
			continue;
		for (unsigned side = 0; side < 2; side++) {
			if (side == 1 && l->lookups[1] == l->lookups[0])
				break;
			char what[32];
			snprintf(what, sizeof what, "%s%s", level_names[id],
				 l->lookups[1] == l->lookups[0] ? "" : side ? " (D)" : " (I)");
			print_row(out, what, c[l->lookups[side]], c[l->hits[side]],
				  c[l->misses[side]]);
		}
	}
	fprintf(out, "walks         %llu (I %llu, D %llu); descriptor fetches L1 %llu, L2 %llu\n",
		(unsigned long long)(c[TLB_CNT_walks_i] + c[TLB_CNT_walks_d]),
		(unsigned long long)c[TLB_CNT_walks_i], (unsigned long long)c[TLB_CNT_walks_d],
		(unsigned long long)c[TLB_CNT_walk_steps_l1],
		(unsigned long long)c[TLB_CNT_walk_steps_l2]);
	fprintf(out, "page sizes   ");
	for (tlb_size s = 0; s < TLB_SIZE_COUNT; s++)
		fprintf(out, " %s %llu hits/%llu walks", size_names[s],
			(unsigned long long)v.size[s].hits, (unsigned long long)v.size[s].walks);
	fprintf(out, "\n");
	print_group(v, out, "faults", "faults_");
	print_group(v, out, "evictions", "evictions_");
	print_group(v, out, "maintenance", "flush_");
	fprintf(out, "invalidated   %llu entries; micro flushes on context writes %llu\n",
		(unsigned long long)c[TLB_CNT_entries_invalidated],
		(unsigned long long)c[TLB_CNT_micro_context_flushes]);
	fprintf(out, "stale hazards %llu (stale hits %llu, walked again %llu)\n",
		(unsigned long long)c[TLB_CNT_stale_hazards],
		(unsigned long long)c[TLB_CNT_stale_hits],
		(unsigned long long)c[TLB_CNT_stale_refaults]);
	if (c[TLB_CNT_replica_mismatches])
		fprintf(out, "replicas      %llu walks read a supersection or large page whose 16 "
			"copies differ\n", (unsigned long long)c[TLB_CNT_replica_mismatches]);
	/* Accesses made under each ASID: one line per address space seen. */
	fprintf(out, "per ASID      lookups / walks / faults / hazards\n");
	for (unsigned asid = 0; asid < 256; asid++) {
		const tlb_asid_stats *a = &v.asid[asid];
		if (a->lookups)
			fprintf(out, "  asid %-3u    %llu / %llu / %llu / %llu\n", asid,
				(unsigned long long)a->lookups, (unsigned long long)a->walks,
				(unsigned long long)a->faults, (unsigned long long)a->hazards);
	}
	fprintf(out, "cycles        %llu = %llu instructions x %u + %llu translation "
		"(%llu accesses, %llu with the MMU off)\n",
		(unsigned long long)counter_of(t, v, TLB_CNT_cycles),
		(unsigned long long)c[TLB_CNT_instructions],
		t->cfg.base_cpi, (unsigned long long)c[TLB_CNT_translation_cycles],
		(unsigned long long)c[TLB_CNT_accesses],
		(unsigned long long)c[TLB_CNT_mmu_off_accesses]);
}

void tlb_stats_print(const tlb_t *t, FILE *out)
{
	print_view(t, live(t), out);
}

void tlb_stats_print_of(const tlb_t *t, const tlb_stats *s, FILE *out)
{
	print_view(t, snapshot(s), out);
}

static void json_rate(FILE *out, double rate)
{
	if (rate < 0)
		fprintf(out, "null");
	else
		fprintf(out, "%.6f", rate);
}

static void json_members(const tlb_t *t, struct view v, FILE *out)
{
	fprintf(out, "    \"counters\": {");
	for (tlb_counter c = 0; c < TLB_COUNTER_COUNT; c++)
		fprintf(out, "%s\n      \"%s\": %llu", c ? "," : "", counter_names[c],
			(unsigned long long)counter_of(t, v, c));
	fprintf(out, "\n    },\n    \"hit_rates\": {");
	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
		fprintf(out, "%s\n      \"%s\": ", id ? "," : "", level_names[id]);
		json_rate(out, hit_rate_of(t, v, id));
	}
	fprintf(out, "\n    },\n    \"per_asid\": {");
	bool first = true;
	for (unsigned a = 0; a < 256; a++) {
		const tlb_asid_stats *s = &v.asid[a];
		if (!s->lookups && !s->faults)
			continue;
		fprintf(out, "%s\n      \"%u\": {\"lookups\": %llu, \"walks\": %llu, "
			"\"faults\": %llu, \"hazards\": %llu}", first ? "" : ",", a,
			(unsigned long long)s->lookups, (unsigned long long)s->walks,
			(unsigned long long)s->faults, (unsigned long long)s->hazards);
		first = false;
	}
	fprintf(out, "\n    },\n    \"per_page_size\": {");
	for (tlb_size s = 0; s < TLB_SIZE_COUNT; s++)
		fprintf(out, "%s\n      \"%s\": {\"hits\": %llu, \"walks\": %llu}", s ? "," : "",
			size_names[s], (unsigned long long)v.size[s].hits,
			(unsigned long long)v.size[s].walks);
	fprintf(out, "\n    }");
}

void tlb_stats_json_members(const tlb_t *t, const tlb_stats *s, FILE *out)
{
	json_members(t, snapshot(s), out);
}

void tlb_stats_json(const tlb_t *t, FILE *out)
{
	/* Preset names come from file names or `name =` lines: no quotes or
	 * control characters can reach them (tlb_preset_parse checks). */
	fprintf(out, "{\n    \"preset\": \"%s\",\n", t->cfg.name);
	json_members(t, live(t), out);
	fprintf(out, "\n  }");
}
