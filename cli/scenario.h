/* Shared by the two halves of `mmuscope scenario`: the engine
 * (scenario.c: machine control, events, expectations, output) and the
 * inspection and injection calls of the `mm` module (scenario_mm.c). */
#ifndef MMUSCOPE_CLI_SCENARIO_H
#define MMUSCOPE_CLI_SCENARIO_H

#include <lua.h>

#include "emu/emu.h"
#include "emu/scenario.h"

/* The machine of the running script; raises a Lua error when the script
 * has not called mm.boot yet. */
emu_t *scen_machine(lua_State *L);
/* The firmware image the machine runs (for its symbols). */
const char *scen_firmware(lua_State *L);
/* luaL_error with printf's formats (lua_pushfstring knows no %x or %u):
 * raises "file:line: message". */
int scen_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads an integer argument or field that must be a 32-bit value. */
uint32_t scen_check_u32(lua_State *L, int index, const char *what);
/* Table field helpers: absent fields give the default. */
bool scen_opt_u32(lua_State *L, int table, const char *field, uint32_t *out);
bool scen_opt_bool(lua_State *L, int table, const char *field, bool fallback);
/* Raises a Lua error if the table has a key not in the NULL-terminated
 * list (a misspelt option must not be silently ignored). */
void scen_check_keys(lua_State *L, int table, const char *call, const char *const *known);
void scen_set_int(lua_State *L, const char *field, lua_Integer v);

/* Registers the inspection and injection calls into the table on top. */
void scen_register_mm(lua_State *L);

#endif
