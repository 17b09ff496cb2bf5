#include "CLuaShim.h"
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sr_dispatch_fn g_dispatch = NULL;

void sr_set_dispatch(sr_dispatch_fn fn) { g_dispatch = fn; }

static inline sr_budget *budget_of(lua_State *L) { return *(sr_budget **)lua_getextraspace(L); }

long long sr_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Counting allocator: refuses growth past the limit while a script runs. Lua turns a refusal
   into a "not enough memory" error (LUA_ERRMEM), which is catchable, so the refusal is also
   recorded as a kill: the host reports it whatever the script did with the error. */
static void *sr_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    sr_budget *b = (sr_budget *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        b->mem_used -= old;
        return NULL;
    }
    if (nsize > old && b->mem_limit && !b->in_host && b->mem_used - old + nsize > b->mem_limit) {
        if (!b->killed) {
            b->killed = SR_KILL_MEMORY;
            snprintf(b->kill_message, sizeof b->kill_message,
                     "memory budget exceeded (limit %zu bytes)", b->mem_limit);
        }
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return NULL;
    b->mem_used = b->mem_used - old + nsize;
    if (b->mem_used > b->mem_peak) b->mem_peak = b->mem_used;
    return p;
}

static void sr_hook(lua_State *L, lua_Debug *ar) {
    sr_budget *b = budget_of(L);
    if (!b->killed) {
        b->instr_left -= b->hook_every;
        int reason = SR_KILL_NONE;
        if (b->instr_left <= 0) reason = SR_KILL_INSTRUCTIONS;
        else if (b->deadline_ns && sr_now_ns() > b->deadline_ns) reason = SR_KILL_DEADLINE;
        if (reason == SR_KILL_NONE) return;
        b->killed = reason;
        char where[256] = "?";
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            snprintf(where, sizeof where, "%s:%d", ar->short_src, ar->currentline);
        if (reason == SR_KILL_INSTRUCTIONS)
            snprintf(b->kill_message, sizeof b->kill_message,
                     "%s: instruction budget exceeded (%lld instructions)", where, b->instr_budget);
        else
            snprintf(b->kill_message, sizeof b->kill_message, "%s: time budget exceeded", where);
        /* From now on the hook fires on every instruction, so a script's own pcall cannot
           swallow the kill and keep running (as Redis does after a script timeout). */
        lua_sethook(L, sr_hook, LUA_MASKCOUNT, 1);
    }
    lua_pushstring(L, b->kill_message);
    lua_error(L);
}

lua_State *sr_newstate(sr_budget *budget) {
    budget->in_host = 1;
    lua_State *L = lua_newstate(sr_alloc, budget);
    if (L == NULL) return NULL;
    *(sr_budget **)lua_getextraspace(L) = budget;
    if (budget->hook_every <= 0) budget->hook_every = 1000;
    lua_sethook(L, sr_hook, LUA_MASKCOUNT, budget->hook_every);
    return L;
}

void sr_arm(lua_State *L, long long instructions, long long timeout_ns) {
    sr_budget *b = budget_of(L);
    b->instr_budget = instructions;
    b->instr_left = instructions > 0 ? instructions : 0x7fffffffffffffffLL;
    b->deadline_ns = timeout_ns > 0 ? sr_now_ns() + timeout_ns : 0;
    if (b->killed) lua_sethook(L, sr_hook, LUA_MASKCOUNT, b->hook_every);
    b->killed = SR_KILL_NONE;
    b->kill_message[0] = 0;
}

/* Message handler: keeps string errors (they carry file:line already); names other values
   without running their metamethods (a script's __tostring must not run outside its budget). */
static int sr_msgh(lua_State *L) {
    sr_budget *b = budget_of(L);
    if (b->killed) {
        lua_pushstring(L, b->kill_message);
        return 1;
    }
    if (lua_type(L, 1) == LUA_TSTRING) return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

int sr_pcall(lua_State *L, int nargs, int nresults) {
    sr_budget *b = budget_of(L);
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, sr_msgh);
    lua_insert(L, base);
    int saved = b->in_host;
    b->in_host = 0;
    int status = lua_pcall(L, nargs, nresults, base);
    b->in_host = saved;
    lua_remove(L, base);
    return status;
}

int sr_loadtext(lua_State *L, const char *buf, size_t size, const char *chunkname) {
    sr_budget *b = budget_of(L);
    int saved = b->in_host;
    b->in_host = 0;
    int status = luaL_loadbufferx(L, buf, size, chunkname, "t");
    b->in_host = saved;
    return status;
}

static int sr_trampoline(lua_State *L) {
    sr_budget *b = budget_of(L);
    lua_Integer id = lua_tointeger(L, lua_upvalueindex(1));
    int saved = b->in_host;
    b->in_host = 1;
    int n = g_dispatch ? g_dispatch(L, b->owner, id) : (lua_pushliteral(L, "no dispatcher"), SR_DISPATCH_ERROR);
    b->in_host = saved;
    if (n == SR_DISPATCH_ERROR) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (n == SR_DISPATCH_ERROR_RAW) return lua_error(L);
    if (!saved && b->mem_limit && b->mem_used > b->mem_limit) {
        if (!b->killed) {
            b->killed = SR_KILL_MEMORY;
            snprintf(b->kill_message, sizeof b->kill_message,
                     "memory budget exceeded (limit %zu bytes)", b->mem_limit);
        }
        lua_pushstring(L, b->kill_message);
        return lua_error(L);
    }
    return n;
}

void sr_pushbinding(lua_State *L, lua_Integer binding) {
    lua_pushinteger(L, binding);
    lua_pushcclosure(L, sr_trampoline, 1);
}

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
