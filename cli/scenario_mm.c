/* The `mm` calls that look at or disturb a stopped machine: walks, PTEs,
 * counters, registers, RAM, the guest's tasks, TLB contents; descriptor
 * writes, Linux PTE updates, host-issued TLB maintenance, fault injection,
 * dropped TLBIs, DACR.  Each is documented in docs/scenarios.md. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "cli/scenario.h"
#include "firmware/abi.h"

/* The translation regime to walk with: the CPU's, or with asid= another
 * task's page tables (TTBR0 = its pgd). */
static void regime_for(lua_State *L, emu_t *e, int opts, mmu_regime *r);

static mmu_kind kind_from(lua_State *L, int opts)
{
	if (!opts) /* no options table: index 0 is not a valid stack slot */
		return MMU_READ;
	if (scen_opt_bool(L, opts, "fetch", false))
		return MMU_FETCH;
	return scen_opt_bool(L, opts, "write", false) ? MMU_WRITE : MMU_READ;
}

static void push_steps(lua_State *L, const mmu_trace *t, bool has_pxn)
{
	lua_createtable(L, (int)t->nsteps, 0);
	for (unsigned i = 0; i < t->nsteps; i++) {
		const mmu_step *st = &t->step[i];
		char fields[160];
		mmu_desc d = mmu_desc_decode(st->level, st->value, has_pxn);
		mmu_desc_format(&d, fields, sizeof fields);
		lua_createtable(L, 0, 5);
		scen_set_int(L, "level", st->level);
		scen_set_int(L, "address", st->addr);
		scen_set_int(L, "value", st->value);
		lua_pushstring(L, st->ok ? fields : "outside RAM: external abort");
		lua_setfield(L, -2, "fields");
		lua_pushstring(L, mmu_desc_kind_name(d.kind));
		lua_setfield(L, -2, "kind");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static const char *const walk_keys[] = { "asid", "write", "user", "fetch", NULL };

/* The shared part of mm.walk and mm.pte: (va, {asid=, write=, user=,
 * fetch=}) at 1 and 2, translated without a TLB in the regime asked for. */
typedef struct walk_request {
	uint32_t va;
	mmu_regime r;
	mmu_kind kind;
	mmu_entry m;
	mmu_trace t;
	mmu_fault f;
} walk_request;

static void walk_args(lua_State *L, const char *name, walk_request *w)
{
	char what[32];
	emu_t *e = scen_machine(L);
	snprintf(what, sizeof what, "%s: va", name);
	w->va = scen_check_u32(L, 1, what);
	int opts = lua_istable(L, 2) ? 2 : 0;
	if (opts)
		scen_check_keys(L, opts, name, walk_keys);
	regime_for(L, e, opts, &w->r);
	w->kind = kind_from(L, opts);
	bool user = opts && scen_opt_bool(L, opts, "user", false);
	w->t = (mmu_trace){ 0 };
	w->f = emu_translate(e, &w->r, w->va, w->kind, user, &w->m, &w->t);
}

/* mm.walk(va, {asid=, write=, user=, fetch=}) */
static int mm_walk(lua_State *L)
{
	walk_request w;
	walk_args(L, "walk", &w);
	const mmu_entry *m = &w.m;
	const mmu_fault *f = &w.f;
	lua_createtable(L, 0, 8);
	lua_pushstring(L, f->type == MMU_FAULT_NONE ? "ok" : "fault");
	lua_setfield(L, -2, "result");
	if (f->type == MMU_FAULT_NONE) {
		scen_set_int(L, "pa", (lua_Integer)mmu_entry_pa(m, w.va));
		scen_set_int(L, "size", 1ll << m->size_log2);
		scen_set_int(L, "domain", m->domain);
		lua_pushstring(L, mmu_desc_kind_name(m->kind));
		lua_setfield(L, -2, "kind");
	} else {
		lua_pushstring(L, mmu_fault_name(f->type));
		lua_setfield(L, -2, "fault");
		scen_set_int(L, "fsr", mmu_fsr(f, w.kind));
		scen_set_int(L, "level", f->level);
	}
	push_steps(L, &w.t, w.r.has_pxn);
	lua_setfield(L, -2, "steps");
	return 1;
}

/* mm.pte(va, {asid=}) -> {l1=, l1_addr=, hw=, hw_addr=, linux=, linux_addr=} */
static int mm_pte(lua_State *L)
{
	emu_t *e = scen_machine(L);
	walk_request w;
	walk_args(L, "pte", &w);
	const mmu_trace *t = &w.t;
	if (t->nsteps == 0)
		return scen_error(L, "pte: 0x%08x: no descriptor was read (MMU off?)", w.va);
	lua_createtable(L, 0, 6);
	scen_set_int(L, "l1", t->step[0].value);
	scen_set_int(L, "l1_addr", t->step[0].addr);
	const mmu_step *leaf = &t->step[t->nsteps - 1];
	scen_set_int(L, "hw", leaf->value);
	scen_set_int(L, "hw_addr", leaf->addr);
	uint32_t linux_pte;
	if (t->nsteps == 2 && (leaf->addr & PTE_HWTABLE_OFF) &&
	    emu_phys_read32(e, leaf->addr - PTE_HWTABLE_OFF, &linux_pte)) {
		scen_set_int(L, "linux", linux_pte);
		scen_set_int(L, "linux_addr", leaf->addr - PTE_HWTABLE_OFF);
	}
	return 1;
}

/* mm.pte_set(va, {young=, dirty=, ...}): the Linux PTE's bits changed as
 * named, and the hardware PTE rewritten from it by set_pte_ext's rule,
 * with the nG that set_pte_at would give.  No TLB maintenance: follow it
 * with mm.tlb_flush{va=} where the kernel would flush. */
static int mm_pte_set(lua_State *L)
{
	static const struct { const char *name; uint32_t bit; } bits[] = {
		{ "present", L_PTE_PRESENT }, { "young", L_PTE_YOUNG }, { "dirty", L_PTE_DIRTY },
		{ "rdonly", L_PTE_RDONLY }, { "user", L_PTE_USER }, { "xn", L_PTE_XN },
		{ "shared", L_PTE_SHARED }, { "none", L_PTE_NONE },
	};
	static const char *const keys[] = { "present", "young", "dirty", "rdonly", "user", "xn",
					    "shared", "none", "asid", NULL };
	emu_t *e = scen_machine(L);
	uint32_t va = scen_check_u32(L, 1, "pte_set: va");
	luaL_checktype(L, 2, LUA_TTABLE);
	scen_check_keys(L, 2, "pte_set", keys);
	mmu_regime r;
	regime_for(L, e, 2, &r);
	mmu_entry m;
	mmu_trace t = { 0 };
	emu_translate(e, &r, va, MMU_READ, false, &m, &t);
	uint32_t hw_addr = t.nsteps == 2 ? t.step[1].addr : 0, linux_pte;
	if (!(hw_addr & PTE_HWTABLE_OFF) ||
	    !emu_phys_read32(e, hw_addr - PTE_HWTABLE_OFF, &linux_pte))
		return scen_error(L, "pte_set: 0x%08x is not mapped by a Linux page table", va);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		lua_getfield(L, 2, bits[i].name);
		if (!lua_isnil(L, -1))
			linux_pte = lua_toboolean(L, -1) ? linux_pte | bits[i].bit
							 : linux_pte & ~bits[i].bit;
		lua_pop(L, 1);
	}
	bool ng = va < TASK_SIZE && (linux_pte & (L_PTE_VALID | L_PTE_USER | L_PTE_YOUNG)) ==
					    (L_PTE_VALID | L_PTE_USER | L_PTE_YOUNG);
	uint32_t hw = mmu_linux_pte_to_hw(linux_pte, ng ? MMU_PTE_EXT_NG : 0);
	emu_phys_write32(e, hw_addr - PTE_HWTABLE_OFF, linux_pte);
	emu_phys_write32(e, hw_addr, hw);
	lua_createtable(L, 0, 2);
	scen_set_int(L, "linux", linux_pte);
	scen_set_int(L, "hw", hw);
	return 1;
}

/* mm.stats() -> every TLB counter by name, plus the scenario's own. */
static int mm_stats(lua_State *L)
{
	emu_t *e = scen_machine(L);
	const tlb_t *tlb = emu_tlb(e);
	lua_createtable(L, 0, TLB_COUNTER_COUNT + 3);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		scen_set_int(L, tlb_counter_name((tlb_counter)c),
			     (lua_Integer)tlb_counter_get(tlb, (tlb_counter)c));
	scen_set_int(L, "injected", emu_injected(e));
	scen_set_int(L, "tlbi_skipped", emu_tlbi_skipped(e));
	scen_set_int(L, "disagreements", (lua_Integer)emu_disagreements(e));
	return 1;
}

static int mm_reg(lua_State *L)
{
	emu_t *e = scen_machine(L);
	const char *name = luaL_checkstring(L, 1);
	uint32_t v;
	if (!emu_reg_by_name(e, name, &v))
		return scen_error(L, "reg: unknown register '%s' (r0..r15, sp, lr, pc, cpsr, spsr)",
				  name);
	lua_pushinteger(L, v);
	return 1;
}

static int mm_cp15(lua_State *L)
{
	emu_t *e = scen_machine(L);
	const char *name = luaL_checkstring(L, 1);
	uint32_t v;
	if (!emu_cp15_by_name(e, name, &v))
		return scen_error(L, "cp15: unknown register '%s' (sctlr, ttbr0, ttbr1, ttbcr, dacr, "
				  "dfsr, ifsr, dfar, ifar, par, prrr, nmrr, vbar, contextidr)", name);
	lua_pushinteger(L, v);
	return 1;
}

static int mm_read32(lua_State *L)
{
	emu_t *e = scen_machine(L);
	uint32_t pa = scen_check_u32(L, 1, "read32: pa"), v;
	if (!emu_phys_read32(e, pa, &v))
		return scen_error(L, "read32: PA 0x%08x is not in guest RAM", pa);
	lua_pushinteger(L, v);
	return 1;
}

/* mm.write32(pa, value): guest RAM only; no TLB is told (as a stray store). */
static int mm_write32(lua_State *L)
{
	emu_t *e = scen_machine(L);
	uint32_t pa = scen_check_u32(L, 1, "write32: pa"), v = scen_check_u32(L, 2, "write32: value");
	if (!emu_phys_write32(e, pa, v))
		return scen_error(L, "write32: PA 0x%08x is not in guest RAM", pa);
	return 0;
}

/* ---- the guest's tasks ------------------------------------------------- */

/* guestmm/gmm.h: struct task_struct { int pid; enum task_state state;
 * struct mm_struct *mm; struct task_struct *parent; int exit_code; ... }
 * and struct mm_struct { pgd_t *pgd; void *mmap; unsigned context_id; }. */
enum { TASK_PID, TASK_STATE, TASK_MM, TASK_PARENT, TASK_EXIT_CODE, TASK_WORDS };
enum { MM_PGD, MM_MMAP, MM_CONTEXT_ID, MM_WORDS };

/* Calls fn for every task in use; stops early when fn returns true. */
static bool for_each_task(lua_State *L, emu_t *e,
			  bool (*fn)(lua_State *L, const uint32_t *task, const uint32_t *mm, void *ctx),
			  void *ctx)
{
	uint32_t base, size;
	if (!emu_elf_symbol(scen_firmware(L), "tasks", &base, &size) || !size || size % NR_TASKS)
		scen_error(L, "tasks: the firmware has no task table ('tasks' symbol)");
	uint32_t stride = size / NR_TASKS;
	for (uint32_t i = 0; i < NR_TASKS; i++) {
		uint32_t task[TASK_WORDS], mm[MM_WORDS] = { 0 };
		if (!emu_virt_read(e, base + i * stride, task, sizeof task))
			scen_error(L, "tasks: cannot read the task table at 0x%08x", base);
		if (task[TASK_STATE] == TASK_UNUSED)
			continue;
		if (task[TASK_MM] && !emu_virt_read(e, task[TASK_MM], mm, sizeof mm))
			scen_error(L, "tasks: pid %u: cannot read its mm at 0x%08x", task[TASK_PID],
				   task[TASK_MM]);
		if (fn(L, task, mm, ctx))
			return true;
	}
	return false;
}

struct task_list { emu_t *e; lua_Integer n; };

static bool push_task(lua_State *L, const uint32_t *task, const uint32_t *mm, void *ctx)
{
	static const char *const states[] = {
		[TASK_UNUSED] = "unused", [TASK_RUNNING] = "running", [TASK_WAITING] = "waiting",
		[TASK_ZOMBIE] = "zombie",
	};
	struct task_list *list = ctx;
	lua_createtable(L, 0, 7);
	scen_set_int(L, "pid", (int32_t)task[TASK_PID]);
	lua_pushstring(L, task[TASK_STATE] < sizeof states / sizeof states[0]
			  ? states[task[TASK_STATE]] : "?");
	lua_setfield(L, -2, "state");
	scen_set_int(L, "exit_code", (int32_t)task[TASK_EXIT_CODE]);
	if (task[TASK_MM]) {
		scen_set_int(L, "asid", mm[MM_CONTEXT_ID] & 0xFF);
		scen_set_int(L, "generation", mm[MM_CONTEXT_ID] >> 8);
		scen_set_int(L, "pgd", mm[MM_PGD] - PAGE_OFFSET + emu_ram_base(list->e));
	}
	lua_rawseti(L, -2, ++list->n);
	return false;
}

/* mm.tasks() -> array of {pid, state, exit_code, asid, generation, pgd (PA)} */
static int mm_tasks(lua_State *L)
{
	emu_t *e = scen_machine(L);
	struct task_list list = { .e = e };
	lua_newtable(L);
	for_each_task(L, e, push_task, &list);
	return 1;
}

struct asid_search { uint32_t asid, pgd; };

static bool match_asid(lua_State *L, const uint32_t *task, const uint32_t *mm, void *ctx)
{
	(void)L;
	struct asid_search *s = ctx;
	if (!task[TASK_MM] || (mm[MM_CONTEXT_ID] & 0xFF) != s->asid)
		return false;
	s->pgd = mm[MM_PGD];
	return true;
}

static void regime_for(lua_State *L, emu_t *e, int opts, mmu_regime *r)
{
	emu_read_regime(e, r);
	uint32_t asid;
	if (!opts || !scen_opt_u32(L, opts, "asid", &asid) || asid == (r->contextidr & 0xFF))
		return;
	struct asid_search s = { .asid = asid };
	if (!for_each_task(L, e, match_asid, &s))
		scen_error(L, "no task has ASID %u (see mm.tasks())", asid);
	r->ttbr0 = (s.pgd - PAGE_OFFSET + emu_ram_base(e)) | (r->ttbr0 & 0x3FFFu);
	r->contextidr = (r->contextidr & ~0xFFu) | asid;
}

/* ---- TLB contents and maintenance -------------------------------------- */

static int mm_tlb(lua_State *L)
{
	static const char *const names[] = { "itlb", "dtlb", "main", "walk_cache", NULL };
	emu_t *e = scen_machine(L);
	tlb_level_id level = (tlb_level_id)luaL_checkoption(L, 1, NULL, names);
	const tlb_t *tlb = emu_tlb(e);
	unsigned count = tlb_entry_count(tlb, level);
	lua_Integer n = 0;
	lua_newtable(L);
	for (unsigned i = 0; i < count; i++) {
		tlb_entry_view v;
		if (!tlb_entry_get(tlb, level, i, &v) || !v.valid)
			continue;
		lua_createtable(L, 0, 8);
		scen_set_int(L, "index", v.index);
		scen_set_int(L, "set", v.set);
		scen_set_int(L, "way", v.way);
		scen_set_int(L, "va", v.va);
		scen_set_int(L, "pa", (lua_Integer)v.pa);
		scen_set_int(L, "size", 1ll << tlb_size_log2(v.size)); /* bytes, as mm.walk gives */
		lua_pushboolean(L, v.global);
		lua_setfield(L, -2, "global");
		lua_pushboolean(L, v.locked);
		lua_setfield(L, -2, "locked");
		if (!v.global)
			scen_set_int(L, "asid", v.asid);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

/* mm.tlb_flush{all=true} | {va=} | {asid=} | {va=, asid=} */
static int mm_tlb_flush(lua_State *L)
{
	static const char *const keys[] = { "all", "va", "asid", NULL };
	emu_t *e = scen_machine(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, "tlb_flush", keys);
	uint32_t va, asid;
	bool has_va = scen_opt_u32(L, 1, "va", &va), has_asid = scen_opt_u32(L, 1, "asid", &asid);
	bool all = scen_opt_bool(L, 1, "all", false);
	if (all == (has_va || has_asid))
		return scen_error(L, "tlb_flush: give all=true, or va= and/or asid=");
	if (has_asid && asid > 255)
		return scen_error(L, "tlb_flush: asid %u is not 0..255", asid);
	if (all)
		emu_tlb_maintain(e, TLB_OP_TLBIALL, 0);
	else if (has_va && has_asid)
		emu_tlb_maintain(e, TLB_OP_TLBIMVA, (va & ~0xFFFu) | asid);
	else if (has_va)
		emu_tlb_maintain(e, TLB_OP_TLBIMVAA, va & ~0xFFFu);
	else
		emu_tlb_maintain(e, TLB_OP_TLBIASID, asid);
	return 0;
}

/* mm.tlb_insert{va=, write=, user=, fetch=}: one model access, which fills
 * the TLBs as the CPU's would.  Returns true, or false and the fault. */
static int mm_tlb_insert(lua_State *L)
{
	static const char *const keys[] = { "va", "write", "user", "fetch", NULL };
	emu_t *e = scen_machine(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, "tlb_insert", keys);
	uint32_t va;
	if (!scen_opt_u32(L, 1, "va", &va))
		return scen_error(L, "tlb_insert: va= is required");
	mmu_fault f = emu_tlb_prime(e, va, kind_from(L, 1), scen_opt_bool(L, 1, "user", false));
	lua_pushboolean(L, f.type == MMU_FAULT_NONE);
	if (f.type == MMU_FAULT_NONE)
		return 1;
	lua_pushstring(L, mmu_fault_name(f.type));
	return 2;
}

/* ---- injection --------------------------------------------------------- */

static int mm_inject(lua_State *L)
{
	static const char *const keys[] = { "kind", "va", "level", "count", NULL };
	static const struct { const char *name; mmu_fault_type type; } kinds[] = {
		{ "walk_abort", MMU_FAULT_EXT_ABORT_WALK }, { "translation", MMU_FAULT_TRANSLATION },
		{ "permission", MMU_FAULT_PERMISSION }, { "domain", MMU_FAULT_DOMAIN },
		{ "access_flag", MMU_FAULT_ACCESS_FLAG }, { "alignment", MMU_FAULT_ALIGNMENT },
	};
	emu_t *e = scen_machine(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, "inject", keys);
	emu_injection inj = { 0 };
	lua_getfield(L, 1, "kind");
	const char *kind = lua_tostring(L, -1);
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kind, kinds[i].name))
			inj.type = kinds[i].type;
	if (!inj.type)
		return scen_error(L, "inject: kind must be walk_abort, translation, permission, "
				  "domain, access_flag or alignment");
	lua_pop(L, 1);
	if (!scen_opt_u32(L, 1, "va", &inj.va))
		return scen_error(L, "inject: va= is required");
	uint32_t level = 0, count = 1;
	scen_opt_u32(L, 1, "level", &level);
	scen_opt_u32(L, 1, "count", &count);
	if (level > 2 || count == 0)
		return scen_error(L, "inject: level must be 1 or 2 and count at least 1");
	inj.level = level;
	inj.count = count;
	char err[160];
	if (!emu_inject(e, &inj, err, sizeof err))
		return scen_error(L, "inject: %s", err);
	return 0;
}

static int mm_skip_tlbi(lua_State *L)
{
	emu_t *e = scen_machine(L);
	uint32_t count = 1;
	scen_single_option_u32(L, "skip_tlbi", "count", &count);
	emu_skip_tlbi(e, count);
	return 0;
}

/* mm.dacr([value]) -> the value before */
static int mm_dacr(lua_State *L)
{
	emu_t *e = scen_machine(L);
	uint32_t old;
	emu_cp15_by_name(e, "dacr", &old);
	if (!lua_isnoneornil(L, 1))
		emu_set_dacr(e, scen_check_u32(L, 1, "dacr: value"));
	lua_pushinteger(L, old);
	return 1;
}

void scen_register_mm(lua_State *L)
{
	static const luaL_Reg calls[] = {
		{ "walk", mm_walk }, { "pte", mm_pte }, { "pte_set", mm_pte_set },
		{ "stats", mm_stats }, { "reg", mm_reg }, { "cp15", mm_cp15 },
		{ "read32", mm_read32 }, { "write32", mm_write32 }, { "tasks", mm_tasks },
		{ "tlb", mm_tlb }, { "tlb_flush", mm_tlb_flush }, { "tlb_insert", mm_tlb_insert },
		{ "inject", mm_inject }, { "skip_tlbi", mm_skip_tlbi }, { "dacr", mm_dacr },
		{ NULL, NULL },
	};
	luaL_setfuncs(L, calls, 0);
}
