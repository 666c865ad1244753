/* TLB maintenance operations and context-register writes.
 *
 * Matching (ARM ARM B4.2, ARM_NOTES §4), one rule for every op and level:
 *   ALL   every entry;
 *   ASID  non-global entries tagged with Rt[7:0] (globals survive);
 *   MVA   entries whose page contains Rt[31:12] and that are global or
 *         tagged with Rt[7:0] — sections, supersections and large pages
 *         are hit by any VA inside them;
 *   MVAA  entries whose page contains Rt[31:12], whatever their ASID.
 * The main TLB is unified, so the I- and D-only forms apply to it as the
 * unified op does, plus the named micro TLB (ARM_NOTES §4, a modelling
 * choice).  The inner-shareable forms equal the local ones on one core.
 * The walk cache follows the same rule with each entry covering the 1 MB its
 * L1 descriptor translates; its entries carry no ASID, so ASID-scoped ops
 * empty it (over-invalidation, which the architecture allows). */
#include "tlb/internal.h"

typedef enum scope { SCOPE_ALL, SCOPE_MVA, SCOPE_ASID, SCOPE_MVAA } scope;
enum { SIDE_INSN = 1, SIDE_DATA = 2, SIDE_BOTH = 3 };

#define OP_ROW_(A, op, name, crm, opc2, scope, side) \
	{ #op, crm, opc2, SCOPE_##scope, SIDE_##side },
static const struct {
	const char *name;
	unsigned crm, opc2;
	scope scope;
	unsigned sides;
} ops[TLB_OP_COUNT] = { TLB_MAINT_OPS(OP_ROW_, _) };
#undef OP_ROW_

/* The flush counters are generated from the op list in the same order. */
_Static_assert(TLB_CNT_flush_tlbimvaa - TLB_CNT_flush_tlbiallis == TLB_OP_COUNT - 1,
	       "flush counters follow TLB_MAINT_OPS");

const char *tlb_op_name(tlb_op op)
{
	return (unsigned)op < TLB_OP_COUNT ? ops[op].name : "?";
}

bool tlb_op_decode(unsigned crm, unsigned opc2, tlb_op *op)
{
	for (tlb_op i = 0; i < TLB_OP_COUNT; i++) {
		if (ops[i].crm == crm && ops[i].opc2 == opc2) {
			*op = i;
			return true;
		}
	}
	return false;
}

static bool slot_matches_op(const tlb_slot *s, scope sc, uint32_t va, unsigned asid)
{
	bool contains = ((va ^ s->e.va_base) >> tlb_size_log2(s->size)) == 0;

	switch (sc) {
	case SCOPE_ALL:
		return true;
	case SCOPE_ASID:
		return s->tag == asid;  /* TLB_TAG_GLOBAL never equals an 8-bit ASID */
	case SCOPE_MVA:
		return contains && (s->tag == asid || s->tag == TLB_TAG_GLOBAL);
	case SCOPE_MVAA:
		return contains;
	}
	return false;
}

/* Removes the entries of level l that the op covers; returns how many.
 * Lockdown entries survive ALL and ASID, and go only by VA (tlb_lockdown). */
static unsigned level_invalidate(tlb_level *l, scope sc, uint32_t va, unsigned asid)
{
	unsigned assoc = l->sets * l->ways, removed = 0;

	if (!l->slots)
		return 0;
	if (l->id == TLB_WALK_CACHE && sc == SCOPE_ASID)
		sc = SCOPE_ALL;
	for (unsigned i = 0; i < assoc + l->lockable; i++) {
		const tlb_slot *s = &l->slots[i];
		if (!s->key_mask)
			continue;
		if (i >= assoc && (sc == SCOPE_ALL || sc == SCOPE_ASID))
			continue;
		if (slot_matches_op(s, sc, va, asid)) {
			tlb_slot_clear(l, i);
			removed++;
		}
	}
	return removed;
}

/* Not maintenance: the model forgets one translation (every level that
 * may hold it for this ASID) before walking it again. */
void tlb_drop_translation(tlb_t *t, uint32_t va, unsigned asid)
{
	level_invalidate(&t->level[TLB_MAIN], SCOPE_MVA, va & 0xFFFFF000u, asid);
	for (unsigned side = 0; side < 2; side++)
		if (t->micro[side])
			level_invalidate(t->micro[side], SCOPE_MVA, va & 0xFFFFF000u, asid);
}

void tlb_maint(tlb_t *t, tlb_op op, uint32_t rt)
{
	scope sc = ops[op].scope;
	uint32_t va = rt & 0xFFFFF000u;
	unsigned asid = rt & 0xFF;
	unsigned removed = 0;

	t->count[TLB_CNT_flush_tlbiallis + op]++;
	removed += level_invalidate(&t->level[TLB_MAIN], sc, va, asid);
	removed += level_invalidate(&t->level[TLB_WALK_CACHE], sc, va, asid);
	for (unsigned side = 0; side < 2; side++) {
		if (!t->micro[side])
			continue;
		if (t->cfg.micro_flush_on_maintenance)
			removed += level_invalidate(t->micro[side], SCOPE_ALL, 0, 0);
		else if (ops[op].sides & (1u << side))
			removed += level_invalidate(t->micro[side], sc, va, asid);
	}
	t->count[TLB_CNT_entries_invalidated] += removed;
}

bool tlb_maint_mcr(tlb_t *t, unsigned crm, unsigned opc2, uint32_t rt)
{
	tlb_op op;
	if (!tlb_op_decode(crm, opc2, &op))
		return false;
	tlb_maint(t, op, rt);
	return true;
}

void tlb_context_write(tlb_t *t, tlb_context_reg reg)
{
	switch (reg) {
	case TLB_CTX_CONTEXTIDR:
	case TLB_CTX_DACR:
	case TLB_CTX_PRRR:
	case TLB_CTX_NMRR:
	case TLB_CTX_TTBR0:
	case TLB_CTX_TTBR1:
		break;
	default:
		return;
	}
	if (!t->cfg.micro_flush_on_context_write)
		return;
	unsigned removed = 0;
	for (unsigned side = 0; side < 2; side++)
		if (t->micro[side])
			removed += level_invalidate(t->micro[side], SCOPE_ALL, 0, 0);
	t->count[TLB_CNT_micro_context_flushes]++;
	t->count[TLB_CNT_entries_invalidated] += removed;
}
