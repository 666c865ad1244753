/* Which instruction made a memory access.  Inside memory hooks unicorn
 * 2.0.1 leaves the PC at the start of the block (checked: three accesses of
 * one block all read its first address), so the block's loads and stores
 * are followed in program order, each owning as many hook calls as it makes
 * accesses; a conditional one is passed over when its condition fails on
 * the current flags or its address is not the one accessed.
 * emu_options.check_access_pc compares this with a per-instruction hook.
 * Thumb blocks report the block's start: the guest's Thumb code is one
 * selftest routine, and there is no Thumb attribution here.
 *
 * Decoding the block's words on every run of the block was a tenth of a
 * model-on `sweep`, so a block within one page keeps a plan: where its
 * loads and stores are, decoded once.  A plan is found by the block's
 * address and checked against a copy of its code, so rewritten code (a
 * new program in the page) gets a new plan. */
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"

#define PLAN_WORDS 32           /* longer blocks are decoded as they run */
#define PLAN_SLOTS 1024         /* direct-mapped */

struct emu_block_plan {
	const uint8_t *code;    /* host address of the block's code; NULL: free */
	uint32_t size;
	uint8_t nmem;           /* its loads and stores: */
	uint8_t word[PLAN_WORDS];       /* word index in the block */
	emu_mem_insn insn[PLAN_WORDS];
	uint32_t copy[PLAN_WORDS];      /* the code it was made from */
};

void emu_access_begin_block(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	e->block_end = va + size;
	e->access_next = va;
	e->access_left = 0;
	e->plan = NULL;
	e->plan_next = 0;
	e->plan_sought = thumb; /* Thumb blocks have none */
}

/* Would the conditional load/store at pc, with the registers as they are
 * now, make an access at va?  Its condition cannot always be judged on
 * today's flags: an instruction between it and the access may have set
 * them, so its address must match too. */
static bool conditional_access_at(emu_t *e, uint32_t w, const emu_mem_insn *m, uint32_t pc,
				  uint32_t va, uint32_t *cpsr, bool *have_cpsr)
{
	if (!*have_cpsr)
		uc_reg_read(e->uc, UC_ARM_REG_CPSR, cpsr), *have_cpsr = true;
	return emu_condition_passes(w >> 28, *cpsr) && emu_mem_address(e, m, pc, false) == va;
}

/* The block's plan: found, made, or NULL when the block has none (not in
 * one page, too long, code not in RAM, more than a plan holds). */
static const struct emu_block_plan *block_plan(emu_t *e)
{
	uint32_t size = e->block_end - e->block_va;
	if (!e->block_code || size > 4 * PLAN_WORDS ||
	    (e->block_va & 0xFFFu) + size > 0x1000u)
		return NULL;
	if (!e->plans && !(e->plans = calloc(PLAN_SLOTS, sizeof *e->plans)))
		return NULL;
	struct emu_block_plan *p = &e->plans[(e->block_va >> 2) * 2654435761u % PLAN_SLOTS];
	if (p->code == e->block_code && p->size == size && !memcmp(p->copy, e->block_code, size))
		return p;
	p->code = e->block_code;
	p->size = size;
	p->nmem = 0;
	memcpy(p->copy, e->block_code, size);
	for (uint32_t i = 0; i < size / 4; i++)
		if (emu_decode_arm(p->copy[i], &p->insn[p->nmem]))
			p->word[p->nmem++] = (uint8_t)i;
	return p;
}

static bool block_word(emu_t *e, uint32_t pc, uint32_t *w)
{
	if (e->block_code && (pc >> 12) == (e->block_va >> 12)) {
		memcpy(w, e->block_code + (pc - e->block_va), 4);
		return true;
	}
	return emu_read_virt(e, pc, w, 4);
}

/* Where the search for the block's next load/store stands: an index into
 * the plan, or the address of the next word to decode without one. */
struct scan {
	unsigned index;
	uint32_t addr;
};

/* The block's next load/store from s on (s advanced past it), its address
 * and word; NULL at the block's end or at a word that does not read. */
static const emu_mem_insn *next_load_store(emu_t *e, struct scan *s, uint32_t *pc, uint32_t *w,
					   emu_mem_insn *decoded)
{
	const struct emu_block_plan *p = e->plan;
	if (p) {
		if (s->index >= p->nmem)
			return NULL;
		unsigned k = p->word[s->index];
		*pc = e->block_va + 4u * k;
		*w = p->copy[k];
		return &p->insn[s->index++];
	}
	for (; s->addr < e->block_end; s->addr += 4) {
		if (!block_word(e, s->addr, w))
			return NULL;
		if (emu_decode_arm(*w, decoded)) {
			*pc = s->addr;
			s->addr += 4;
			return decoded;
		}
	}
	return NULL;
}

uint32_t emu_access_pc(emu_t *e, uint32_t va)
{
	if (e->access_left) {
		e->access_left--;
		return e->access_pc;
	}
	if (e->block_thumb)
		return e->access_pc = e->block_va;
	if (!e->plan_sought) {
		e->plan_sought = true;
		e->plan = block_plan(e);
	}
	struct scan s = { e->plan_next, e->access_next };
	emu_mem_insn decoded;
	const emu_mem_insn *m;
	uint32_t pc, w, cpsr = 0;
	bool have_cpsr = false;
	while ((m = next_load_store(e, &s, &pc, &w, &decoded))) {
		if (w >> 28 < 0xE && !conditional_access_at(e, w, m, pc, va, &cpsr, &have_cpsr))
			continue;
		e->plan_next = s.index;
		e->access_next = s.addr;
		e->access_left = m->count - 1;
		return e->access_pc = pc;
	}
	return e->access_pc; /* more accesses than the decoder expects: keep the last */
}

void emu_access_free(emu_t *e)
{
	free(e->plans);
	e->plans = NULL;
}
