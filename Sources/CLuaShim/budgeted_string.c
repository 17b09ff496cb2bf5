/* Why this file exists: the string library's linear functions (upper, sub, byte, format, pack,
   ...) and tonumber, load and the string arithmetic metamethods do their work in C, where the
   budget hook never runs: one VM instruction may spend milliseconds on a 64 MiB string. Each one
   is wrapped to charge its work, computed from its arguments, before it runs. string.rep is ours:
   the stock one loops once per repetition even when the result is empty (string.rep('', 2^40)
   never returns). Also the entry point sr_install_budgeted_libs. */
#include "budget_cost.h"
#include <limits.h>
#include <stdint.h>
#include <string.h>

/* string.pack/unpack/packsize: units per byte of the format (~5 ns an option). */
#define SR_PACK_FORMAT_BYTE_UNITS 2
/* string.format: units per conversion (%d ~90 ns, %g ~250 ns), per binary exponent step of a
   float printed with %f/%e/%g (%99.99f of 1e300 takes ~9 us), per byte quoted by %q. */
#define SR_FORMAT_ITEM_UNITS 32
#define SR_FORMAT_EXPONENT_UNITS 3
#define SR_FORMAT_QUOTE_BYTE_UNITS 4

void sr_wrap_field(lua_State *L, const char *name, lua_CFunction wrapper) {
    lua_getfield(L, -1, name);
    if (lua_iscfunction(L, -1)) {
        /* Only a plain C function can run in the wrapper's frame: it must not read upvalues. */
        if (lua_getupvalue(L, -1, 1) == NULL) {
            lua_pushcclosure(L, wrapper, 1);
            lua_setfield(L, -2, name);
            return;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The binary exponent of a finite double, 0 otherwise (no libm needed). */
static int binary_exponent(lua_Number x) {
    double d = (double)x;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7ff);
    return biased == 0x7ff ? 0 : biased - 1023;
}

/* Optional integer argument as the stock function reads it; 0 when it is not one (the stock
   function then raises, and the call costs nothing). */
static int int_arg(lua_State *L, int arg, lua_Integer def, lua_Integer *out) {
    if (lua_isnoneornil(L, arg)) {
        *out = def;
        return 1;
    }
    int ok;
    *out = lua_tointegerx(L, arg, &ok);
    return ok;
}

/* string.sub's and string.byte's position rules. */
static size_t start_pos(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}
static size_t end_pos(lua_Integer pos, size_t len) {
    if (pos > (lua_Integer)len) return len;
    if (pos >= 0) return (size_t)pos;
    if (pos < -(lua_Integer)len) return 0;
    return len + (size_t)pos + 1;
}

static long long units_case(lua_State *L) {
    size_t len = sr_strlen_at(L, 1);
    return len < SR_FREE_BYTES ? 0 : sr_bytes_units(len, SR_SCAN_BYTES_PER_UNIT);
}

static long long units_sub(lua_State *L) {
    size_t len = sr_strlen_at(L, 1);
    if (len < SR_FREE_BYTES) return 0;
    lua_Integer i, j;
    if (!int_arg(L, 2, 1, &i) || !int_arg(L, 3, -1, &j)) return 0;
    size_t from = start_pos(i, len), to = end_pos(j, len);
    return from > to ? 0 : sr_bytes_units(to - from + 1, SR_COPY_BYTES_PER_UNIT);
}

static long long units_byte(lua_State *L) {
    size_t len = sr_strlen_at(L, 1);
    if (len < SR_FREE_BYTES) return 0;
    lua_Integer i, j;
    if (!int_arg(L, 2, 1, &i) || !int_arg(L, 3, i, &j)) return 0;
    size_t from = start_pos(i, len), to = end_pos(j, len);
    return from > to ? 0 : (long long)(to - from + 1) * SR_VALUE_UNITS;
}

static long long units_per_arg(lua_State *L) { return (long long)lua_gettop(L) * SR_VALUE_UNITS; }

static long long units_pack(lua_State *L) {
    long long units = (long long)sr_strlen_at(L, 1) * SR_PACK_FORMAT_BYTE_UNITS;
    for (int i = 2; i <= lua_gettop(L); i++) units += sr_bytes_units(sr_strlen_at(L, i), SR_COPY_BYTES_PER_UNIT);
    return units;
}

static long long units_unpack(lua_State *L) {
    return (long long)sr_strlen_at(L, 1) * SR_PACK_FORMAT_BYTE_UNITS + sr_bytes_units(sr_strlen_at(L, 2), SR_SCAN_BYTES_PER_UNIT);
}

/* string.format: the format string once, then each conversion by its kind. A float printed with
   %f/%e/%g costs in proportion to its decimal exponent (printf works with big numbers then),
   %q in proportion to the string, %s to what it copies. */
static long long units_format(lua_State *L) {
    if (lua_type(L, 1) != LUA_TSTRING) return 0;
    size_t lf;
    const char *f = lua_tolstring(L, 1, &lf), *end = f + lf;
    long long units = sr_bytes_units(lf, SR_SCAN_BYTES_PER_UNIT);
    int arg = 1, top = lua_gettop(L);
    while ((f = (const char *)memchr(f, '%', (size_t)(end - f))) != NULL) {
        if (++f < end && *f == '%') {
            f++;
            continue;
        }
        const char *spec = f;
        while (f < end && ((*f >= '0' && *f <= '9') || *f == '-' || *f == '+' || *f == ' ' || *f == '#' || *f == '.')) f++;
        if (f >= end || ++arg > top) break;
        units += SR_FORMAT_ITEM_UNITS;
        switch (*f++) {
        case 'a': case 'A': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
            if (lua_type(L, arg) == LUA_TNUMBER) {
                int exp2 = binary_exponent(lua_tonumber(L, arg));
                units += (long long)(exp2 < 0 ? -exp2 : exp2) * SR_FORMAT_EXPONENT_UNITS;
            }
            break;
        case 'q':
            units += (long long)sr_strlen_at(L, arg) * SR_FORMAT_QUOTE_BYTE_UNITS;
            break;
        case 's': /* with flags or a width the stock format also scans it for zeros */
            units += sr_bytes_units(sr_strlen_at(L, arg), f - 1 == spec ? SR_COPY_BYTES_PER_UNIT : SR_SCAN_BYTES_PER_UNIT);
            break;
        default:
            break;
        }
    }
    return units;
}

static long long units_parse_arg1(lua_State *L) {
    size_t len = sr_strlen_at(L, 1);
    return len < SR_FREE_BYTES ? 0 : sr_bytes_units(len, SR_PARSE_BYTES_PER_UNIT);
}

static long long units_arith(lua_State *L) {
    size_t len = sr_strlen_at(L, 1) + sr_strlen_at(L, 2);
    return len < SR_FREE_BYTES ? 0 : sr_bytes_units(len, SR_SCAN_BYTES_PER_UNIT);
}

SR_CHARGED_WRAPPER(charged_case, units_case)
SR_CHARGED_WRAPPER(charged_sub, units_sub)
SR_CHARGED_WRAPPER(charged_byte, units_byte)
SR_CHARGED_WRAPPER(charged_per_arg, units_per_arg)
SR_CHARGED_WRAPPER(charged_pack, units_pack)
SR_CHARGED_WRAPPER(charged_unpack, units_unpack)
SR_CHARGED_WRAPPER(charged_format, units_format)
SR_CHARGED_WRAPPER(charged_parse_arg1, units_parse_arg1)
SR_CHARGED_WRAPPER(charged_arith, units_arith)

/* string.rep, with the stock arguments, errors and result, built by doubling copies: the work
   is the length of the result, never the number of repetitions. */
static int str_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || l + lsep > (size_t)INT_MAX / (size_t)n) return luaL_error(L, "resulting string too large");
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, total); /* first, so a result too big is a memory kill */
    sr_pay(L, sr_bytes_units(total, SR_COPY_BYTES_PER_UNIT));
    memcpy(out, s, l);
    size_t filled = l;
    if (n > 1) { /* one period "s..sep", then copies of what is there, doubling */
        memcpy(out + l, sep, lsep);
        filled += lsep;
    }
    while (filled < total) {
        size_t k = total - filled < filled ? total - filled : filled;
        memcpy(out + filled, out, k);
        filled += k;
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

static void install_strings(lua_State *L) {
    static const char *const by_length[] = {"upper", "lower", "reverse", NULL};
    for (int i = 0; by_length[i] != NULL; i++) sr_wrap_field(L, by_length[i], charged_case);
    sr_wrap_field(L, "sub", charged_sub);
    sr_wrap_field(L, "byte", charged_byte);
    sr_wrap_field(L, "char", charged_per_arg);
    sr_wrap_field(L, "format", charged_format);
    sr_wrap_field(L, "pack", charged_pack);
    sr_wrap_field(L, "packsize", charged_pack);
    sr_wrap_field(L, "unpack", charged_unpack);
    lua_pushcfunction(L, str_rep);
    lua_setfield(L, -2, "rep");
}

void sr_install_budgeted_strings(lua_State *L) { install_strings(L); }

/* The string metatable's arithmetic metamethods convert their string operands in C. */
static void install_string_metatable(lua_State *L) {
    static const char *const events[] = {"__add", "__sub", "__mul", "__mod", "__pow",
                                         "__div", "__idiv", "__unm", NULL};
    lua_pushliteral(L, "");
    if (!lua_getmetatable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    for (int i = 0; events[i] != NULL; i++) sr_wrap_field(L, events[i], charged_arith);
    lua_pop(L, 2);
}

void sr_install_budgeted_libs(lua_State *L) {
    static const struct {
        const char *name;
        void (*install)(lua_State *L);
    } libs[] = {
        {"string", sr_install_budgeted_patterns},
        {"string", sr_install_budgeted_strings},
        {"table", sr_install_budgeted_tables},
        {"utf8", sr_install_budgeted_utf8},
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        if (lua_getglobal(L, libs[i].name) == LUA_TTABLE) libs[i].install(L);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    sr_wrap_field(L, "tonumber", charged_parse_arg1);
    sr_wrap_field(L, "load", charged_parse_arg1);
    lua_pop(L, 1);
    install_string_metatable(L);
}
