/* The walk stepper: one access revealed a step at a time (the VA split,
 * each descriptor fetch or the TLB entry that hit, the permission check,
 * the result), and for a fault the rest of its story: what the guest's
 * handler changed, then the retry of the same instruction. */
#include <stdio.h>
#include <string.h>

#include "firmware/abi.h"
#include "ui/internal.h"

static const uint32_t TEXT = UI_TEXT, DIM = UI_DIM, HEAD = UI_HEAD, BAD = UI_BAD, GOOD = UI_GOOD;

typedef struct field { int lo, hi; const char *name; } field;

static const field hw_fields[] = { { 0, 0, "XN" }, { 1, 1, "1" }, { 2, 2, "B" }, { 3, 3, "C" },
	{ 4, 5, "AP" }, { 6, 8, "TEX" }, { 9, 9, "APX" }, { 10, 10, "S" }, { 11, 11, "nG" },
	{ 12, 31, "page base address" } };
static const field linux_fields[] = { { 0, 0, "P" }, { 1, 1, "Y" }, { 2, 5, "MT" }, { 6, 6, "D" },
	{ 7, 7, "RO" }, { 8, 8, "U" }, { 9, 9, "XN" }, { 10, 10, "S" }, { 11, 11, "NO" },
	{ 12, 31, "PFN" } };
static const field l1_fields[] = { { 0, 1, "type" }, { 2, 4, "" }, { 5, 8, "domain" }, { 9, 9, "" },
	{ 10, 31, "L2 table base address" } };
static const field va_fields[] = { { 0, 11, "offset" }, { 12, 19, "L2 index" }, { 20, 31, "L1 index" } };
static const field va_section[] = { { 0, 19, "section offset" }, { 20, 31, "L1 index" } };
enum { NFIELDS = 10 };

const char *ui_kind_name(mmu_kind k)
{
	return k == MMU_FETCH ? "fetch" : k == MMU_WRITE ? "write" : "read";
}

/* A word as 32 boxes, bit 31 on the left, with field names under them;
 * bits that differ from `other` are drawn red. */
static int draw_bits(ui_t *u, int x, int y, const char *title, uint32_t w, const field *f, size_t nf,
		     const uint32_t *other)
{
	int bw = 2 * u->cw + 2;
	ui_text(u, x, y, TEXT, "%s", title);
	x += 16 * u->cw;
	for (int b = 31; b >= 0; b--) {
		int bx = x + (31 - b) * bw;
		bool one = w >> b & 1, diff = other && ((w ^ *other) >> b & 1);
		ui_fill(u, bx, y, bw - 2, u->ch, diff ? 0xa03c28 : one ? 0x2d5a8c : 0x26262a);
		ui_text(u, bx + u->cw / 2, y, one ? 0xffffff : DIM, "%d", one);
	}
	for (size_t i = 0; i < nf; i++) {
		int left = x + (31 - f[i].hi) * bw, right = x + (32 - f[i].lo) * bw - 2;
		ui_fill(u, left, y + u->ch + 1, right - left, 1, 0x808088);
		int len = (int)strlen(f[i].name) * u->cw;
		if (len <= right - left + u->cw)
			ui_text(u, left + (right - left - len) / 2, y + u->ch + 2, DIM, "%s", f[i].name);
	}
	ui_text(u, x + 32 * bw + 6, y, TEXT, "0x%08x", w);
	return y + 2 * u->ch + 6;
}

/* A Linux PTE in words: "present young dirty", "none" for 0. */
const char *ui_linux_state(uint32_t lx, char *buf, size_t len)
{
	if (!lx)
		snprintf(buf, len, "none (no page)");
	else
		snprintf(buf, len, "%s %s %s%s", lx & L_PTE_VALID ? "present" : "not present",
			 lx & L_PTE_YOUNG ? "young" : "OLD", lx & L_PTE_DIRTY ? "dirty" : "clean",
			 lx & L_PTE_RDONLY ? " read-only" : "");
	return buf;
}

const char *ui_emulated_bit(uint32_t lx, uint32_t hw)
{
	bool present = lx & L_PTE_VALID, young = lx & L_PTE_YOUNG, dirty = lx & L_PTE_DIRTY,
	     rdonly = lx & L_PTE_RDONLY;
	if (present && !young && hw == 0)
		return "young";
	if (present && young && !dirty && !rdonly && (hw & 0x200))
		return "dirty";
	return NULL;
}

/* Why Linux left the hardware PTE weaker than the Linux PTE allows: the
 * young and dirty bits emulated by faults (set_pte_ext, ARM_NOTES §5). */
static int explain_linux(ui_t *u, int x, int y, uint32_t lx, uint32_t hw)
{
	const char *bit = ui_emulated_bit(lx, hw);
	if (!bit)
		return y;
	if (!strcmp(bit, "young"))
		ui_text(u, x, y, HEAD, "   young-bit emulation: the page is present but old, so its hardware PTE is 0 "
			"and any access faults");
	else
		ui_text(u, x, y, HEAD, "   dirty-bit emulation: the page is writable but clean, so its hardware PTE is "
			"read-only (APX=1)");
	return y + u->ch;
}

/* The hardware PTE and the Linux PTE 2 KB below it, bit by bit. */
static int draw_pte_pair(ui_t *u, int x, int y, uint32_t addr, uint32_t hw, uint32_t lx)
{
	char st[64];
	y = draw_bits(u, x, y, "   hardware PTE", hw, hw_fields, NFIELDS, NULL);
	y = draw_bits(u, x, y, "   Linux PTE", lx, linux_fields, NFIELDS, NULL);
	uint32_t want = mmu_linux_pte_to_hw(lx, hw & MMU_PTE_EXT_NG);
	ui_text(u, x, y, DIM, "   Linux PTE at 0x%08x (2 KB below): %s; set_pte_ext gives 0x%08x%s",
		addr - PTE_HWTABLE_OFF, ui_linux_state(lx, st, sizeof st), want,
		want == hw ? " = the hardware PTE" : " (differs!)");
	return explain_linux(u, x, y + u->ch, lx, hw);
}

/* The permission check's verdict, with the reason (ARM ARM B3.7, AFE=0). */
static const char *verdict(const ui_walk *w, char *buf, size_t len)
{
	const mmu_entry *e = &w->entry;
	unsigned dacr = (w->regime.dacr >> (2 * e->domain)) & 3, ap = e->ap;
	mmu_fault f = mmu_check(e, &w->regime, w->kind, w->user);
	if (f.type == MMU_FAULT_NONE)
		snprintf(buf, len, "allowed%s", dacr == 3 ? ": manager domain, AP not checked" : "");
	else if (f.type == MMU_FAULT_DOMAIN)
		snprintf(buf, len, "denied: domain %u is 'no access' in the DACR", e->domain);
	else if (w->kind == MMU_FETCH && (e->xn || (e->pxn && !w->user)))
		snprintf(buf, len, "denied: %s: the page is not executable", e->xn ? "XN" : "PXN");
	else if (w->user && !(ap & 2))
		snprintf(buf, len, "denied: AP[1] = 0: no user access");
	else if (w->kind == MMU_WRITE && (ap & 4))
		snprintf(buf, len, "denied: APX = 1: read-only, and this is a write");
	else if (w->kind == MMU_WRITE && w->user && ap == 2)
		snprintf(buf, len, "denied: AP = 010: read-only for user mode, and this is a write");
	else
		snprintf(buf, len, "denied: %s fault", mmu_fault_name(f.type));
	return buf;
}

static int draw_cpu(ui_t *u, int x, int y, const ui_cpu *c, uint32_t pc)
{
	ui_text(u, x, y, GOOD, "  %08x:  %s%s", pc, c->disasm, c->thumb ? "   (Thumb)" : "");
	y += u->ch;
	static const char *const rn[17] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8",
		"r9", "r10", "r11", "r12", "sp", "lr", "pc", "cpsr" };
	for (int i = 0; i < 17; i += 6) {
		int cx = x;
		for (int j = i; j < i + 6 && j < 17; j++)
			cx = ui_text(u, cx, y, DIM, "%4s %08x  ", rn[j], c->regs[j]);
		y += u->ch;
	}
	return y;
}

/* One caught access, up to its revealed stage. */
static void draw_access(ui_t *u, const ui_walk *w, int x, int y)
{
	ui_text(u, x, y, TEXT, "%s %s at VA 0x%08x by the instruction at PC 0x%08x, ASID %u, %s",
		w->user ? "user" : "kernel", ui_kind_name(w->kind), w->va, w->pc, w->asid,
		w->walked ? "missed every TLB level: walk" : "hit in a TLB: no walk, only the check");
	y = draw_cpu(u, x, y + u->ch, &w->cpu, w->pc) + 6;
	/* 1: the VA split and the base register. */
	const mmu_regime *r = &w->regime;
	unsigned n = r->ttbcr & MMU_TTBCR_N;
	bool section = w->walked ? w->trace.nsteps == 1 : w->has_entry && w->entry.levels == 1;
	y = draw_bits(u, x, y, "1. VA", w->va, section ? va_section : va_fields, section ? 2 : 3, NULL);
	if (section)
		ui_text(u, x, y, TEXT, "   L1 index VA[31:20] = 0x%03x   section offset VA[19:0] = 0x%05x",
			w->va >> 20, w->va & 0xFFFFF);
	else
		ui_text(u, x, y, TEXT, "   L1 index VA[31:20] = 0x%03x   L2 index VA[19:12] = 0x%02x   offset = 0x%03x",
			w->va >> 20, (w->va >> 12) & 0xFF, w->va & 0xFFF);
	if (w->walked)
		ui_text(u, x, y += u->ch, TEXT, "   TTBCR.N = %u: VA %s -> TTBR%u = 0x%08x, L1 table at 0x%08x", n,
			n ? (w->trace.ttbr ? "above the TTBR0 range" : "below 2^(32-N)") : "any (N = 0)",
			w->trace.ttbr, w->trace.ttbr ? r->ttbr1 : r->ttbr0, w->trace.table);
	else if (w->has_entry)
		ui_text(u, x, y += u->ch, TEXT, "   the TLB entry for VA 0x%08x (%u KB) was filled from L1 [0x%08x] = 0x%08x",
			w->entry.va_base, (1u << w->entry.size_log2) >> 10, w->entry.l1_addr, w->entry.l1_desc);
	y += u->ch + 6;
	unsigned stage = 1;
	for (unsigned i = 0; w->walked && i < w->trace.nsteps; i++, stage++) {
		if (w->stage < stage)
			return;
		const mmu_step *s = &w->trace.step[i];
		char d[128];
		mmu_desc_format(&s->desc, d, sizeof d);
		if (s->level == 1)
			ui_text(u, x, y, HEAD, "%u. L1 descriptor address = table 0x%08x | (0x%03x << 2) = 0x%08x",
				stage + 1, w->trace.table, w->va >> 20, s->addr);
		else
			ui_text(u, x, y, HEAD, "%u. L2 descriptor address = L2 table 0x%08x | (0x%02x << 2) = 0x%08x",
				stage + 1, s->addr & ~0x3FFu, (w->va >> 12) & 0xFF, s->addr);
		y += u->ch;
		if (!s->ok) {
			ui_text(u, x, y, BAD, "   outside RAM: external abort on the walk");
			y += u->ch + 4;
			continue;
		}
		ui_text(u, x, y, TEXT, "   raw 0x%08x -> %s   (%u cycles)", s->value, d, s->cycles);
		y += u->ch + 2;
		if (s->level == 2 && w->has_linux)
			y = draw_pte_pair(u, x, y, s->addr, s->value, w->linux_pte);
		y += 4;
	}
	if (!w->walked && w->has_entry) {
		if (w->stage < stage)
			return;
		ui_text(u, x, y, HEAD, "%u. The TLB entry that hit (its descriptors as cached at the fill)", stage + 1);
		y += u->ch;
		if (w->entry.levels == 2) {
			ui_text(u, x, y, TEXT, "   L2 [0x%08x] = 0x%08x", w->entry.l2_addr, w->entry.l2_desc);
			y += u->ch + 2;
			if (w->has_linux)
				y = draw_pte_pair(u, x, y, w->entry.l2_addr, w->entry.l2_desc, w->linux_pte);
		}
		y += 4;
		stage++;
	}
	if (w->stage < stage)
		return;
	/* The check: domain, then AP, against the access. */
	ui_text(u, x, y, HEAD, "%u. Permission check (%s %s)", stage + 1, w->user ? "user" : "kernel",
		ui_kind_name(w->kind));
	y += u->ch;
	if (w->has_entry) {
		unsigned dom = w->entry.domain, dacr = (r->dacr >> (2 * dom)) & 3;
		static const char *const dn[4] = { "no access", "client: AP checked", "reserved", "manager: no check" };
		ui_text(u, x, y, TEXT, "   domain %u: DACR 0x%08x bits [%u:%u] = %u, %s", dom, r->dacr,
			2 * dom + 1, 2 * dom, dacr, dn[dacr]);
		ui_text(u, x, y += u->ch, TEXT, "   AP[2:0] = %u%u%u  XN %u  PXN %u  (APX=1: read-only; AP[1]=1: user access)",
			w->entry.ap >> 2 & 1, w->entry.ap >> 1 & 1, w->entry.ap & 1, w->entry.xn, w->entry.pxn);
		char v[96];
		verdict(w, v, sizeof v);
		ui_text(u, x, y += u->ch, v[0] == 'a' ? GOOD : BAD, "   %s", v);
	} else {
		ui_text(u, x, y, DIM, "   no entry: the walk itself faulted, nothing to check");
	}
	y += u->ch + 4;
	if (w->stage < ++stage)
		return;
	ui_text(u, x, y, HEAD, "%u. Result", stage + 1);
	y += u->ch;
	if (w->fault.type == MMU_FAULT_NONE) {
		ui_text(u, x, y, GOOD, "   translated: PA 0x%08llx (%u KB %s)",
			(unsigned long long)mmu_entry_pa(&w->entry, w->va), (1u << w->entry.size_log2) >> 10,
			mmu_desc_kind_name(w->entry.kind));
	} else {
		ui_text(u, x, y, BAD, "   %s fault, level %u, domain %u: %s 0x%03x, %s 0x%08x",
			mmu_fault_name(w->fault.type), w->fault.level, w->fault.domain,
			w->kind == MMU_FETCH ? "IFSR" : "DFSR", w->fsr, w->kind == MMU_FETCH ? "IFAR" : "DFAR", w->va);
		ui_text(u, x, y += u->ch, DIM, "   FS = 0x%02x%s; the guest's abort handler sees these registers",
			(w->fsr & 0xF) | (w->fsr >> 6 & 0x10), w->fsr & 0x800 ? ", WnR = 1 (write)" : "");
	}
}

/* What the handler did between the abort and the retry. */
static void draw_handler(ui_t *u, int x, int y)
{
	const ui_story *st = &u->story;
	const ui_walk *w = &u->walk;
	char a[64], b[64];
	ui_text(u, x, y, HEAD, "The guest's handler ran %llu instructions between the abort and the retry",
		(unsigned long long)st->handler_insns);
	ui_text(u, x, y += u->ch, TEXT, "   fault: %s %s at VA 0x%08x, PC 0x%08x: %s fault, %s 0x%03x",
		w->user ? "user" : "kernel", ui_kind_name(w->kind), w->va, w->pc, mmu_fault_name(w->fault.type),
		w->kind == MMU_FETCH ? "IFSR" : "DFSR", w->fsr);
	y += 2 * u->ch;
	if (st->l1_after != st->l1_before) {
		ui_text(u, x, y, HEAD, "L1 [0x%08x]: 0x%08x -> 0x%08x (changed bits red)", st->l1_addr,
			st->l1_before, st->l1_after);
		y += u->ch + 2;
		y = draw_bits(u, x, y, "   before", st->l1_before, l1_fields, 5, NULL);
		y = draw_bits(u, x, y, "   after", st->l1_after, l1_fields, 5, &st->l1_before) + 4;
	}
	if (st->has_pte) {
		ui_text(u, x, y, HEAD, "hardware PTE [0x%08x]: 0x%08x -> 0x%08x%s", st->pte_addr, st->hw_before,
			st->hw_after, st->pte_existed ? "" : "  (its L2 table is new)");
		y += u->ch + 2;
		y = draw_bits(u, x, y, "   before", st->hw_before, hw_fields, NFIELDS, NULL);
		y = draw_bits(u, x, y, "   after", st->hw_after, hw_fields, NFIELDS, &st->hw_before);
		if (st->pte_addr & PTE_HWTABLE_OFF) {
			ui_text(u, x, y, HEAD, "Linux PTE [0x%08x]: %s -> %s", st->pte_addr - PTE_HWTABLE_OFF,
				ui_linux_state(st->linux_before, a, sizeof a), ui_linux_state(st->linux_after, b, sizeof b));
			y += u->ch + 2;
			y = draw_bits(u, x, y, "   before", st->linux_before, linux_fields, NFIELDS, NULL);
			y = draw_bits(u, x, y, "   after", st->linux_after, linux_fields, NFIELDS, &st->linux_before);
		}
	} else if (st->l1_after == st->l1_before) {
		ui_text(u, x, y, DIM, "   no page table entry of this VA changed");
		y += u->ch;
	}
	y += 4;
	ui_text(u, x, y, HEAD, "TLB maintenance the handler issued:");
	y += u->ch;
	if (!st->nops)
		ui_text(u, x, y, TEXT, "   none");
	for (unsigned i = 0; i < st->nops && i < UI_STORY_OPS; i++, y += u->ch)
		ui_text(u, x, y, TEXT, "   %-10s 0x%08x", tlb_op_name(st->ops[i].op), st->ops[i].rt);
	if (st->nops > UI_STORY_OPS)
		ui_text(u, x, y, DIM, "   ... %u more", st->nops - UI_STORY_OPS);
	y += 2 * u->ch;
	ui_text(u, x, y, DIM, "w: the retry of the instruction");
}

bool ui_story_advance(ui_t *u)
{
	ui_walk *w = &u->walk;
	ui_story *st = &u->story;
	if (!w->valid)
		return false;
	switch (st->phase) {
	case UI_STORY_FAULT:
		if (w->stage + 1 < ui_walk_stages(w)) {
			w->stage++;
			return true;
		}
		if (w->fault.type == MMU_FAULT_NONE || !st->aborted)
			return false;
		u->seek = UI_SEEK_RETRY;
		u->running = true;
		return true;
	case UI_STORY_HANDLER:
		st->phase = UI_STORY_RETRY;
		return true;
	case UI_STORY_RETRY:
		if (st->retry.stage + 1 < ui_walk_stages(&st->retry)) {
			st->retry.stage++;
			return true;
		}
		return false;
	}
	return false;
}

void ui_draw_stepper(ui_t *u, int x, int y)
{
	const ui_walk *w = &u->walk;
	const ui_story *st = &u->story;
	if (u->has_step) {
		ui_text(u, x, y, HEAD, "Stepped: instruction %llu done; the next one is",
			(unsigned long long)emu_insns(u->e));
		draw_cpu(u, x, y + u->ch, &u->step, u->step.regs[15]);
		y += 6 * u->ch;
	}
	if (!w->valid) {
		ui_text(u, x, y, HEAD, "%s", "Walk stepper");
		ui_text(u, x, y + 2 * u->ch, TEXT, "%s", "No walk caught yet.  Press w to run to the next table walk,");
		ui_text(u, x, y + 3 * u->ch, TEXT, "%s", "f to the next fault (a young-bit fault shows the Linux PTE),");
		ui_text(u, x, y + 4 * u->ch, TEXT, "%s", "then w again to reveal one step at a time.");
		return;
	}
	bool fault = w->fault.type != MMU_FAULT_NONE;
	static const char *const phases[] = { "1 the fault", "2 the handler", "3 the retry" };
	const ui_walk *shown = st->phase == UI_STORY_RETRY ? &st->retry : w;
	if (st->phase == UI_STORY_HANDLER)
		ui_text(u, x, y, HEAD, "Fault story: %s   (w: on to the retry)", phases[1]);
	else
		ui_text(u, x, y, HEAD, "%s%s: step %u of %u   (w: next step%s; f: next fault)",
			fault ? "Fault story: " : "Walk stepper", fault ? phases[st->phase] : "", shown->stage + 1,
			ui_walk_stages(shown), fault && st->phase == UI_STORY_FAULT ? ", then the handler" : ", then next walk");
	y += u->ch + 4;
	if (st->phase == UI_STORY_HANDLER) {
		draw_handler(u, x, y);
		return;
	}
	if (st->phase == UI_STORY_RETRY) {
		ui_text(u, x, y, GOOD, "retry of the fault at PC 0x%08x, %llu instructions later", w->pc,
			(unsigned long long)st->handler_insns);
		y += u->ch;
		if (st->retry_refaulted) {
			ui_text(u, x, y, DIM, "(it hit the TLB's entry from before the change; that entry's check faulted, "
				"so the model dropped it and walked again, as QEMU does)");
			y += u->ch;
		}
	}
	draw_access(u, shown, x, y);
}
