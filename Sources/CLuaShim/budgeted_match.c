/* Why this file exists: Lua's own pattern functions run in C, out of reach of the budget hook, and
   a pattern such as '(.-)*b' backtracks for tens of seconds on a 100 kB subject. This is our own
   matcher for Lua 5.4.4's pattern language (written from its documented and observed behaviour,
   checked against the stock library by the differential test), with the same matches, captures
   and error messages, whose every step (a call of the matcher, one character tested by a
   quantifier, bytes compared or scanned) is charged to the running call's budget. The stock
   recursion limit (200 nested calls, "pattern too complex") is kept. */
#include "pattern_match.h"
#include <ctype.h>
#include <string.h>

/* '%x' classes: the letter picks the <ctype.h> test (or NUL for 'z'), upper case complements
   it; any other character stands for itself. The letter is folded in ASCII rather than by
   tolower(): the same in every locale for the letters that name classes, and one libc call
   fewer on the matcher's hottest path (the test on the subject byte stays locale-aware). */
static inline int pm_class(int c, int cl) {
    int upper = cl >= 'A' && cl <= 'Z';
    int hit;
    switch (upper ? cl - 'A' + 'a' : cl) {
    case 'a': hit = isalpha(c); break;
    case 'c': hit = iscntrl(c); break;
    case 'd': hit = isdigit(c); break;
    case 'g': hit = isgraph(c); break;
    case 'l': hit = islower(c); break;
    case 'p': hit = ispunct(c); break;
    case 's': hit = isspace(c); break;
    case 'u': hit = isupper(c); break;
    case 'w': hit = isalnum(c); break;
    case 'x': hit = isxdigit(c); break;
    case 'z': hit = c == 0; break; /* deprecated, still accepted by 5.4 */
    default: return cl == c;
    }
    return upper ? !hit : hit != 0;
}

/* Is `c` in the set that starts at `open` ('[') and ends at `close` (its ']')? */
static inline int pm_in_set(int c, const char *open, const char *close) {
    const char *p = open + 1;
    int inside = 1;
    if (*p == '^') {
        inside = 0;
        p++;
    }
    for (; p < close; p++) {
        if (*p == '%') {
            p++;
            if (pm_class(c, (unsigned char)*p)) return inside;
        } else if (p[1] == '-' && p + 2 < close) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return inside;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return inside;
        }
    }
    return !inside;
}

/* The end of the single-character item at `p` (a char, '.', '%x' or a set). */
static inline const char *pm_item_end(pm_state *ms, const char *p) {
    const char *start = p;
    char c = *p++;
    if (c == '%') {
        if (p == ms->pattern_end) luaL_error(ms->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c != '[') return p;
    if (*p == '^') p++;
    do { /* the first character after '[' or '[^' never closes the set */
        if (p == ms->pattern_end) luaL_error(ms->L, "malformed pattern (missing ']')");
        c = *p++;
        if (c == '%' && p < ms->pattern_end) p++;
    } while (*p != ']');
    PM_STEP(ms, sr_bytes_units((size_t)(p - start), SR_SCAN_BYTES_PER_UNIT));
    return p + 1;
}

/* Does the item [p, ep) match the subject character at s? */
static inline int pm_single(pm_state *ms, const char *s, const char *p, const char *ep) {
    PM_STEP(ms, 1);
    if (s >= ms->subject_end) return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case '%': return pm_class(c, (unsigned char)p[1]);
    case '[':
        PM_STEP(ms, sr_bytes_units((size_t)(ep - p), SR_SCAN_BYTES_PER_UNIT));
        return pm_in_set(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* '%bxy' at s: the end of a balanced x...y run, or NULL. */
static const char *pm_balance(pm_state *ms, const char *s, const char *p) {
    if (p >= ms->pattern_end - 1) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= ms->subject_end || *s != *p) return NULL;
    const char *start = s, *found = NULL;
    char open = p[0], close = p[1];
    int depth = 1;
    while (++s < ms->subject_end) {
        if (*s == close) {
            if (--depth == 0) {
                found = s + 1;
                break;
            }
        } else if (*s == open) {
            depth++;
        }
    }
    PM_STEP(ms, sr_bytes_units((size_t)(s - start), SR_SCAN_BYTES_PER_UNIT));
    return found;
}

/* The index of the closed capture named by the digit `d` ('1'..'9'), or an error. */
static int pm_closed_capture(pm_state *ms, int d) {
    int i = d - '1';
    if (i < 0 || i >= ms->level || ms->cap[i].len == PM_CAP_OPEN)
        return luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    return i;
}

/* '%1'..'%9' at s: the same text again. A position capture never matches. */
static const char *pm_backref(pm_state *ms, const char *s, int d) {
    int i = pm_closed_capture(ms, d);
    if (ms->cap[i].len == PM_CAP_POSITION) return NULL;
    size_t len = (size_t)ms->cap[i].len;
    if ((size_t)(ms->subject_end - s) < len) return NULL;
    PM_STEP(ms, sr_bytes_units(len, SR_COPY_BYTES_PER_UNIT));
    return memcmp(ms->cap[i].init, s, len) == 0 ? s + len : NULL;
}


static const char *pm_open(pm_state *ms, const char *s, const char *p, ptrdiff_t what) {
    if (ms->level >= PM_CAPTURES_MAX) luaL_error(ms->L, "too many captures");
    ms->cap[ms->level].init = s;
    ms->cap[ms->level].len = what;
    ms->level++;
    const char *e = sr_pm_match(ms, s, p);
    if (e == NULL) ms->level--;
    return e;
}

static const char *pm_close(pm_state *ms, const char *s, const char *p) {
    int i = ms->level - 1;
    while (i >= 0 && ms->cap[i].len != PM_CAP_OPEN) i--;
    if (i < 0) luaL_error(ms->L, "invalid pattern capture");
    ms->cap[i].len = s - ms->cap[i].init;
    const char *e = sr_pm_match(ms, s, p);
    if (e == NULL) ms->cap[i].len = PM_CAP_OPEN;
    return e;
}

/* Item [p, ep) repeated as often as possible from s, then backing off one at a time. */
static const char *pm_longest(pm_state *ms, const char *s, const char *p, const char *ep) {
    ptrdiff_t n = 0;
    while (pm_single(ms, s + n, p, ep)) n++;
    for (; n >= 0; n--) {
        const char *e = sr_pm_match(ms, s + n, ep + 1);
        if (e != NULL) return e;
    }
    return NULL;
}

/* Item [p, ep) repeated as few times as the rest of the pattern allows. */
static const char *pm_shortest(pm_state *ms, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *e = sr_pm_match(ms, s, ep + 1);
        if (e != NULL) return e;
        if (!pm_single(ms, s, p, ep)) return NULL;
        s++;
    }
}

/* The recursive calls are exactly the stock matcher's (captures, quantifiers, '?'), so the depth
   limit trips on the same patterns; everything else loops. */
const char *sr_pm_match(pm_state *ms, const char *s, const char *p) {
    if (ms->depth_left-- == 0) luaL_error(ms->L, "pattern too complex");
    for (;;) {
        PM_STEP(ms, 1);
        if (p == ms->pattern_end) break;
        if (*p == '(') {
            s = p[1] == ')' ? pm_open(ms, s, p + 2, PM_CAP_POSITION) : pm_open(ms, s, p + 1, PM_CAP_OPEN);
            break;
        }
        if (*p == ')') {
            s = pm_close(ms, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == ms->pattern_end) {
            if (s != ms->subject_end) s = NULL;
            break;
        }
        if (*p == '%' && p[1] == 'b') {
            s = pm_balance(ms, s, p + 2);
            if (s == NULL) break;
            p += 4;
            continue;
        }
        if (*p == '%' && p[1] == 'f') {
            p += 2;
            if (*p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
            const char *ep = pm_item_end(ms, p);
            int before = s == ms->subject ? 0 : (unsigned char)s[-1];
            int at = s < ms->subject_end ? (unsigned char)*s : 0;
            if (pm_in_set(before, p, ep - 1) || !pm_in_set(at, p, ep - 1)) {
                s = NULL;
                break;
            }
            p = ep;
            continue;
        }
        if (*p == '%' && isdigit((unsigned char)p[1])) {
            s = pm_backref(ms, s, (unsigned char)p[1]);
            if (s == NULL) break;
            p += 2;
            continue;
        }
        /* a single-character item with an optional quantifier */
        const char *ep = pm_item_end(ms, p);
        char q = *ep;
        if (!pm_single(ms, s, p, ep)) {
            if (q == '*' || q == '?' || q == '-') {
                p = ep + 1;
                continue;
            }
            s = NULL;
            break;
        }
        if (q == '?') {
            const char *e = sr_pm_match(ms, s + 1, ep + 1);
            if (e != NULL) {
                s = e;
                break;
            }
            p = ep + 1;
            continue;
        }
        if (q == '+' || q == '*') {
            s = pm_longest(ms, q == '+' ? s + 1 : s, p, ep);
            break;
        }
        if (q == '-') {
            s = pm_shortest(ms, s, p, ep);
            break;
        }
        s++;
        p = ep;
    }
    ms->depth_left++;
    return s;
}

ptrdiff_t sr_pm_capture(pm_state *ms, int i, const char *s, const char *e, const char **text) {
    if (i >= ms->level) {
        if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
        *text = s;
        return e - s;
    }
    ptrdiff_t len = ms->cap[i].len;
    *text = ms->cap[i].init;
    if (len == PM_CAP_OPEN) luaL_error(ms->L, "unfinished capture");
    if (len == PM_CAP_POSITION) lua_pushinteger(ms->L, (ms->cap[i].init - ms->subject) + 1);
    return len;
}

void sr_pm_push_capture(pm_state *ms, int i, const char *s, const char *e) {
    const char *text;
    ptrdiff_t len = sr_pm_capture(ms, i, s, e, &text);
    if (len != PM_CAP_POSITION) lua_pushlstring(ms->L, text, (size_t)len);
}

int sr_pm_push_captures(pm_state *ms, const char *s, const char *e) {
    int n = (ms->level == 0 && s != NULL) ? 1 : ms->level;
    luaL_checkstack(ms->L, n, "too many captures");
    for (int i = 0; i < n; i++) sr_pm_push_capture(ms, i, s, e);
    return n;
}
