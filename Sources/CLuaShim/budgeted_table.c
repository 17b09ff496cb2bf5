/* Why this file exists: the table library loops in C over index ranges a script chooses
   (table.move(t, 1, 1e12, 1)) or over #t, which a __len metamethod can make 2^40, and the budget
   hook never runs inside those loops. insert, remove, move, concat and unpack are our own, with
   the stock arguments, results and errors, paying for their iterations a block at a time before
   doing them; sort and pack are the stock functions behind a wrapper that charges first. */
#include "budget_cost.h"
#include <limits.h>

/* Iterations paid for at a time (and so between two readings of the clock). */
#define TB_BLOCK 1024
/* Units per comparison-sized step of table.sort (n*log2(n) of them): ~17-43 ns measured. */
#define SR_SORT_UNITS 8

#define TB_READ 1
#define TB_WRITE 2
#define TB_LENGTH 4

/* Pays for the next iterations of a loop that has `left` to go; returns how many are paid. */
static lua_Unsigned tb_prepay(lua_State *L, lua_Unsigned left) {
    lua_Unsigned block = left < TB_BLOCK ? left : TB_BLOCK;
    sr_pay(L, (long long)block * SR_ELEMENT_UNITS);
    return block;
}

static int tb_has_field(lua_State *L, const char *key, int n) {
    lua_pushstring(L, key);
    return lua_rawget(L, -n) != LUA_TNIL;
}

/* A table, or a value whose metatable offers what the function needs (as the stock library). */
static void tb_check(lua_State *L, int arg, int what) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    int n = 1;
    if (lua_getmetatable(L, arg) && (!(what & TB_READ) || tb_has_field(L, "__index", ++n)) &&
        (!(what & TB_WRITE) || tb_has_field(L, "__newindex", ++n)) &&
        (!(what & TB_LENGTH) || tb_has_field(L, "__len", ++n))) {
        lua_pop(L, n);
    } else {
        luaL_checktype(L, arg, LUA_TTABLE);
    }
}

static lua_Integer tb_length(lua_State *L, int arg, int what) {
    tb_check(L, arg, what | TB_LENGTH);
    return luaL_len(L, arg);
}

static int tb_insert(lua_State *L) {
    lua_Integer end = tb_length(L, 1, TB_READ | TB_WRITE);
    end = (lua_Integer)((lua_Unsigned)end + 1u); /* the first free slot */
    lua_Integer pos = end;
    switch (lua_gettop(L)) {
    case 2:
        break;
    case 3: {
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)end, 2, "position out of bounds");
        lua_Unsigned paid = 0;
        for (lua_Integer i = end; i > pos; i--) {
            if (paid == 0) paid = tb_prepay(L, (lua_Unsigned)(i - pos));
            paid--;
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

static int tb_remove(lua_State *L) {
    lua_Integer size = tb_length(L, 1, TB_READ | TB_WRITE);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    /* 5.4.4 names argument 1 in this error (sic) */
    if (pos != size) luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1, "position out of bounds");
    lua_geti(L, 1, pos);
    lua_Unsigned paid = 0;
    for (; pos < size; pos++) {
        if (paid == 0) paid = tb_prepay(L, (lua_Unsigned)size - (lua_Unsigned)pos);
        paid--;
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

static int tb_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int dest = !lua_isnoneornil(L, 5) ? 5 : 1;
    tb_check(L, 1, TB_READ);
    tb_check(L, dest, TB_WRITE);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        lua_Unsigned paid = 0;
        if (t > e || t <= f || (dest != 1 && !lua_compare(L, 1, dest, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                if (paid == 0) paid = tb_prepay(L, (lua_Unsigned)(n - i));
                paid--;
                lua_geti(L, 1, f + i);
                lua_seti(L, dest, t + i);
            }
        } else { /* overlapping, destination after the source: back to front */
            for (lua_Integer i = n - 1; i >= 0; i--) {
                if (paid == 0) paid = tb_prepay(L, (lua_Unsigned)i + 1u);
                paid--;
                lua_geti(L, 1, f + i);
                lua_seti(L, dest, t + i);
            }
        }
    }
    lua_pushvalue(L, dest);
    return 1;
}

static void tb_add_field(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1), (LUAI_UACINT)i);
    luaL_addvalue(b);
}

/* Pays for the bytes appended to b since the last payment (*paid_bytes). */
static void tb_pay_bytes(lua_State *L, luaL_Buffer *b, size_t *paid_bytes) {
    sr_pay(L, sr_bytes_units(luaL_bufflen(b) - *paid_bytes, SR_COPY_BYTES_PER_UNIT));
    *paid_bytes = luaL_bufflen(b);
}

static int tb_concat(lua_State *L) {
    luaL_Buffer b;
    lua_Integer last = tb_length(L, 1, TB_READ);
    size_t lsep, paid_bytes = 0;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_buffinit(L, &b);
    lua_Unsigned paid = 0;
    for (; i < last; i++) {
        if (paid == 0) { /* elements ahead, bytes copied so far (the allocator watches the rest) */
            paid = tb_prepay(L, (lua_Unsigned)last - (lua_Unsigned)i);
            tb_pay_bytes(L, &b, &paid_bytes);
        }
        paid--;
        tb_add_field(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
    }
    if (i == last) tb_add_field(L, &b, i);
    tb_pay_bytes(L, &b, &paid_bytes);
    luaL_pushresult(&b);
    return 1;
}

static int tb_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));
    if (i > e) return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i; /* one less than the count */
    if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n))) return luaL_error(L, "too many results to unpack");
    sr_pay(L, (long long)n * SR_VALUE_UNITS); /* at most the stack's million slots */
    for (; i < e; i++) lua_geti(L, 1, i);
    lua_geti(L, 1, e);
    return (int)n;
}

/* Answers #proxy with the length the script's __len gave once. */
static int tb_proxy_length(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

/* Replaces argument 1 (a table with __len) by an empty table that reads and writes through to it
   and whose length is `n`: the stock sort then does not run the script's __len a second time. */
static void tb_length_proxy(lua_State *L, lua_Integer n) {
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushinteger(L, n);
    lua_pushcclosure(L, tb_proxy_length, 1);
    lua_setfield(L, -2, "__len");
    lua_setmetatable(L, -2);
    lua_replace(L, 1);
}

/* The default order, as a function that charges every comparison. */
static int tb_less_charged(lua_State *L) {
    sr_pay(L, SR_SORT_UNITS);
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    return 1;
}

/* table.sort: charges n*log2(n) steps before the stock sort runs. A comparison function is Lua
   the hook meters; the default order is not, so when the call has a deadline but no instruction
   budget (the up-front charge then stops nothing) a long sort compares through tb_less_charged,
   which reads the clock as it goes. */
static int tb_sort(lua_State *L) {
    if (lua_type(L, 1) != LUA_TTABLE) return sr_call_original(L); /* raises, unless it has the metamethods */
    lua_Integer n;
    if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL) {
        lua_pop(L, 1);
        n = luaL_len(L, 1);
        tb_length_proxy(L, n);
    } else {
        n = (lua_Integer)lua_rawlen(L, 1);
    }
    if (n > 1 && n < INT_MAX) { /* otherwise the stock sort returns or raises at once */
        long long steps = 0;
        for (lua_Integer m = n; m > 0; m >>= 1) steps += n;
        sr_pay(L, steps * SR_SORT_UNITS);
        sr_budget *b = sr_budget_of(L);
        if (lua_isnoneornil(L, 2) && !b->in_host && b->instr_budget <= 0 && b->deadline_ns != 0 && n > TB_BLOCK) {
            lua_settop(L, 1);
            lua_pushcfunction(L, tb_less_charged);
        }
    }
    return sr_call_original(L);
}

static long long units_pack(lua_State *L) { return (long long)lua_gettop(L) * SR_VALUE_UNITS; }
SR_CHARGED_WRAPPER(charged_pack, units_pack)

void sr_install_budgeted_tables(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"insert", tb_insert}, {"remove", tb_remove}, {"move", tb_move},
        {"concat", tb_concat}, {"unpack", tb_unpack}, {NULL, NULL},
    };
    sr_wrap_field(L, "sort", tb_sort);
    sr_wrap_field(L, "pack", charged_pack);
    luaL_setfuncs(L, fns, 0);
}
