/* Shared by the parts of `mmuscope scenario`: the engine (scenario.c: the
 * Lua state and its sandbox, machine control, the events the machine
 * reports, the command), the expectations and the report of their results
 * (scenario_expect.c), the readers of the calls' arguments
 * (scenario_args.c), and the inspection and injection calls of the `mm`
 * module (scenario_mm.c). */
#ifndef MMUSCOPE_CLI_SCENARIO_H
#define MMUSCOPE_CLI_SCENARIO_H

#include <lua.h>
#include <time.h>

#include "emu/emu.h"
#include "emu/scenario.h"

/* What the machine did that expectations search, with the instruction
 * count it came at: an abort, a stale-TLB hazard. */
typedef struct fault_record {
	emu_exception kind;
	uint32_t pc, fsr, far;
	uint64_t insn;
} fault_record;

typedef struct hazard_record {
	tlb_hazard hazard;
	uint64_t insn;
} hazard_record;

/* What a run waits for (mm.run_until, the boot marker, an expectation's
 * within=); `reason` names the condition that held. */
typedef struct stop_condition {
	const char *marker;
	bool has_pc, has_va, has_walk, has_fault, any_walk, any_fault, has_hazard, has_far;
	uint32_t pc, va, walk, fsr, far;
	const char *reason;
	char marker_seen[128];
	uint32_t fault_far, fault_fsr;
} stop_condition;

/* One `mmuscope scenario` command: its options, the machine of the file
 * that runs, the events it logged and the tally of expectations. */
typedef struct scenario {
	lua_State *L;
	const char *file;
	bool tap;
	uint64_t timeout_insns;         /* per file; every run counts */
	double timeout_seconds;
	struct timespec started;

	emu_t *e;
	emu_options opt;
	char board[32], preset[256], layout[32], workload[64], args[256];
	char firmware[4096];
	char *console_text;
	size_t console_len;

	fault_record *faults;
	size_t nfaults, faults_cap, fault_cursor;
	hazard_record *hazards;
	size_t nhazards, hazards_cap, hazard_cursor;
	stop_condition until;
	bool waiting;                   /* a run_until is in progress */

	unsigned *number;               /* expectation counter, shared by all files */
	unsigned passed, failed;
} scenario;

/* ---- the engine (scenario.c) ---- */

/* The command's state, from the Lua state of the script that runs. */
scenario *scen_of(lua_State *L);
/* The machine of the running script; raises a Lua error when the script
 * has not called mm.boot yet. */
emu_t *scen_machine(lua_State *L);
/* The firmware image the machine runs (for its symbols). */
const char *scen_firmware(lua_State *L);
/* Runs up to insns guest instructions (0: only the timeout limits it),
 * stopping early when c holds: s->until.reason then names what held. */
emu_stop scen_run_until(lua_State *L, const stop_condition *c, uint64_t insns);
/* Whether the TLB entry a hazard is about maps va. */
bool scen_hazard_covers(const tlb_hazard *h, uint32_t va);

/* ---- expectations and their report (scenario_expect.c) ---- */

/* One line per expectation: "ok N - file:line: what" (TAP) or
 * "ok     file:line: what"; a failure adds its details (fmt, may be NULL)
 * on the same line.  Returns ok. */
bool scen_report(lua_State *L, bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* After the last file: the TAP plan (with --tap) and the summary line. */
void scen_report_summary(const scenario *s, int files);
/* Registers the expectations (mm.expect...) into the table on top. */
void scen_register_expectations(lua_State *L);

/* ---- the calls' arguments (scenario_args.c) ---- */

/* luaL_error with printf's formats (lua_pushfstring knows no %x or %u):
 * raises "file:line: message". */
int scen_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads an integer argument or field that must be a 32-bit value. */
uint32_t scen_check_u32(lua_State *L, int index, const char *what);
/* Table field helpers: absent fields give the default. */
bool scen_opt_u32(lua_State *L, int table, const char *field, uint32_t *out);
bool scen_opt_bool(lua_State *L, int table, const char *field, bool fallback);
/* A field that is true (any value will do), absent or false (none is
 * wanted), or a 32-bit value: whether one is wanted.  *any: it was a
 * boolean; *out: the value, if it was one. */
bool scen_opt_u32_or_any(lua_State *L, int table, const char *field, bool *any, uint32_t *out);
/* Raises a Lua error if the table has a key not in the NULL-terminated
 * list (a misspelt option must not be silently ignored). */
void scen_check_keys(lua_State *L, int table, const char *call, const char *const *known);
/* The arguments of a call that takes one option, {field=N}, or nothing:
 * *out keeps its default when the table or the field is absent. */
void scen_single_option_u32(lua_State *L, const char *call, const char *field, uint32_t *out);
void scen_set_int(lua_State *L, const char *field, lua_Integer v);

/* ---- inspection and injection (scenario_mm.c) ---- */

/* Registers the inspection and injection calls into the table on top. */
void scen_register_mm(lua_State *L);

#endif
