/* Why this file exists: the overhead benchmark of the budgeted Lua libraries needs the stock and
   the budgeted functions side by side in one budgeted state, which the Swift harness does not
   offer. Keeps the stock functions in the global `stock`, installs the budgeted ones, arms a
   budget (large enough never to stop the run, with a deadline so the clock is read as in
   production) and runs the Lua file given, passing the remaining arguments. */
#include "CLuaShim.h"
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

static const char keep_stock[] =
    "stock = {}\n"
    "for _, lib in ipairs({ 'string', 'table', 'utf8' }) do\n"
    "  local copy = {} for k, v in pairs(_G[lib]) do copy[k] = v end stock[lib] = copy\n"
    "end\n"
    "stock.tonumber, stock.load = tonumber, load\n";

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s file.lua [args...]\n", argv[0]);
        return 2;
    }
    static sr_budget budget;
    budget.hook_every = 1000;
    lua_State *L = sr_newstate(&budget);
    luaL_openlibs(L);
    if (luaL_dostring(L, keep_stock) != LUA_OK) return 1;
    sr_install_budgeted_libs(L);
    if (luaL_loadfile(L, argv[1]) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        return 1;
    }
    for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
    sr_arm(L, 1000000000000000LL, 3600LL * 1000000000LL);
    if (sr_pcall(L, argc - 2, 0) != LUA_OK) {
        fprintf(stderr, "%s\n", budget.killed ? budget.kill_message : lua_tostring(L, -1));
        return 1;
    }
    lua_close(L);
    return 0;
}
