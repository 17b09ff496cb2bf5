/* Why this file exists: the utf8 library decodes strings in C, where the budget hook never runs:
   utf8.len on a 32 MiB string is tens of milliseconds in one VM instruction, and the iterator of
   utf8.codes skips any run of continuation bytes in one call. len, codepoint and char are the
   stock functions behind a wrapper that charges first; offset is our own, charging the bytes it
   walks (how far it walks is known only as it goes); the codes iterator charges its skip. */
#include "budget_cost.h"

/* utf8.char: units per code point (~60 ns each). */
#define SR_UTF8_CHAR_UNITS 20
/* Bytes walked by utf8.offset between two payments. */
#define U8_WALK_BLOCK 4096

#define u8_iscont(c) (((unsigned char)(c) & 0xC0) == 0x80)

/* The utf8 library's position rule: negative counts from the end, clipped at 0. */
static lua_Integer u8_pos(lua_Integer pos, size_t len) {
    if (pos >= 0) return pos;
    if (0u - (size_t)pos > len) return 0;
    return (lua_Integer)len + pos + 1;
}

static int u8_int_arg(lua_State *L, int arg, lua_Integer def, lua_Integer *out) {
    if (lua_isnoneornil(L, arg)) {
        *out = def;
        return 1;
    }
    int ok;
    *out = lua_tointegerx(L, arg, &ok);
    return ok;
}

/* Bytes in [i, j] of the string at 1 (arguments 2 and 3, 1-based, inclusive); j defaults to i
   for codepoint, to -1 (the end) for len. */
static long long u8_span(lua_State *L, int j_defaults_to_i) {
    size_t len = sr_strlen_at(L, 1);
    if (len < SR_FREE_BYTES) return 0;
    lua_Integer i, j;
    if (!u8_int_arg(L, 2, 1, &i)) return 0;
    i = u8_pos(i, len);
    if (!u8_int_arg(L, 3, j_defaults_to_i ? i : -1, &j)) return 0;
    j = u8_pos(j, len);
    if (i < 1) i = 1;
    if (j > (lua_Integer)len) j = (lua_Integer)len;
    return j >= i ? (long long)(j - i + 1) : 0;
}

static long long units_len(lua_State *L) { return u8_span(L, 0) / SR_PARSE_BYTES_PER_UNIT; }
static long long units_codepoint(lua_State *L) { return u8_span(L, 1) / SR_PARSE_BYTES_PER_UNIT; }
static long long units_char(lua_State *L) { return (long long)lua_gettop(L) * SR_UTF8_CHAR_UNITS; }
SR_CHARGED_WRAPPER(charged_len, units_len)
SR_CHARGED_WRAPPER(charged_codepoint, units_codepoint)
SR_CHARGED_WRAPPER(charged_char, units_char)

/* Charges every U8_WALK_BLOCK bytes walked; u8_walk_end charges the rest. */
typedef struct u8_walk {
    lua_State *L;
    long long bytes;
} u8_walk;

static void u8_walk_step(u8_walk *w) {
    if (++w->bytes == U8_WALK_BLOCK) {
        sr_pay(w->L, sr_bytes_units(U8_WALK_BLOCK, SR_SCAN_BYTES_PER_UNIT));
        w->bytes = 0;
    }
}

static void u8_walk_end(u8_walk *w) { sr_pay(w->L, sr_bytes_units((size_t)w->bytes, SR_SCAN_BYTES_PER_UNIT)); }

/* utf8.offset(s, n [, i]), with the stock arguments, results and errors. */
static int u8_offset(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    lua_Integer posi = (n >= 0) ? 1 : (lua_Integer)len + 1;
    posi = u8_pos(luaL_optinteger(L, 3, posi), len);
    luaL_argcheck(L, 1 <= posi && --posi <= (lua_Integer)len, 3, "position out of bounds");
    u8_walk w = {L, 0};
    if (n == 0) { /* back to the start of the character at posi */
        while (posi > 0 && u8_iscont(s[posi])) {
            posi--;
            u8_walk_step(&w);
        }
    } else {
        if (u8_iscont(s[posi])) return luaL_error(L, "initial position is a continuation byte");
        if (n < 0) {
            for (; n < 0 && posi > 0; n++) {
                do {
                    posi--;
                    u8_walk_step(&w);
                } while (posi > 0 && u8_iscont(s[posi]));
            }
        } else {
            for (n--; n > 0 && posi < (lua_Integer)len; n--) {
                do { /* stops at the final '\0' at the latest */
                    posi++;
                    u8_walk_step(&w);
                } while (u8_iscont(s[posi]));
            }
        }
    }
    u8_walk_end(&w);
    if (n == 0)
        lua_pushinteger(L, posi + 1);
    else
        luaL_pushfail(L);
    return 1;
}

/* The codes iterator: charges the continuation bytes it is about to skip, then runs the stock
   step (upvalue 1) in this frame. */
static int u8_codes_step(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, 1, &len);
        lua_Unsigned at = (lua_Unsigned)lua_tointeger(L, 2), from = at;
        while (at < len && u8_iscont(s[at])) at++;
        sr_pay(L, 1 + sr_bytes_units((size_t)(at - from), SR_SCAN_BYTES_PER_UNIT));
    }
    return sr_call_original(L);
}

/* utf8.codes: the stock function (upvalue 1), with its iterator replaced by the charged one.
   Upvalues 2 and 3 are the stock strict and lax iterators, 4 and 5 their charged versions. */
static int u8_codes(lua_State *L) {
    int n = sr_call_original(L);
    if (n == 3) {
        int it = lua_gettop(L) - 2;
        for (int k = 2; k <= 3; k++) {
            if (lua_rawequal(L, it, lua_upvalueindex(k))) {
                lua_pushvalue(L, lua_upvalueindex(k + 2));
                lua_replace(L, it);
                break;
            }
        }
    }
    return n;
}

/* Pushes the iterator that the stock codes returns for "" (lax or strict). */
static void u8_stock_iterator(lua_State *L, int codes, int lax) {
    lua_pushvalue(L, codes);
    lua_pushliteral(L, "");
    lua_pushboolean(L, lax);
    lua_call(L, 2, 1);
}

static void u8_install_codes(lua_State *L) {
    lua_getfield(L, -1, "codes");
    if (!lua_iscfunction(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (lua_getupvalue(L, -1, 1) != NULL) { /* not a plain C function: leave it */
        lua_pop(L, 2);
        return;
    }
    int codes = lua_gettop(L);
    u8_stock_iterator(L, codes, 0);
    u8_stock_iterator(L, codes, 1);
    for (int k = 0; k < 2; k++) {
        lua_pushvalue(L, codes + 1 + k);
        if (lua_iscfunction(L, -1) && lua_getupvalue(L, -1, 1) == NULL) {
            lua_pushcclosure(L, u8_codes_step, 1);
        } else { /* not what we expect: leave that iterator as it is */
            if (lua_iscfunction(L, -1)) lua_pop(L, 1);
        }
    }
    lua_pushcclosure(L, u8_codes, 5); /* codes, strict, lax, charged strict, charged lax */
    lua_setfield(L, -2, "codes");
}

void sr_install_budgeted_utf8(lua_State *L) {
    sr_wrap_field(L, "len", charged_len);
    sr_wrap_field(L, "codepoint", charged_codepoint);
    sr_wrap_field(L, "char", charged_char);
    lua_pushcfunction(L, u8_offset);
    lua_setfield(L, -2, "offset");
    u8_install_codes(L);
}
