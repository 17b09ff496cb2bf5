#ifndef SHOWRUNNER_CLUA_SHIM_H
#define SHOWRUNNER_CLUA_SHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* Lua's API macros, as functions Swift can call. */
static inline int sr_lua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void sr_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void sr_lua_newtable(lua_State *L) { lua_newtable(L); }
static inline const char *sr_lua_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline int sr_lua_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int sr_lua_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline int sr_lua_istable(lua_State *L, int i) { return lua_istable(L, i); }
static inline int sr_lua_isfunction(lua_State *L, int i) { return lua_isfunction(L, i); }
static inline int sr_lua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int sr_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void sr_lua_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void sr_lua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void sr_lua_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void sr_lua_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline void *sr_lua_getextraspace(lua_State *L) { return lua_getextraspace(L); }
static inline lua_Integer sr_lua_maxinteger(void) { return LUA_MAXINTEGER; }
static inline int sr_lua_gc_collect(lua_State *L) { return lua_gc(L, LUA_GCCOLLECT); }
static inline int sr_lua_gc_countbytes(lua_State *L) { return lua_gc(L, LUA_GCCOUNT) * 1024 + lua_gc(L, LUA_GCCOUNTB); }
static inline int sr_lua_ok(void) { return LUA_OK; }
static inline int sr_lua_gc_generational(lua_State *L) { return lua_gc(L, LUA_GCGEN, 0, 0); }
#endif
