/* Why this file exists: string.find, match, gmatch and gsub of Lua 5.4.4, with the same
   arguments, results and errors, on top of our step-charged matcher (budgeted_match.c); the
   plain search of find is charged too (it is quadratic in the worst case, like the stock one),
   and so is every byte a replacement copies. */
#include "pattern_match.h"
#include <ctype.h>
#include <string.h>

/* A 1-based start position (negative from the end) as a size in [1, ...]. */
static size_t pm_start(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

/* Has the pattern none of the characters that make find use the matcher? */
static int pm_is_plain(lua_State *L, const char *p, size_t lp) {
    static const char specials[] = "^$*+?.([%-";
    size_t i = 0;
    while (i < lp && memchr(specials, p[i], sizeof specials - 1) == NULL) i++;
    sr_pay(L, sr_bytes_units(i, SR_SCAN_BYTES_PER_UNIT));
    return i == lp;
}

/* The first occurrence of needle in hay, or NULL: memchr for the first byte, then a comparison
   in blocks, every block and every candidate charged (the stock search is quadratic too). */
static const char *pm_find_plain(lua_State *L, const char *hay, size_t lh, const char *needle, size_t ln) {
    if (ln == 0) return hay;
    if (ln > lh) return NULL;
    const char *at = hay, *last = hay + (lh - ln), *found = NULL;
    long long units = 0;
    while (at <= last) {
        const char *hit = memchr(at, needle[0], (size_t)(last - at) + 1);
        units += sr_bytes_units((size_t)((hit ? hit : last) - at), SR_COPY_BYTES_PER_UNIT) + 1;
        if (hit == NULL) break;
        size_t k = 1;
        while (k < ln) {
            size_t block = ln - k < 64 ? ln - k : 64;
            units += 1 + sr_bytes_units(block, SR_COPY_BYTES_PER_UNIT);
            if (memcmp(hit + k, needle + k, block) != 0) break;
            k += block;
        }
        if (k >= ln) {
            found = hit;
            break;
        }
        if (units >= PM_CREDIT_UNITS) {
            sr_pay(L, units);
            units = 0;
        }
        at = hit + 1;
    }
    sr_pay(L, units);
    return found;
}

static int pm_find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = pm_start(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || pm_is_plain(L, p, lp))) {
        const char *at = pm_find_plain(L, s + init, ls - init, p, lp);
        if (at == NULL) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (at - s) + 1);
        lua_pushinteger(L, (at - s) + (lua_Integer)lp);
        return 2;
    }
    pm_state ms;
    int anchored = *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    pm_prepare(&ms, L, s, ls, p, lp);
    const char *start = s + init;
    do {
        pm_restart(&ms);
        const char *e = sr_pm_match(&ms, start, p);
        if (e != NULL) {
            pm_settle(&ms);
            if (!find) return sr_pm_push_captures(&ms, start, e);
            lua_pushinteger(L, (start - s) + 1);
            lua_pushinteger(L, e - s);
            return sr_pm_push_captures(&ms, NULL, NULL) + 2;
        }
    } while (start++ < ms.subject_end && !anchored);
    pm_settle(&ms);
    luaL_pushfail(L);
    return 1;
}

static int pm_find(lua_State *L) { return pm_find_or_match(L, 1); }
static int pm_str_match(lua_State *L) { return pm_find_or_match(L, 0); }

/* gmatch's iterator state: a full userdata kept as upvalue 3 (the strings are upvalues 1, 2). */
typedef struct pm_iterator {
    pm_state ms;
    const char *next;        /* where the next attempt starts */
    const char *pattern;
    const char *last_end;    /* end of the previous match: an empty match may not end there again */
} pm_iterator;

static int pm_gmatch_next(lua_State *L) {
    pm_iterator *it = (pm_iterator *)lua_touserdata(L, lua_upvalueindex(3));
    it->ms.L = L; /* the iterator may run in another coroutine than the one that made it */
    it->ms.credit = PM_CREDIT_UNITS;
    for (const char *start = it->next; start <= it->ms.subject_end; start++) {
        pm_restart(&it->ms);
        const char *e = sr_pm_match(&it->ms, start, it->pattern);
        if (e != NULL && e != it->last_end) {
            it->next = it->last_end = e;
            pm_settle(&it->ms);
            return sr_pm_push_captures(&it->ms, start, e);
        }
    }
    pm_settle(&it->ms);
    return 0;
}

static int pm_gmatch(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = pm_start(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);
    pm_iterator *it = (pm_iterator *)lua_newuserdatauv(L, sizeof *it, 0);
    if (init > ls) init = ls + 1; /* past the end: the iterator finds nothing */
    pm_prepare(&it->ms, L, s, ls, p, lp);
    it->next = s + init;
    it->pattern = p;
    it->last_end = NULL;
    lua_pushcclosure(L, pm_gmatch_next, 3);
    return 1;
}

/* Appends the replacement string (argument 3) for the match [s, e), expanding %0-%9 and %%. */
static void pm_add_template(pm_state *ms, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = ms->L;
    size_t l;
    const char *t = lua_tolstring(L, 3, &l);
    const char *pct;
    sr_pay(L, sr_bytes_units(l, SR_COPY_BYTES_PER_UNIT));
    while ((pct = (const char *)memchr(t, '%', l)) != NULL) {
        luaL_addlstring(b, t, (size_t)(pct - t));
        char d = pct[1]; /* the terminating '\0' when '%' ends the string */
        if (d == '%') {
            luaL_addchar(b, '%');
        } else if (d == '0') {
            sr_pay(L, sr_bytes_units((size_t)(e - s), SR_COPY_BYTES_PER_UNIT));
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)d)) {
            const char *text;
            ptrdiff_t len = sr_pm_capture(ms, d - '1', s, e, &text);
            if (len == PM_CAP_POSITION) {
                luaL_addvalue(b);
            } else {
                sr_pay(L, sr_bytes_units((size_t)len, SR_COPY_BYTES_PER_UNIT));
                luaL_addlstring(b, text, (size_t)len);
            }
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", '%');
        }
        l -= (size_t)(pct + 2 - t);
        t = pct + 2;
    }
    luaL_addlstring(b, t, l);
}

/* Appends the replacement for [s, e) from a table or function (argument 3); returns whether the
   text changed (a false or nil replacement keeps the match). */
static int pm_add_value(pm_state *ms, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = ms->L;
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = sr_pm_push_captures(ms, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        sr_pm_push_capture(ms, 0, s, e);
        lua_gettable(L, 3);
    } else {
        pm_add_template(ms, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    sr_pay(L, sr_bytes_units(sr_strlen_at(L, -1), SR_COPY_BYTES_PER_UNIT));
    luaL_addvalue(b);
    return 1;
}

static int pm_gsub(lua_State *L) {
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last_end = NULL;
    int kind = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    int anchored = *p == '^';
    lua_Integer n = 0;
    int changed = 0;
    pm_state ms;
    luaL_Buffer b;
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE,
                     3, "string/function/table");
    luaL_buffinit(L, &b);
    if (anchored) {
        p++;
        lp--;
    }
    pm_prepare(&ms, L, src, ls, p, lp);
    while (n < max_n) {
        pm_restart(&ms);
        const char *e = sr_pm_match(&ms, src, p);
        if (e != NULL && e != last_end) {
            n++;
            pm_settle(&ms); /* the replacement may call Lua, which charges on its own */
            changed = pm_add_value(&ms, &b, src, e, kind) | changed;
            src = last_end = e;
        } else if (src < ms.subject_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored) break;
    }
    pm_settle(&ms);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        sr_pay(L, sr_bytes_units((size_t)(ms.subject_end - src), SR_COPY_BYTES_PER_UNIT));
        luaL_addlstring(&b, src, (size_t)(ms.subject_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void sr_install_budgeted_patterns(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"find", pm_find}, {"match", pm_str_match}, {"gmatch", pm_gmatch}, {"gsub", pm_gsub}, {NULL, NULL},
    };
    luaL_setfuncs(L, fns, 0);
}
