#ifndef SHOWRUNNER_PATTERN_MATCH_H
#define SHOWRUNNER_PATTERN_MATCH_H
/* Why this header exists: the step-charged matcher (budgeted_match.c) and the string functions
   built on it (budgeted_patterns.c) share its state. Not part of the public interface. */
#include "budget_cost.h"

#define PM_CAPTURES_MAX 32
#define PM_DEPTH_MAX 200
#define PM_CAP_OPEN (-1)
#define PM_CAP_POSITION (-2)
#define PM_CREDIT_UNITS SR_SPEND_CLOCK_UNITS

typedef struct pm_state {
    const char *subject;      /* the whole subject (for position captures and '%f') */
    const char *subject_end;
    const char *pattern_end;
    lua_State *L;
    int depth_left;           /* nested matcher calls still allowed */
    int level;                /* captures opened so far */
    long long credit;         /* units left before the next charge */
    struct {
        const char *init;
        ptrdiff_t len;        /* a length, PM_CAP_OPEN or PM_CAP_POSITION */
    } cap[PM_CAPTURES_MAX];
} pm_state;

/* Charges the units spent since the last charge (may raise the budget kill). */
static inline void pm_settle(pm_state *ms) {
    long long spent = PM_CREDIT_UNITS - ms->credit;
    ms->credit = PM_CREDIT_UNITS;
    sr_pay(ms->L, spent);
}

#define PM_STEP(ms, units)                                                                     \
    do {                                                                                       \
        if (((ms)->credit -= (units)) < 0) pm_settle(ms);                                      \
    } while (0)

static inline void pm_prepare(pm_state *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    ms->L = L;
    ms->subject = s;
    ms->subject_end = s + ls;
    ms->pattern_end = p + lp;
    ms->depth_left = PM_DEPTH_MAX;
    ms->level = 0;
    ms->credit = PM_CREDIT_UNITS;
}

/* Before each attempt. Also restores the depth, which a raised error leaves spent (the stock
   gmatch iterator would then recurse without limit if called again). */
static inline void pm_restart(pm_state *ms) {
    ms->level = 0;
    ms->depth_left = PM_DEPTH_MAX;
}

/* Matches the pattern from p against the subject from s: the end of the match, or NULL. */
const char *sr_pm_match(pm_state *ms, const char *s, const char *p);

/* Capture i of the match [s, e): its length and start (*text), or PM_CAP_POSITION with the
   position pushed. With no captures, "capture 0" is the whole match. */
ptrdiff_t sr_pm_capture(pm_state *ms, int i, const char *s, const char *e, const char **text);

/* Pushes capture i of the match [s, e). */
void sr_pm_push_capture(pm_state *ms, int i, const char *s, const char *e);

/* Pushes the captures (the whole match when there are none and s is not NULL); returns how many. */
int sr_pm_push_captures(pm_state *ms, const char *s, const char *e);

#endif
