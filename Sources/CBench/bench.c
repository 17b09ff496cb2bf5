#include "CBench.h"

#include <lauxlib.h>

int sr_raw_pcall(lua_State *L, int nargs, int nresults) {
    return lua_pcall(L, nargs, nresults, 0);
}

static long long g_bench_grants = 0;

int sr_bench_grant(lua_State *L) {
    size_t n;
    int isnum;
    (void)luaL_checklstring(L, 1, &n);
    (void)luaL_checklstring(L, 2, &n);
    lua_Integer amount = lua_tointegerx(L, 3, &isnum);
    if (!isnum || amount <= 0) return luaL_argerror(L, 3, "positive integer expected");
    (void)luaL_checklstring(L, 4, &n);
    g_bench_grants++;
    return 0;
}

long long sr_bench_grant_count(void) { return g_bench_grants; }

int sr_bench_fan_medal(lua_State *L) {
    size_t n;
    (void)luaL_checklstring(L, 1, &n);
    (void)luaL_checklstring(L, 2, &n);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, 5);
    lua_setfield(L, -2, "level");
    lua_pushinteger(L, 300);
    lua_setfield(L, -2, "points");
    lua_pushinteger(L, 10);
    lua_setfield(L, -2, "today");
    return 1;
}
