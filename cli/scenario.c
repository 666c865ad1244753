/* mmuscope scenario FILE.lua...: scripts that boot the machine, drive it,
 * inject faults and check expectations (docs/scenarios.md).  This is the
 * engine: options, the Lua state and its sandbox, machine control (boot,
 * run, run_until, reset), the time limits, and the event log that
 * expectations (scenario_expect.c) search.  Exit status: 0 when every
 * expectation of every file held, 1 when one failed (or a guest crashed,
 * disagreed with QEMU, or a timeout hit), 2 for bad options or a script
 * error (reported as file:line). */
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scenario.h"

static char abort_sentinel; /* error object: the scenario failed, stop it */

scenario *scen_of(lua_State *L)
{
	return *(scenario **)lua_getextraspace(L);
}

/* A failure the rest of the script cannot go on from. */
static int fail_and_stop(lua_State *L, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_and_stop(lua_State *L, const char *what, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	scen_report(L, false, what, "%s", detail);
	lua_pushlightuserdata(L, &abort_sentinel);
	return lua_error(L);
}

emu_t *scen_machine(lua_State *L)
{
	scenario *s = scen_of(L);
	if (!s->e)
		luaL_error(L, "no machine: call mm.boot{...} first");
	return s->e;
}

const char *scen_firmware(lua_State *L)
{
	return scen_of(L)->firmware;
}

/* ---- events from the machine ------------------------------------------- */

static bool grow(void **array, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return true;
	size_t want = *cap ? *cap * 2 : 64;
	void *grown = realloc(*array, want * elem);
	if (!grown)
		return false;
	*array = grown;
	*cap = want;
	return true;
}

static void stop_for(scenario *s, const char *reason)
{
	if (!s->waiting || s->until.reason)
		return;
	s->until.reason = reason;
	emu_request_stop(s->e);
}

static void on_exception(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr, uint32_t far)
{
	scenario *s = ctx;
	if (kind != EMU_EXC_DABT && kind != EMU_EXC_PABT)
		return;
	if (!grow((void **)&s->faults, &s->faults_cap, s->nfaults, sizeof *s->faults))
		return;
	s->faults[s->nfaults++] = (fault_record){ kind, pc, fsr, far, emu_insns(s->e) };
	if (s->until.has_fault && (s->until.any_fault || s->until.fsr == fsr) &&
	    (!s->until.has_far || s->until.far == far)) {
		s->until.fault_far = far;
		s->until.fault_fsr = fsr;
		stop_for(s, "fault");
	}
}

bool scen_hazard_covers(const tlb_hazard *h, uint32_t va)
{
	static const uint32_t sizes[TLB_SIZE_COUNT] = { 1u << 12, 1u << 16, 1u << 20, 1u << 24 };
	return va - h->entry_va < sizes[h->size];
}

static void on_hazard(void *ctx, const tlb_hazard *h)
{
	scenario *s = ctx;
	if (grow((void **)&s->hazards, &s->hazards_cap, s->nhazards, sizeof *s->hazards))
		s->hazards[s->nhazards++] = (hazard_record){ *h, emu_insns(s->e) };
	if (s->until.has_hazard && (!s->until.has_far || scen_hazard_covers(h, s->until.far)))
		stop_for(s, "hazard");
}

/* A marker matches its whole name, or the name before its " key=value"s. */
static bool marker_matches(const char *name, const char *want)
{
	size_t n = strlen(want);
	return !strncmp(name, want, n) && (name[n] == 0 || name[n] == ' ');
}

static void on_marker(void *ctx, const char *name)
{
	scenario *s = ctx;
	if (s->until.marker && marker_matches(name, s->until.marker)) {
		snprintf(s->until.marker_seen, sizeof s->until.marker_seen, "%s", name);
		stop_for(s, "marker");
	}
}

static void on_access(void *ctx, const model_access_event *a)
{
	scenario *s = ctx;
	bool fetch = a->kind == MMU_FETCH;
	if (s->until.has_va && !fetch && (a->va & ~3u) == (s->until.va & ~3u))
		stop_for(s, "va");
	if (s->until.has_pc && (fetch ? a->va : a->pc) == s->until.pc)
		stop_for(s, "pc");
}

static void on_walk(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
		    const mmu_trace *trace)
{
	(void)fault, (void)entry, (void)trace;
	scenario *s = ctx;
	if (s->until.has_walk && (s->until.any_walk || (va & ~0xFFFu) == (s->until.walk & ~0xFFFu)))
		stop_for(s, "walk");
}

/* ---- machine control ---------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fail_seconds(lua_State *L)
{
	fail_and_stop(L, "timeout", "the scenario ran longer than %.0f s (--timeout)",
		      scen_of(L)->timeout_seconds);
}

static void check_seconds(lua_State *L)
{
	scenario *s = scen_of(L);
	if (s->timeout_seconds > 0 && seconds_since(&s->started) > s->timeout_seconds)
		fail_seconds(L);
}

/* A runaway script loop is stopped by the seconds limit too. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	check_seconds(L);
}

/* The seconds limit is enforced from outside the Lua VM as well: the hooks
 * above run only between Lua instructions, and a script can spend any time
 * inside one C call (a backtracking string.find).  SIGALRM at the limit sets
 * a hook that stops the script at its next instruction (lua_sethook may be
 * called from a signal handler); if the script is still inside a C call a
 * grace period later, the process ends with exit 2.  A guest run is not
 * such a call: its slices check the clock themselves. */
enum { WATCHDOG_GRACE_SECONDS = 2 };
static lua_State *volatile watched;
static volatile sig_atomic_t watchdog_alarms, in_guest;
static char watchdog_message[512];
static size_t watchdog_message_len;

static void timeout_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	fail_seconds(L);
}

static void arm_timer(double seconds)
{
	struct itimerval t = { .it_value = { .tv_sec = (time_t)seconds,
					     .tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6) } };
	setitimer(ITIMER_REAL, &t, NULL);
}

static void on_alarm(int sig)
{
	(void)sig;
	if (!watched)
		return;
	if (!watchdog_alarms++) {
		lua_sethook(watched, timeout_hook, LUA_MASKCOUNT, 1);
		arm_timer(WATCHDOG_GRACE_SECONDS);
	} else if (in_guest) {
		arm_timer(WATCHDOG_GRACE_SECONDS);
	} else {
		ssize_t ignored = write(STDERR_FILENO, watchdog_message, watchdog_message_len);
		(void)ignored;
		_exit(2);
	}
}

static void watchdog_start(scenario *s)
{
	snprintf(watchdog_message, sizeof watchdog_message,
		 "mmuscope scenario: %s: still inside one call %d s after the %.0f s timeout; "
		 "stopped\n", s->file, WATCHDOG_GRACE_SECONDS, s->timeout_seconds);
	watchdog_message_len = strlen(watchdog_message);
	watchdog_alarms = 0;
	watched = s->L;
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	arm_timer(s->timeout_seconds);
}

static void watchdog_stop(void)
{
	arm_timer(0);
	watched = NULL;
}

/* The guest's health after every run: a crash or a disagreement with QEMU
 * ends the scenario. */
static void check_machine(lua_State *L, emu_stop stop)
{
	scenario *s = scen_of(L);
	if (stop == EMU_STOP_ERROR)
		fail_and_stop(L, "the guest crashed", "%s", emu_error(s->e));
	if (emu_disagreements(s->e))
		fail_and_stop(L, "the model disagrees with QEMU",
			      "%llu disagreement(s), see stderr",
			      (unsigned long long)emu_disagreements(s->e));
}

/* Runs up to `insns` instructions (0: only the timeout limits it) in
 * slices, so that the seconds limit is checked while the guest runs. */
static emu_stop run_for(lua_State *L, uint64_t insns)
{
	scenario *s = scen_of(L);
	const uint64_t slice = 2000000;
	uint64_t start = emu_insns(s->e);
	for (;;) {
		uint64_t done = emu_insns(s->e) - start;
		if (insns && done >= insns)
			return EMU_STOP_INSN_LIMIT;
		if (emu_insns(s->e) >= s->timeout_insns)
			fail_and_stop(L, "timeout", "the scenario used its %llu instructions (--timeout)",
				      (unsigned long long)s->timeout_insns);
		uint64_t n = s->timeout_insns - emu_insns(s->e);
		if (insns && insns - done < n)
			n = insns - done;
		if (n > slice)
			n = slice;
		in_guest = 1;
		emu_stop stop = emu_run(s->e, n);
		in_guest = 0;
		check_machine(L, stop);
		if (stop != EMU_STOP_INSN_LIMIT)
			return stop;
		check_seconds(L);
	}
}

emu_stop scen_run_until(lua_State *L, const stop_condition *c, uint64_t insns)
{
	scenario *s = scen_of(L);
	s->until = *c;
	s->waiting = true;
	emu_stop stop = run_for(L, insns);
	s->waiting = false;
	return stop;
}

static void push_stop(lua_State *L, emu_stop stop, const char *reason)
{
	scenario *s = scen_of(L);
	lua_createtable(L, 0, 4);
	lua_pushstring(L, reason ? reason : stop == EMU_STOP_EXIT ? "exit" : "insns");
	lua_setfield(L, -2, "reason");
	scen_set_int(L, "insns", (lua_Integer)emu_insns(s->e));
	if (stop == EMU_STOP_EXIT)
		scen_set_int(L, "exit_code", emu_exit_code(s->e));
}

static void destroy_machine(scenario *s)
{
	emu_destroy(s->e);
	s->e = NULL;
	fclose(s->opt.console);
	s->opt.console = NULL;
	s->nfaults = s->fault_cursor = s->nhazards = s->hazard_cursor = 0;
}

static void create_machine(lua_State *L)
{
	scenario *s = scen_of(L);
	char err[512];
	free(s->console_text);
	s->console_text = NULL;
	s->console_len = 0;
	s->opt.console = open_memstream(&s->console_text, &s->console_len);
	if (!s->opt.console)
		luaL_error(L, "boot: cannot capture the guest console");
	snprintf(s->firmware, sizeof s->firmware, "%s", emu_default_firmware(s->board));
	s->e = emu_create(&s->opt, err, sizeof err);
	if (!s->e) {
		fclose(s->opt.console);
		s->opt.console = NULL;
		luaL_error(L, "boot: %s", err);
	}
	emu_events ev = { .model = { .ctx = s, .on_access = on_access, .on_walk = on_walk,
				     .on_hazard = on_hazard },
			  .on_exception = on_exception, .on_marker = on_marker };
	emu_set_events(s->e, &ev);
	/* Up to the end of the kernel's boot: page tables and allocators ready. */
	emu_stop stop = scen_run_until(L, &(stop_condition){ .marker = "boot" }, 0);
	if (!s->until.reason)
		fail_and_stop(L, "boot", "the guest %s before its boot marker",
			      stop == EMU_STOP_EXIT ? "exited" : "stopped");
}

static void copy_option(lua_State *L, const char *field, char *dst, size_t len, const char *fallback)
{
	lua_getfield(L, 1, field);
	const char *v = lua_isnil(L, -1) ? fallback : luaL_checkstring(L, -1);
	if (strlen(v) >= len)
		luaL_error(L, "boot: %s '%s' is too long", field, v);
	snprintf(dst, len, "%s", v);
	lua_pop(L, 1);
}

/* mm.boot{board=, preset=, layout=, workload=, args=} */
static int mm_boot(lua_State *L)
{
	static const char *const keys[] = { "board", "preset", "layout", "workload", "args", NULL };
	scenario *s = scen_of(L);
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, "boot", keys);
	if (s->e)
		destroy_machine(s);
	copy_option(L, "board", s->board, sizeof s->board, "q3f");
	copy_option(L, "preset", s->preset, sizeof s->preset, "");
	copy_option(L, "layout", s->layout, sizeof s->layout, "sections");
	copy_option(L, "workload", s->workload, sizeof s->workload, "default");
	copy_option(L, "args", s->args, sizeof s->args, "");
	s->opt = (emu_options){ .board = s->board, .preset = *s->preset ? s->preset : NULL,
				.layout = s->layout, .workload = s->workload, .args = s->args,
				.model = true };
	create_machine(L);
	return 0;
}

static int mm_reset(lua_State *L)
{
	scenario *s = scen_of(L);
	scen_machine(L);
	destroy_machine(s);
	create_machine(L);
	return 0;
}

/* mm.run{insns=N}: N more instructions, or until the guest exits. */
static int mm_run(lua_State *L)
{
	scen_machine(L);
	uint32_t insns = 0;
	scen_single_option_u32(L, "run", "insns", &insns);
	emu_stop stop = run_for(L, insns);
	push_stop(L, stop, NULL);
	return 1;
}

/* mm.run_until{marker=, pc=, va=, fault=, walk=, insns=} -> {reason=...} */
static int mm_run_until(lua_State *L)
{
	static const char *const keys[] = { "marker", "pc", "va", "fault", "walk", "insns", NULL };
	scenario *s = scen_of(L);
	scen_machine(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	scen_check_keys(L, 1, "run_until", keys);
	stop_condition c = { 0 };
	lua_getfield(L, 1, "marker");
	c.marker = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
	/* the string stays referenced by the argument table until we return */
	lua_pop(L, 1);
	c.has_pc = scen_opt_u32(L, 1, "pc", &c.pc);
	c.has_va = scen_opt_u32(L, 1, "va", &c.va);
	c.has_fault = scen_opt_u32_or_any(L, 1, "fault", &c.any_fault, &c.fsr);
	c.has_walk = scen_opt_u32_or_any(L, 1, "walk", &c.any_walk, &c.walk);
	uint32_t insns = 0;
	bool has_insns = scen_opt_u32(L, 1, "insns", &insns);
	if (!c.marker && !c.has_pc && !c.has_va && !c.has_fault && !c.has_walk && !has_insns)
		return luaL_error(L, "run_until: say what to wait for (marker, pc, va, fault, walk, "
				  "insns)");
	emu_stop stop = scen_run_until(L, &c, insns);
	push_stop(L, stop, s->until.reason);
	if (s->until.reason && !strcmp(s->until.reason, "marker")) {
		/* "ready buf=0xc3800000": name in marker, each key=value a field */
		char text[128];
		snprintf(text, sizeof text, "%s", s->until.marker_seen);
		char *save, *word = strtok_r(text, " ", &save);
		lua_pushstring(L, word);
		lua_setfield(L, -2, "marker");
		while ((word = strtok_r(NULL, " ", &save))) {
			char *eq = strchr(word, '=');
			if (!eq)
				continue;
			*eq = 0;
			scen_set_int(L, word, strtoll(eq + 1, NULL, 0));
		}
	} else if (s->until.reason && !strcmp(s->until.reason, "fault")) {
		scen_set_int(L, "far", s->until.fault_far);
		scen_set_int(L, "fsr", s->until.fault_fsr);
	}
	s->until = (stop_condition){ 0 };
	return 1;
}

static int mm_console(lua_State *L)
{
	scenario *s = scen_of(L);
	if (s->opt.console)
		fflush(s->opt.console);
	lua_pushlstring(L, s->console_text ? s->console_text : "", s->console_len);
	return 1;
}

/* ---- files and the command ------------------------------------------- */

static int open_mm(lua_State *L)
{
	static const luaL_Reg calls[] = {
		{ "boot", mm_boot }, { "run", mm_run }, { "run_until", mm_run_until },
		{ "reset", mm_reset }, { "console", mm_console },
		{ NULL, NULL },
	};
	luaL_newlib(L, calls);
	scen_register_expectations(L);
	scen_register_mm(L);
	return 1;
}

/* print goes to the report: on stdout, as TAP comments with --tap. */
static int scen_print(lua_State *L)
{
	scenario *s = scen_of(L);
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (s->tap)
		luaL_addstring(&b, "# ");
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	fputs(lua_tostring(L, -1), stdout);
	return 0;
}

/* load, for text chunks only: a binary chunk can break the VM. */
static int scen_load(lua_State *L)
{
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t"))
		return scen_error(L, "load: only text chunks (mode \"t\") may be loaded");
	bool env = lua_gettop(L) >= 4;  /* an explicit nil env is an env */
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (env)
		lua_pushvalue(L, 4);
	lua_call(L, env ? 4 : 3, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* A scenario is something people share: it gets the language (base,
 * string, table, math, utf8), the clock and date from os, and mm; no files,
 * processes, modules or exit (docs/scenarios.md: the sandbox). */
static void open_sandbox(lua_State *L)
{
	static const struct { const char *name; lua_CFunction open; } libs[] = {
		{ LUA_GNAME, luaopen_base }, { LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
	};
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 1);
		lua_pop(L, 1);
	}
	static const char *const removed[] = { "dofile", "loadfile", NULL };
	for (size_t i = 0; removed[i]; i++) {
		lua_pushnil(L);
		lua_setglobal(L, removed[i]);
	}
	lua_getglobal(L, "load");
	lua_pushcclosure(L, scen_load, 1);
	lua_setglobal(L, "load");
	lua_pushcfunction(L, scen_print);
	lua_setglobal(L, "print");
	luaopen_os(L);          /* not registered anywhere: only three calls are kept */
	lua_createtable(L, 0, 3);
	static const char *const kept[] = { "clock", "time", "date", NULL };
	for (size_t i = 0; kept[i]; i++) {
		lua_getfield(L, -2, kept[i]);
		lua_setfield(L, -2, kept[i]);
	}
	lua_setglobal(L, "os");
	lua_pop(L, 1);
}

/* Message handler: every script error names file:line and the problem,
 * whatever was raised (error({}) too). */
static int error_where(lua_State *L)
{
	if (lua_touserdata(L, 1) == &abort_sentinel)
		return 1;
	const char *msg;
	if (lua_type(L, 1) == LUA_TSTRING)
		msg = lua_tostring(L, 1);
	else if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
		msg = lua_tostring(L, -1);
	else
		msg = lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
	lua_Debug ar;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline <= 0)
			continue;
		size_t n = strlen(ar.short_src);
		if (!strncmp(msg, ar.short_src, n) && msg[n] == ':')
			break;
		lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
		return 1;
	}
	lua_pushstring(L, msg);
	return 1;
}

/* Runs one file; returns 0, 1 (an expectation failed) or 2 (script error). */
static int run_file(scenario *s)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "mmuscope scenario: out of memory\n");
		return 2;
	}
	s->L = L;
	s->waiting = false;
	*(scenario **)lua_getextraspace(L) = s;
	open_sandbox(L);
	luaL_requiref(L, "mm", open_mm, 1);
	lua_pop(L, 1);
	lua_sethook(L, count_hook, LUA_MASKCOUNT, 100000);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	unsigned failed_before = s->failed;
	lua_pushcfunction(L, error_where);
	watchdog_start(s);
	int status = luaL_loadfile(L, s->file);
	if (status == LUA_OK)
		status = lua_pcall(L, 0, 0, 1);
	watchdog_stop();
	int rc = 0;
	if (status != LUA_OK && lua_touserdata(L, -1) != &abort_sentinel) {
		const char *msg = lua_tostring(L, -1);
		fprintf(stderr, "mmuscope scenario: %s\n", msg ? msg : "error object is not a string");
		rc = 2;
	} else if (status != LUA_OK) {
		rc = 1;
	}
	if (s->e && rc != 2 && status == LUA_OK)
		check_machine(L, EMU_STOP_INSN_LIMIT); /* not raised: nothing runs after it */
	if (s->e)
		destroy_machine(s);
	lua_close(L);
	s->L = NULL;
	if (rc == 0 && s->failed > failed_before)
		rc = 1;
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmuscope scenario [--tap] [--timeout N | --timeout Ns]... FILE.lua...\n"
		"\n"
		"Runs Lua scenarios that boot the machine, drive it, inject faults and check\n"
		"expectations (module 'mm', see docs/scenarios.md).  One line per\n"
		"expectation, with file:line; --tap prints TAP.  --timeout N limits each\n"
		"file to N guest instructions (default 400000000), --timeout Ns to N\n"
		"seconds (default 60).\n"
		"Exit status: 0 all expectations held, 1 one failed, 2 bad options or a\n"
		"script error.\n");
}

int cli_scenario(int argc, char **argv)
{
	scenario s = { .timeout_insns = 400000000, .timeout_seconds = 60 };
	unsigned number = 0;
	/* Each report line goes out whole as it is made: the watchdog may end
	 * the process without a chance to flush. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	s.number = &number;
	int first_file = argc;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(opt, "--tap")) {
			s.tap = true;
		} else if (!strcmp(opt, "--timeout")) {
			const char *val = i + 1 < argc ? argv[++i] : NULL;
			size_t n = val ? strlen(val) : 0;
			uint64_t v;
			if (n && val[n - 1] == 's') {
				char digits[32];
				snprintf(digits, sizeof digits, "%.*s", (int)(n - 1), val);
				if (n - 1 >= sizeof digits || !cli_u64(digits, 86400, &v) || !v)
					return cli_usage_error("scenario", "--timeout '%s': seconds must be "
							       "1..86400", val);
				s.timeout_seconds = (double)v;
			} else {
				if (!cli_u64(val, UINT64_MAX / 2, &v) || !v)
					return cli_usage_error("scenario", "--timeout '%s': give N "
							       "(instructions) or Ns (seconds), N > 0",
							       val ? val : "");
				s.timeout_insns = v;
			}
		} else if (opt[0] == '-' && opt[1]) {
			return cli_usage_error("scenario", "unknown option '%s'", opt);
		} else {
			first_file = i;
			break;
		}
	}
	if (first_file == argc)
		return cli_usage_error("scenario", "no scenario file given");
	for (int i = first_file; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "mmuscope scenario: cannot read %s\n", argv[i]);
			return 2;
		}
		fclose(f);
	}
	int worst = 0;
	for (int i = first_file; i < argc; i++) {
		s.file = argv[i];
		int rc = run_file(&s);
		worst = rc > worst ? rc : worst;
	}
	free(s.console_text);
	free(s.faults);
	free(s.hazards);
	scen_report_summary(&s, argc - first_file);
	return worst;
}
