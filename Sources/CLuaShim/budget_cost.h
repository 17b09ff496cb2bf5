#ifndef SHOWRUNNER_BUDGET_COST_H
#define SHOWRUNNER_BUDGET_COST_H
/* Why this header exists: the budgeted library functions (budgeted_*.c) convert the work they do
   in C into budget units with the same rates, and install themselves from one entry point.
   One unit is meant to cost about one Lua VM instruction (~3 ns on the reference machine; see
   benchmarks/LOG.md for the measurements behind the rates). Not part of the public interface. */
#include "CLuaShim.h"
#include <lauxlib.h>

/* Bytes per unit for memchr/memcmp/memcpy-like passes (~0.1-0.3 ns a byte). */
#define SR_COPY_BYTES_PER_UNIT 16
/* Bytes per unit for byte-at-a-time loops: case mapping, reversing, digit parsing, balance and
   set scans in the matcher (~0.7-1.3 ns a byte). */
#define SR_SCAN_BYTES_PER_UNIT 4
/* Bytes per unit for loops that decode or parse each byte: UTF-8, numerals, Lua source (~2-3 ns). */
#define SR_PARSE_BYTES_PER_UNIT 1
/* Units per table element read and written by a C loop (lua_geti + lua_seti, ~10 ns). */
#define SR_ELEMENT_UNITS 3
/* Units per value pushed or converted one by one (string.byte, string.char, ...: ~5-8 ns). */
#define SR_VALUE_UNITS 2
/* Wrapped functions whose work is bounded by the length of their string argument(s) charge
   nothing below this many bytes: at most ~250 ns of work, and computing the charge would cost
   a good part of a short call (see benchmarks/LOG.md). */
#define SR_FREE_BYTES 64

static inline sr_budget *sr_budget_of(lua_State *L) { return *(sr_budget **)lua_getextraspace(L); }

static inline long long sr_bytes_units(size_t bytes, int bytes_per_unit) {
    return (long long)(bytes / (size_t)bytes_per_unit);
}

/* Charges `units` (cheaply when small: see sr_spend). May raise the budget kill. */
static inline void sr_pay(lua_State *L, long long units) {
    if (units > 0) sr_spend(L, units);
}

/* The length of the string at `idx` without converting anything (0 for non-strings: a number
   converts to at most a few dozen bytes). */
static inline size_t sr_strlen_at(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TSTRING ? lua_rawlen(L, idx) : 0;
}

/* Installers, one per file; each expects the library table at the top of the stack. */
void sr_install_budgeted_patterns(lua_State *L);  /* string: find, match, gmatch, gsub */
void sr_install_budgeted_strings(lua_State *L);   /* string: the linear functions, rep */
void sr_install_budgeted_tables(lua_State *L);    /* table */
void sr_install_budgeted_utf8(lua_State *L);      /* utf8 */

/* Replaces t[name] (t at the top of the stack) by a C closure of `wrapper` whose upvalue 1 is
   the original function. No-op unless t[name] is a C function without upvalues (the wrapper runs
   it in its own frame, where it would see the wrapper's upvalues). */
void sr_wrap_field(lua_State *L, const char *name, lua_CFunction wrapper);

/* Runs the original function (upvalue 1 of a wrapper) in the wrapper's frame: it sees the same
   arguments, and its argument errors name the function exactly as before. */
static inline int sr_call_original(lua_State *L) { return lua_tocfunction(L, lua_upvalueindex(1))(L); }

/* Defines a wrapper that charges units(L) (computed from the arguments without converting or
   raising anything: the original raises its own argument errors), then runs the original. */
#define SR_CHARGED_WRAPPER(name, units)                                                        \
    static int name(lua_State *L) {                                                            \
        sr_pay(L, units(L));                                                                   \
        return sr_call_original(L);                                                            \
    }

#endif
