#include "CLuaShim.h"
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sr_dispatch_fn g_dispatch = NULL;

void sr_set_dispatch(sr_dispatch_fn fn) { g_dispatch = fn; }

static inline sr_budget *budget_of(lua_State *L) { return *(sr_budget **)lua_getextraspace(L); }

/* The calls' deadlines are read on the coarse monotonic clock where there is one: it is read
   once a call when the budget is armed, where the precise clock cost 3% of a handler call
   (the runtime benchmark), and a deadline is tens to hundreds of milliseconds against the
   coarse clock's tick of a few. */
#ifdef CLOCK_MONOTONIC_COARSE
#define SR_DEADLINE_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define SR_DEADLINE_CLOCK CLOCK_MONOTONIC
#endif

long long sr_now_ns(void) {
    struct timespec ts;
    clock_gettime(SR_DEADLINE_CLOCK, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Bytes of allocation between two reads of the clock in the allocator. */
#define SR_ALLOC_CHECK_BYTES (1u << 20)
/* Blocks up to this size leave the hook interval as configured. */
#define SR_BLOCK_SMALL (64u << 10)

int sr_hook_interval(const sr_budget *b) {
    int every = b->hook_every > 0 ? b->hook_every : 1000;
    if (b->block_max <= SR_BLOCK_SMALL) return every;
    size_t scaled = (size_t)every * SR_BLOCK_SMALL / b->block_max;
    return scaled < 1 ? 1 : (int)scaled;
}

static void record_kill(sr_budget *b, int reason, const char *where) {
    b->killed = reason;
    b->where_pending = where == NULL;
    const char *at = where ? where : "";
    const char *sep = where ? " " : "";
    switch (reason) {
    case SR_KILL_INSTRUCTIONS:
        snprintf(b->kill_message, sizeof b->kill_message, "%s%sinstruction budget exceeded (%lld instructions)", at, sep,
                 b->instr_budget);
        break;
    case SR_KILL_DEADLINE:
        snprintf(b->kill_message, sizeof b->kill_message, "%s%stime budget exceeded", at, sep);
        break;
    default:
        snprintf(b->kill_message, sizeof b->kill_message, "%s%smemory budget exceeded (limit %zu bytes)", at, sep,
                 b->mem_limit);
        break;
    }
}

/* Counting allocator: refuses growth past the limit while a script runs. Lua turns a refusal
   into a "not enough memory" error (LUA_ERRMEM), which is catchable, so the refusal is also
   recorded as a kill: the host reports it whatever the script did with the error. Every
   SR_ALLOC_CHECK_BYTES of growth it also reads the clock, so a single instruction that allocates
   a great deal (a long concatenation, string.rep) cannot run far past the deadline between two
   hook calls; past it, the allocation is refused the same way and recorded as a time kill. */
static void *sr_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    sr_budget *b = (sr_budget *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        b->mem_used -= old;
        return NULL;
    }
    if (nsize > old && !b->in_host) {
        if (b->killed) return NULL;
        if (b->mem_limit && b->mem_used - old + nsize > b->mem_limit) {
            record_kill(b, SR_KILL_MEMORY, NULL);
            return NULL;
        }
        b->grown_since_check += nsize - old;
        if (b->grown_since_check >= SR_ALLOC_CHECK_BYTES) {
            b->grown_since_check = 0;
            if (b->deadline_ns && sr_now_ns() > b->deadline_ns) {
                record_kill(b, SR_KILL_DEADLINE, NULL);
                return NULL;
            }
        }
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return NULL;
    b->mem_used = b->mem_used - old + nsize;
    if (b->mem_used > b->mem_peak) b->mem_peak = b->mem_used;
    if (nsize > b->block_max) {
        int before = sr_hook_interval(b);
        b->block_max = nsize;
        if (sr_hook_interval(b) < before) b->rearm = 1;
    }
    return p;
}

/* Finds "path:line:" of the nearest script frame at or above `level`, skipping C functions and
   the sandbox's own Lua. Leaves nothing on the stack; returns 0 when there is none. */
static int script_where(lua_State *L, int level, char *out, size_t size) {
    lua_Debug ar;
    for (int i = 0; i < 64 && lua_getstack(L, level + i, &ar); i++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
        if (strcmp(ar.source, "=sandbox") == 0) continue;
        snprintf(out, size, "%s:%d:", ar.short_src, ar.currentline);
        return 1;
    }
    return 0;
}

/* Names the script line in a kill recorded where no location was known (the allocator's). */
static void name_kill(lua_State *L, int level) {
    sr_budget *b = budget_of(L);
    if (!b->where_pending) return;
    b->where_pending = 0;
    char where[256];
    if (!script_where(L, level, where, sizeof where)) return;
    char message[sizeof b->kill_message];
    snprintf(message, sizeof message, "%s %s", where, b->kill_message);
    memcpy(b->kill_message, message, sizeof message);
}

/* Raises the recorded kill. */
static int raise_kill(lua_State *L, int level) {
    name_kill(L, level);
    lua_pushstring(L, budget_of(L)->kill_message);
    return lua_error(L);
}

/* Decides a kill for work already counted into instr_left; returns the reason or NONE. */
static int overspent(sr_budget *b) {
    if (b->instr_left <= 0) return SR_KILL_INSTRUCTIONS;
    if (b->deadline_ns && sr_now_ns() > b->deadline_ns) return SR_KILL_DEADLINE;
    return SR_KILL_NONE;
}

static void sr_hook(lua_State *L, lua_Debug *ar) {
    sr_budget *b = budget_of(L);
    if (!b->killed) {
        int every = lua_gethookcount(L);
        b->instr_left -= every;
        int reason = overspent(b);
        if (reason == SR_KILL_NONE) {
            if (b->rearm || every != sr_hook_interval(b)) {
                b->rearm = 0;
                lua_sethook(L, sr_hook, LUA_MASKCOUNT, sr_hook_interval(b));
            }
            return;
        }
        char where[256] = "?:";
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            snprintf(where, sizeof where, "%s:%d:", ar->short_src, ar->currentline);
        record_kill(b, reason, where);
    }
    /* From now on the hook fires on every instruction of this thread, so a script's own pcall
       cannot swallow the kill and keep running (as Redis does after a script timeout); the
       sandbox's pcall, xpcall and coroutine wrappers re-raise it in every other thread. */
    lua_sethook(L, sr_hook, LUA_MASKCOUNT, 1);
    raise_kill(L, 0);
}

void sr_charge(lua_State *L, long long units) {
    sr_budget *b = budget_of(L);
    if (b->in_host) return;
    if (!b->killed) {
        b->instr_left -= units > 0 ? units : 0;
        int reason = overspent(b);
        if (reason == SR_KILL_NONE) return;
        char where[256];
        record_kill(b, reason, script_where(L, 1, where, sizeof where) ? where : "?:");
    }
    lua_sethook(L, sr_hook, LUA_MASKCOUNT, 1);
    raise_kill(L, 1);
}

void sr_spend(lua_State *L, long long units) {
    sr_budget *b = budget_of(L);
    if (b->in_host) return;
    if (units > 0) {
        b->instr_left -= units;
        b->spent_since_check += units;
    }
    if (b->instr_left > 0 && b->spent_since_check < SR_SPEND_CLOCK_UNITS && !b->killed) return;
    b->spent_since_check = 0;
    sr_charge(L, 0);
}

int sr_passkill(lua_State *L) {
    sr_budget *b = budget_of(L);
    if (b->killed && !b->in_host) return raise_kill(L, 1);
    return lua_gettop(L);
}

int sr_where(lua_State *L) {
    lua_Integer level = luaL_optinteger(L, 1, 1);
    char where[256];
    if (level < 1 || level > 1000 || !script_where(L, (int)level, where, sizeof where)) where[0] = 0;
    lua_pushstring(L, where);
    return 1;
}

lua_State *sr_newstate(sr_budget *budget) {
    budget->in_host = 1;
    lua_State *L = lua_newstate(sr_alloc, budget);
    if (L == NULL) return NULL;
    *(sr_budget **)lua_getextraspace(L) = budget;
    if (budget->hook_every <= 0) budget->hook_every = 1000;
    lua_sethook(L, sr_hook, LUA_MASKCOUNT, sr_hook_interval(budget));
    return L;
}

void sr_arm(lua_State *L, long long instructions, long long timeout_ns) {
    sr_budget *b = budget_of(L);
    b->instr_budget = instructions;
    b->instr_left = instructions > 0 ? instructions : 0x7fffffffffffffffLL;
    b->deadline_ns = timeout_ns > 0 ? sr_now_ns() + timeout_ns : 0;
    if (b->killed || b->rearm || lua_gethookcount(L) != sr_hook_interval(b))
        lua_sethook(L, sr_hook, LUA_MASKCOUNT, sr_hook_interval(b));
    b->rearm = 0;
    b->killed = SR_KILL_NONE;
    b->where_pending = 0;
    b->grown_since_check = 0;
    b->spent_since_check = 0;
    b->kill_message[0] = 0;
}

/* Whether a message starts with a position, "path:line:". */
static int has_position(const char *m) {
    const char *colon = strchr(m, ':');
    if (colon == NULL || colon == m || memchr(m, '\n', (size_t)(colon - m)) != NULL) return 0;
    const char *p = colon + 1;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
    return *p == ':';
}

/* Message handler: keeps string errors that carry file:line already, and names the script line
   for the rest (`error("x", 0)`, error objects); never runs an error object's metamethods (a
   script's __tostring must not run outside its budget). */
static int sr_msgh(lua_State *L) {
    sr_budget *b = budget_of(L);
    if (b->killed) {
        name_kill(L, 1);
        lua_pushstring(L, b->kill_message);
        return 1;
    }
    char where[256];
    if (lua_type(L, 1) == LUA_TSTRING) {
        const char *m = lua_tostring(L, 1);
        if (has_position(m) || !script_where(L, 1, where, sizeof where)) return 1;
        lua_pushfstring(L, "%s %s", where, m);
        return 1;
    }
    if (!script_where(L, 1, where, sizeof where)) where[0] = 0;
    lua_pushfstring(L, "%s%s(error object is a %s value)", where, where[0] ? " " : "", luaL_typename(L, 1));
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
            char where[256];
            record_kill(b, SR_KILL_MEMORY, script_where(L, 1, where, sizeof where) ? where : NULL);
        }
        return raise_kill(L, 1);
    }
    return n;
}

void sr_pushbinding(lua_State *L, lua_Integer binding) {
    lua_pushinteger(L, binding);
    lua_pushcclosure(L, sr_trampoline, 1);
}
