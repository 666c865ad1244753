/* The expectations of `mmuscope scenario` (mm.expect, expect_eq,
 * expect_fault, expect_hazard, expect_delta) and the report of their
 * results: one line each, ok or not ok with file:line, then the summary.
 * Faults and hazards come from the event log the engine keeps; a search
 * starts after the last event an expectation matched, and with within=N
 * runs the guest up to N more instructions to wait for one. */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/scenario.h"

/* What an expectation looks for; absent fields match anything. */
typedef struct event_filter {
	bool has_va, has_fsr;
	uint32_t va, fsr;
} event_filter;

/* ---- output ------------------------------------------------------------ */

bool scen_report(lua_State *L, bool ok, const char *what, const char *fmt, ...)
{
	scenario *s = scen_of(L);
	luaL_where(L, 1);
	const char *where = lua_tostring(L, -1);
	char detail[1024] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	++*s->number;
	/* luaL_where gives "file:line: ", or nothing outside Lua code */
	const char *sep = *where ? "" : ": ";
	if (s->tap)
		printf("%s %u - %s%s%s%s%s\n", ok ? "ok" : "not ok", *s->number,
		       *where ? where : s->file, sep, what, *detail ? ": " : "", detail);
	else
		printf("%-6s %s%s%s%s%s\n", ok ? "ok" : "not ok", *where ? where : s->file, sep, what,
		       *detail ? ": " : "", detail);
	lua_pop(L, 1);
	if (ok)
		s->passed++;
	else
		s->failed++;
	return ok;
}

void scen_report_summary(const scenario *s, int files)
{
	if (s->tap)
		printf("1..%u\n", *s->number);
	printf("%s%u passed, %u failed (%d file%s)\n", s->tap ? "# " : "", s->passed, s->failed,
	       files, files == 1 ? "" : "s");
}

/* snprintf at the end of the text already in buf. */
static void appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Integers print as decimal and hex; everything else as Lua shows it. */
static const char *show(lua_State *L, int index, char *buf, size_t len)
{
	if (lua_isinteger(L, index)) {
		lua_Integer v = lua_tointeger(L, index);
		snprintf(buf, len, "%lld (0x%llx)", (long long)v, (unsigned long long)v);
	} else if (lua_type(L, index) == LUA_TSTRING) {
		snprintf(buf, len, "\"%s\"", lua_tostring(L, index));
	} else {
		snprintf(buf, len, "%s", luaL_tolstring(L, index, NULL));
		lua_pop(L, 1);
	}
	return buf;
}

/* ---- expectations ------------------------------------------------------- */

static const char *message_arg(lua_State *L, int index)
{
	return luaL_optstring(L, index, "(no message)");
}

static int mm_expect(lua_State *L)
{
	luaL_checkany(L, 1);
	scen_report(L, lua_toboolean(L, 1), message_arg(L, 2), lua_toboolean(L, 1) ? NULL : "%s",
		    "the condition is false");
	return 0;
}

static int mm_expect_eq(lua_State *L)
{
	luaL_checkany(L, 1);
	luaL_checkany(L, 2);
	bool ok = lua_compare(L, 1, 2, LUA_OPEQ);
	char got[128], want[128];
	if (ok)
		scen_report(L, true, message_arg(L, 3), NULL);
	else
		scen_report(L, false, message_arg(L, 3), "got %s, want %s",
			    show(L, 1, got, sizeof got), show(L, 2, want, sizeof want));
	return 0;
}

/* Both searches start after the last event an expectation matched: a
 * fault or hazard is used once. */
static const void *find_fault(scenario *s, const void *want)
{
	const event_filter *w = want;
	for (size_t i = s->fault_cursor; i < s->nfaults; i++) {
		const fault_record *f = &s->faults[i];
		if ((!w->has_va || f->far == w->va) && (!w->has_fsr || f->fsr == w->fsr)) {
			s->fault_cursor = i + 1;
			return f;
		}
	}
	return NULL;
}

static const void *find_hazard(scenario *s, const void *want)
{
	const event_filter *w = want;
	for (size_t i = s->hazard_cursor; i < s->nhazards; i++)
		if (!w->has_va || scen_hazard_covers(&s->hazards[i].hazard, w->va)) {
			s->hazard_cursor = i + 1;
			return &s->hazards[i];
		}
	return NULL;
}

/* Runs the guest up to `within` more instructions or until `found`
 * finds the event wanted, stopping at each candidate fault or hazard. */
static const void *run_until_found(lua_State *L, uint32_t within,
				   const void *(*found)(scenario *s, const void *want),
				   const event_filter *want, bool hazard)
{
	scenario *s = scen_of(L);
	const void *hit = found(s, want);
	uint64_t end = emu_insns(s->e) + within;
	while (!hit && emu_insns(s->e) < end) {
		stop_condition c = { .has_fault = !hazard, .any_fault = !want->has_fsr, .fsr = want->fsr,
				     .has_hazard = hazard, .has_far = want->has_va, .far = want->va };
		emu_stop stop = scen_run_until(L, &c, end - emu_insns(s->e));
		s->until = (stop_condition){ 0 };
		hit = found(s, want);
		if (stop != EMU_STOP_REQUESTED)
			break;
	}
	return hit;
}

static void describe_faults(scenario *s, size_t from, char *buf, size_t len)
{
	*buf = 0;
	size_t n = 0;
	for (size_t i = from; i < s->nfaults && n < 4; i++, n++) {
		const fault_record *f = &s->faults[i];
		appendf(buf, len, "%s%s FAR 0x%08x FSR 0x%03x", n ? ", " : "",
			f->kind == EMU_EXC_PABT ? "prefetch" : "data", f->far, f->fsr);
	}
	if (!n)
		snprintf(buf, len, "none");
	if (s->nfaults - from > n)
		appendf(buf, len, " and %zu more", s->nfaults - from - n);
}

static void push_fault(lua_State *L, const fault_record *f)
{
	lua_createtable(L, 0, 5);
	scen_set_int(L, "far", f->far);
	scen_set_int(L, "fsr", f->fsr);
	scen_set_int(L, "pc", f->pc);
	scen_set_int(L, "insn", (lua_Integer)f->insn);
	lua_pushstring(L, f->kind == EMU_EXC_PABT ? "prefetch" : "data");
	lua_setfield(L, -2, "kind");
}

/* "MESSAGE: " or nothing, from the message= field of the table at 1. */
static void message_prefix(lua_State *L, char *buf, size_t len)
{
	lua_getfield(L, 1, "message");
	if (lua_isnil(L, -1))
		buf[0] = 0;
	else
		snprintf(buf, len, "%s: ", luaL_checkstring(L, -1));
	lua_pop(L, 1);
}

/* The shared part of expect_fault and expect_hazard: reads {va=, fsr=
 * (faults only), within=, message=} from the table at 1, describes the
 * event wanted in `what`, runs until it is found or `within` runs out,
 * and reports a match (a miss is reported by the caller, which knows what
 * was seen instead).  *from is where the search began; *bounded says
 * whether a nonzero within= was given. */
static const void *expect_event(lua_State *L, bool hazard, char *what, size_t len, size_t *from,
				bool *bounded)
{
	static const char *const fault_keys[] = { "va", "fsr", "within", "message", NULL };
	static const char *const hazard_keys[] = { "va", "within", "message", NULL };
	const char *name = hazard ? "expect_hazard" : "expect_fault";
	scenario *s = scen_of(L);
	scen_machine(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, name, hazard ? hazard_keys : fault_keys);
	event_filter want = { 0 };
	uint32_t within = 0;
	want.has_va = scen_opt_u32(L, 1, "va", &want.va);
	if (!hazard)
		want.has_fsr = scen_opt_u32(L, 1, "fsr", &want.fsr);
	scen_opt_u32(L, 1, "within", &within);
	*bounded = within != 0;
	message_prefix(L, what, len);
	appendf(what, len, "%s", hazard ? "stale-TLB hazard" : "fault");
	if (want.has_va)
		appendf(what, len, " at VA 0x%08x", want.va);
	if (want.has_fsr)
		appendf(what, len, " with FSR 0x%03x", want.fsr);
	*from = hazard ? s->hazard_cursor : s->fault_cursor;
	const void *hit = run_until_found(L, within, hazard ? find_hazard : find_fault, &want, hazard);
	if (hit)
		scen_report(L, true, what, NULL);
	return hit;
}

/* mm.expect_fault{va=, fsr=, within=N, message=} -> the fault, or nil */
static int mm_expect_fault(lua_State *L)
{
	char what[256];
	size_t from;
	bool bounded;
	const fault_record *f = expect_event(L, false, what, sizeof what, &from, &bounded);
	if (!f) {
		char seen[512];
		describe_faults(scen_of(L), from, seen, sizeof seen);
		scen_report(L, false, what, "no such fault%s; faults since the last match: %s",
			    bounded ? " within the instructions allowed" : " so far", seen);
		lua_pushnil(L);
		return 1;
	}
	push_fault(L, f);
	return 1;
}

/* mm.expect_hazard{va=, within=N, message=} -> the hazard, or nil */
static int mm_expect_hazard(lua_State *L)
{
	char what[256];
	size_t from;
	bool bounded;
	const hazard_record *h = expect_event(L, true, what, sizeof what, &from, &bounded);
	if (!h) {
		scen_report(L, false, what, "none flagged; %zu hazard(s) elsewhere since the last match",
			    scen_of(L)->nhazards - from);
		lua_pushnil(L);
		return 1;
	}
	const tlb_hazard *z = &h->hazard;
	lua_createtable(L, 0, 8);
	scen_set_int(L, "va", z->va);
	scen_set_int(L, "pc", z->pc);
	scen_set_int(L, "asid", z->asid);
	scen_set_int(L, "desc_level", z->desc_level);
	scen_set_int(L, "desc_pa", z->desc_pa);
	scen_set_int(L, "value_at_fill", z->value_at_fill);
	scen_set_int(L, "value_now", z->value_now);
	lua_pushstring(L, tlb_level_name(z->level));
	lua_setfield(L, -2, "tlb");
	return 1;
}

static lua_Integer counter_value(lua_State *L, const char *name)
{
	lua_getglobal(L, "mm");
	lua_getfield(L, -1, "stats");
	lua_call(L, 0, 1);
	lua_getfield(L, -1, name);
	if (!lua_isinteger(L, -1))
		luaL_error(L, "expect_delta: no counter named '%s' (see mm.stats())", name);
	lua_Integer v = lua_tointeger(L, -1);
	lua_pop(L, 3);
	return v;
}

/* mm.expect_delta(counter, expected, function ... end [, message]) */
static int mm_expect_delta(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_Integer want = luaL_checkinteger(L, 2);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	const char *message = luaL_optstring(L, 4, NULL);
	scen_machine(L);
	lua_Integer before = counter_value(L, name);
	lua_pushvalue(L, 3);
	lua_call(L, 0, 0);
	lua_Integer delta = counter_value(L, name) - before;
	char what[160];
	snprintf(what, sizeof what, "%s%s%s changes by %lld", message ? message : "",
		 message ? ": " : "", name, (long long)want);
	if (delta == want)
		scen_report(L, true, what, NULL);
	else
		scen_report(L, false, what, "it changed by %lld", (long long)delta);
	return 0;
}

void scen_register_expectations(lua_State *L)
{
	static const luaL_Reg calls[] = {
		{ "expect", mm_expect }, { "expect_eq", mm_expect_eq },
		{ "expect_fault", mm_expect_fault }, { "expect_hazard", mm_expect_hazard },
		{ "expect_delta", mm_expect_delta },
		{ NULL, NULL },
	};
	luaL_setfuncs(L, calls, 0);
}
