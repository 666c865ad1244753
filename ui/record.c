/* What the UI knows about the run, gathered from the core's events (emu.h):
 * per-ASID counters by MB and page, the TLB entries that hit, and the walk
 * the stepper shows.  Nothing here hooks unicorn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "firmware/abi.h"
#include "ui/internal.h"

/* The guest's memory map (firmware/abi.h, ARM_NOTES §6): the program
 * image and its brk heap below TASK_UNMAPPED_BASE, mmap from there up to
 * the stack's RLIMIT_STACK below STACK_TOP, then the kernel's.  Where
 * lowmem ends and vmalloc starts the kernel decides at boot from the RAM
 * size; these are q3f's at its default 64 MB. */
const ui_region ui_regions[] = {
	{ "heap", 0x00000000u, TASK_UNMAPPED_BASE - 1, 0x7fb0ff },
	{ "mmap", TASK_UNMAPPED_BASE, STACK_TOP - STACK_LIMIT - 1, 0x60c0e0 },
	{ "stack", STACK_TOP - STACK_LIMIT, STACK_TOP - 1, 0xc0a0ff },
	{ "modules", MODULES_VADDR, MODULES_END - 1, 0xffb000 },
	{ "lowmem", PAGE_OFFSET, 0xc3dfffffu, 0xff5050 },
	{ "vmalloc", 0xc4000000u, VMALLOC_END - 1, 0x50e0a0 },
	{ "fixmap", FIXADDR_START, FIXADDR_TOP - 1, 0xe070ff },
	{ "vectors", VECTORS_BASE, 0xffffffffu, 0xffffff },
};
const size_t ui_region_count = sizeof ui_regions / sizeof ui_regions[0];

ui_space *ui_space_get(ui_t *u, uint8_t asid)
{
	if (!u->space[asid])
		u->space[asid] = calloc(1, sizeof *u->space[asid]);
	return u->space[asid];
}

static ui_counts *page_counts(ui_space *s, uint32_t va)
{
	ui_counts **p = &s->page[va >> 20];
	if (!*p)
		*p = calloc(256, sizeof **p);
	return *p ? &(*p)[(va >> 12) & 0xFF] : NULL;
}

const ui_counts *ui_page_counts(const ui_space *s, unsigned mb, unsigned page)
{
	static const ui_counts none;
	return s && s->page[mb] ? &s->page[mb][page] : &none;
}

void ui_reset_counts(ui_t *u)
{
	for (unsigned a = 0; a < 256; a++) {
		ui_space *s = u->space[a];
		if (!s)
			continue;
		memset(s->mb, 0, sizeof s->mb);
		for (unsigned mb = 0; mb < 4096; mb++)
			if (s->page[mb])
				memset(s->page[mb], 0, 256 * sizeof *s->page[mb]);
	}
}

uint32_t ui_metric_value(const ui_counts *c, ui_metric m)
{
	switch (m) {
	case UI_METRIC_MISSES: return c->misses;
	case UI_METRIC_FAULTS: return c->faults;
	case UI_METRIC_HAZARDS: return c->hazards;
	default: return c->walks;
	}
}

/* Stages: the VA split, one per descriptor fetch (or the TLB entry that
 * hit), the check, the result. */
unsigned ui_walk_stages(const ui_walk *w)
{
	return w->valid ? 3 + (w->walked ? w->trace.nsteps : 1) : 0;
}

bool ui_entry_hit(const ui_t *u, const void *entry)
{
	size_t h = ((uintptr_t)entry >> 4) % UI_HIT_SLOTS;
	for (size_t i = 0; i < UI_HIT_SLOTS && u->hits[h]; i++, h = (h + 1) % UI_HIT_SLOTS)
		if (u->hits[h] == entry)
			return true;
	return false;
}

static void note_hit(ui_t *u, const void *entry)
{
	size_t h = ((uintptr_t)entry >> 4) % UI_HIT_SLOTS;
	for (size_t i = 0; i < UI_HIT_SLOTS / 2; i++, h = (h + 1) % UI_HIT_SLOTS) {
		if (u->hits[h] == entry)
			return;
		if (!u->hits[h]) {
			u->hits[h] = entry;
			return;
		}
	}
}

static void on_cp15(void *ctx, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	ui_t *u = ctx;
	ui_story *st = &u->story;
	tlb_op op;
	if (crn == 13 && opc1 == 0 && crm == 0 && opc2 == 1)
		u->asid = value & 0xFF;
	else if (crn == 8 && opc1 == 0 && st->aborted && !st->has_retry && tlb_op_decode(crm, opc2, &op)) {
		if (st->nops < UI_STORY_OPS)
			st->ops[st->nops].op = op, st->ops[st->nops].rt = value;
		st->nops++;
	}
	else if (crn == 2 && opc1 == 0 && crm == 0 && opc2 == 0) {
		/* cpu_v7_switch_mm writes CONTEXTIDR, then TTBR0. */
		ui_space *s = ui_space_get(u, u->asid);
		if (s)
			s->ttbr0 = value;
	}
}

/* Inside a walk the CPU is still at the access: the moment to look. */
static void on_walk(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
		    const mmu_trace *trace)
{
	ui_t *u = ctx;
	(void)fault;
	if (u->seek == UI_SEEK_NONE || u->seek == UI_SEEK_MARKER)
		return;
	ui_walk *w = &u->pending;
	memset(w, 0, sizeof *w);
	w->valid = w->walked = true;
	w->va = va;
	w->trace = *trace;
	if (entry) {
		w->has_entry = true;
		w->entry = *entry;
	}
	/* A small page behind an L1 table: Linux's own PTE is 2 KB below. */
	const mmu_step *l2 = &trace->step[1];
	if (trace->nsteps == 2 && l2->ok && (l2->addr & PTE_HWTABLE_OFF))
		w->has_linux = emu_phys_read32(u->e, l2->addr - PTE_HWTABLE_OFF, &w->linux_pte);
}

void ui_cpu_read(ui_t *u, uint32_t pc, ui_cpu *cpu)
{
	static const char *const names[17] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8",
		"r9", "r10", "r11", "r12", "sp", "lr", "pc", "cpsr" };
	for (int i = 0; i < 17; i++)
		emu_reg_by_name(u->e, names[i], &cpu->regs[i]);
	cpu->regs[15] = pc; /* unicorn's PC is the block's start inside an access */
	cpu->thumb = cpu->regs[16] & 0x20;
	snprintf(cpu->disasm, sizeof cpu->disasm, "(code not readable)");
	uint8_t code[4];
	csh cs;
	if (emu_virt_read(u->e, pc & ~1u, code, sizeof code) &&
	    cs_open(CS_ARCH_ARM, cpu->thumb ? CS_MODE_THUMB : CS_MODE_ARM, &cs) == CS_ERR_OK) {
		cs_insn *insn;
		if (cs_disasm(cs, code, sizeof code, pc & ~1u, 1, &insn) == 1) {
			snprintf(cpu->disasm, sizeof cpu->disasm, "%s %s", insn->mnemonic, insn->op_str);
			cs_free(insn, 1);
		}
		cs_close(&cs);
	}
}

/* The access as the stepper shows it: the walk on_walk kept (when this
 * access walked), else the TLB entry it hit; the Linux PTE 2 KB below a
 * small page's hardware PTE. */
static void capture_walk(ui_t *u, const model_access_event *a, ui_walk *out)
{
	ui_walk *w = &u->pending;
	if (!(w->valid && w->va == a->va && a->result->source == TLB_FROM_WALK)) {
		memset(w, 0, sizeof *w);    /* a TLB hit: no walk to show */
		w->valid = true;
		w->va = a->va;
		if (a->result->entry) {
			w->has_entry = true;
			w->entry = *a->result->entry;
			if (w->entry.levels == 2 && (w->entry.l2_addr & PTE_HWTABLE_OFF))
				w->has_linux = emu_phys_read32(u->e, w->entry.l2_addr - PTE_HWTABLE_OFF, &w->linux_pte);
		}
	}
	w->pc = a->pc;
	w->kind = a->kind;
	w->user = a->user;
	w->asid = a->asid;
	w->fault = a->result->fault;
	w->fsr = a->result->fsr;
	emu_read_regime(u->e, &w->regime);
	ui_cpu_read(u, a->pc, &w->cpu);
	*out = *w;
	out->stage = 0;
	w->valid = false;
	u->seek = UI_SEEK_NONE;
	emu_request_stop(u->e);
}

/* The hardware PTE a caught access used or stopped short of, if known. */
static bool walk_pte_addr(const ui_walk *w, uint32_t *addr)
{
	if (w->walked && w->trace.nsteps == 2 && w->trace.step[1].ok)
		*addr = w->trace.step[1].addr;
	else if (!w->walked && w->has_entry && w->entry.levels == 2)
		*addr = w->entry.l2_addr;
	else
		return false;
	return true;
}

static uint32_t walk_l1_addr(const ui_walk *w)
{
	return w->walked ? w->trace.step[0].addr : w->has_entry ? w->entry.l1_addr : 0;
}

static void capture(ui_t *u, const model_access_event *a)
{
	capture_walk(u, a, &u->walk);
	u->has_step = false;
	ui_story *st = &u->story;
	memset(st, 0, sizeof *st);
	const ui_walk *w = &u->walk;
	if (w->fault.type == MMU_FAULT_NONE)
		return;
	st->l1_addr = walk_l1_addr(w);
	emu_phys_read32(u->e, st->l1_addr, &st->l1_before);
	if (walk_pte_addr(w, &st->pte_addr)) {
		st->has_pte = st->pte_existed = true;
		emu_phys_read32(u->e, st->pte_addr, &st->hw_before);
		if (st->pte_addr & PTE_HWTABLE_OFF)
			emu_phys_read32(u->e, st->pte_addr - PTE_HWTABLE_OFF, &st->linux_before);
	}
}

/* The faulting instruction runs again: the handler is over. */
static void capture_retry(ui_t *u, const model_access_event *a)
{
	ui_story *st = &u->story;
	capture_walk(u, a, &st->retry);
	st->has_retry = true;
	st->phase = UI_STORY_HANDLER;
	st->handler_insns = st->retry_block_insns - st->abort_insns;
	st->retry_refaulted = tlb_counter_get(emu_tlb(u->e), TLB_CNT_stale_refaults) > st->refaults_at_abort &&
			      st->retry.walked;
	emu_phys_read32(u->e, st->l1_addr, &st->l1_after);
	if (!st->has_pte && walk_pte_addr(&st->retry, &st->pte_addr))
		st->has_pte = true; /* the handler made the L2 table */
	if (st->has_pte) {
		emu_phys_read32(u->e, st->pte_addr, &st->hw_after);
		if (st->pte_addr & PTE_HWTABLE_OFF)
			emu_phys_read32(u->e, st->pte_addr - PTE_HWTABLE_OFF, &st->linux_after);
	}
}

static bool is_retry(const ui_t *u, const model_access_event *a)
{
	const ui_walk *w = &u->walk;
	return u->seek == UI_SEEK_RETRY && u->story.aborted && a->va == w->va && a->pc == w->pc &&
	       a->kind == w->kind && a->asid == w->asid;
}

static bool at_breakpoint(const ui_options *o, const model_access_event *a)
{
	return (!o->has_break_va || (a->va >> 12) == (o->break_va >> 12)) &&
	       (!o->has_break_pc || (a->pc & ~1u) == (o->break_pc & ~1u));
}

static void on_access(void *ctx, const model_access_event *a)
{
	ui_t *u = ctx;
	const tlb_result *r = a->result;
	ui_space *s = ui_space_get(u, a->asid);
	if (!s)
		return;
	ui_counts *mb = &s->mb[a->va >> 20], *pg = page_counts(s, a->va);
	bool walked = r->source == TLB_FROM_WALK, missed = walked || r->source == TLB_FROM_MAIN,
	     faulted = r->fault.type != MMU_FAULT_NONE;
	mb->walks += walked;
	mb->misses += missed;
	mb->faults += faulted;
	if (pg) {
		pg->walks += walked;
		pg->misses += missed;
		pg->faults += faulted;
	}
	if ((r->source == TLB_FROM_MICRO || r->source == TLB_FROM_MAIN) && r->entry)
		note_hit(u, r->entry);
	const ui_walk *w = &u->walk;
	if (u->story.aborted && !u->story.has_retry && a->kind == MMU_FETCH && a->va == (w->pc & ~1u))
		/* The block that starts at the faulting instruction, offered
		 * before its instructions are counted: an exact count. */
		u->story.retry_block_insns = emu_insns(u->e);
	if (is_retry(u, a))
		capture_retry(u, a);
	else if (((u->seek == UI_SEEK_WALK && walked) || (u->seek == UI_SEEK_FAULT && faulted) ||
		  u->seek == UI_SEEK_BREAK) && at_breakpoint(&u->opt, a))
		capture(u, a);
}

static void on_hazard(void *ctx, const tlb_hazard *h)
{
	ui_t *u = ctx;
	ui_space *s = ui_space_get(u, h->asid);
	if (!s)
		return;
	s->mb[h->va >> 20].hazards++;
	ui_counts *pg = page_counts(s, h->va);
	if (pg)
		pg->hazards++;
}

/* The abort of the caught fault: from here on the guest's handler runs. */
static void on_exception(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr, uint32_t far)
{
	ui_t *u = ctx;
	(void)pc; (void)fsr;
	const ui_walk *w = &u->walk;
	if ((kind == EMU_EXC_DABT || kind == EMU_EXC_PABT) && w->valid && w->fault.type != MMU_FAULT_NONE &&
	    !u->story.aborted && far == w->va) {
		u->story.aborted = true;
		u->story.abort_insns = emu_insns(u->e); /* exact: the block was cut at the fault */
		u->story.refaults_at_abort = tlb_counter_get(emu_tlb(u->e), TLB_CNT_stale_refaults);
	}
}

static void on_marker(void *ctx, const char *name)
{
	ui_t *u = ctx;
	snprintf(u->marker, sizeof u->marker, "%s", name);
	if (u->seek == UI_SEEK_MARKER && (!u->opt.break_marker || !strcmp(name, u->opt.break_marker))) {
		u->seek = UI_SEEK_NONE;
		emu_request_stop(u->e);
	}
}

void ui_record_start(ui_t *u)
{
	uint32_t v;
	if (emu_cp15_by_name(u->e, "contextidr", &v))
		u->asid = v & 0xFF;
	ui_space *s = ui_space_get(u, u->asid);
	if (s && emu_cp15_by_name(u->e, "ttbr0", &v))
		s->ttbr0 = v;
	emu_set_events(u->e, &(emu_events){ .model = { .ctx = u, .on_access = on_access,
						       .on_walk = on_walk, .on_cp15 = on_cp15,
						       .on_hazard = on_hazard },
					     .on_marker = on_marker, .on_exception = on_exception });
}

/* The descriptors a view shows, read from the machine as it is now (the
 * regime once per machine step). */
const mmu_regime *ui_regime(ui_t *u)
{
	if (u->regime_e != u->e || u->regime_insns != emu_insns(u->e)) {
		emu_read_regime(u->e, &u->regime);
		u->regime_e = u->e;
		u->regime_insns = emu_insns(u->e);
	}
	return &u->regime;
}

uint32_t ui_l1_desc(ui_t *u, uint8_t asid, unsigned mb, uint32_t *addr)
{
	mmu_regime r = *ui_regime(u);
	ui_space *s = u->space[asid];
	if (s)
		r.ttbr0 = s->ttbr0; /* the ASID's own tables */
	uint32_t v = 0;
	*addr = mmu_l1_addr(&r, (uint32_t)mb << 20);
	emu_phys_read32(u->e, *addr, &v);
	return v;
}

bool ui_l2_desc(ui_t *u, uint32_t l1, unsigned page, uint32_t *addr, uint32_t *value)
{
	if ((l1 & 3) != 1)
		return false;
	*addr = (l1 & ~0x3FFu) | page << 2;
	return emu_phys_read32(u->e, *addr, value);
}
