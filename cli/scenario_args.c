/* The readers of the `mm` calls' arguments and option tables, shared by
 * every call (scenario.h says what each does): numbers that must be 32-bit
 * values, optional fields with their defaults, the check that names an
 * unknown option, and the errors they raise, as file:line: problem. */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/scenario.h"

int scen_error(lua_State *L, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return luaL_error(L, "%s", msg);
}

uint32_t scen_check_u32(lua_State *L, int index, const char *what)
{
	int isnum;
	lua_Integer v = lua_tointegerx(L, index, &isnum);
	if (!isnum || v < 0 || v > 0xFFFFFFFFll)
		luaL_error(L, "%s must be an integer in 0..0xffffffff, got %s", what,
			   luaL_tolstring(L, index, NULL));
	return (uint32_t)v;
}

bool scen_opt_u32(lua_State *L, int table, const char *field, uint32_t *out)
{
	lua_getfield(L, table, field);
	bool present = !lua_isnil(L, -1);
	if (present)
		*out = scen_check_u32(L, -1, field);
	lua_pop(L, 1);
	return present;
}

bool scen_opt_bool(lua_State *L, int table, const char *field, bool fallback)
{
	lua_getfield(L, table, field);
	bool v = lua_isnil(L, -1) ? fallback : lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

bool scen_opt_u32_or_any(lua_State *L, int table, const char *field, bool *any, uint32_t *out)
{
	lua_getfield(L, table, field);
	bool wanted = !lua_isnil(L, -1) && !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
	*any = lua_isboolean(L, -1);
	lua_pop(L, 1);
	if (wanted && !*any)
		scen_opt_u32(L, table, field, out);
	return wanted;
}

void scen_check_keys(lua_State *L, int table, const char *call, const char *const *known)
{
	table = lua_absindex(L, table);
	lua_pushnil(L);
	while (lua_next(L, table)) {
		lua_pop(L, 1);
		const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		bool ok = false;
		for (size_t i = 0; key && known[i]; i++)
			ok |= !strcmp(key, known[i]);
		if (!ok) {
			char list[256] = "";
			for (size_t i = 0; known[i]; i++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 i ? ", " : "", known[i]);
			luaL_error(L, "%s: unknown option '%s' (known: %s)", call,
				   key ? key : luaL_tolstring(L, -1, NULL), list);
		}
	}
}

void scen_single_option_u32(lua_State *L, const char *call, const char *field, uint32_t *out)
{
	const char *const keys[] = { field, NULL };
	if (lua_istable(L, 1)) {
		scen_check_keys(L, 1, call, keys);
		scen_opt_u32(L, 1, field, out);
	}
}

void scen_set_int(lua_State *L, const char *field, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, field);
}
