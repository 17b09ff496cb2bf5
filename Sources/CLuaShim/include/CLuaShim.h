#ifndef SHOWRUNNER_CLUASHIM_H
#define SHOWRUNNER_CLUASHIM_H
#include <stddef.h>
#include <lua.h>

/* Why this target exists: lua_error/luaL_error leave by longjmp, and a longjmp across a Swift
   frame is undefined behaviour. Every path that may raise a Lua error (the budget hook, the
   allocator's refusals surfacing, the trampolines that call Swift bindings) lives here in C.
   Swift callbacks return a status; the C side raises after the Swift frame has returned. */

/* Why a VM was stopped. */
enum sr_kill {
    SR_KILL_NONE = 0,
    SR_KILL_INSTRUCTIONS = 1,
    SR_KILL_DEADLINE = 2,
    SR_KILL_MEMORY = 3,
};

/* Returned by a dispatch callback instead of a result count. */
enum sr_dispatch_status {
    SR_DISPATCH_ERROR = -1,      /* message string on top; the trampoline prefixes file:line */
    SR_DISPATCH_ERROR_RAW = -2,  /* message on top, raised as it is */
};

/* Per-VM budget state, reachable from the lua_State's extra space (shared by coroutines). */
typedef struct sr_budget {
    size_t mem_used;
    size_t mem_limit;        /* 0 = unlimited */
    size_t mem_peak;
    int in_host;             /* 1 while host code (not a script) owns the VM: the limit is not enforced */
    int hook_every;          /* instructions between hook calls */
    long long instr_left;    /* instructions left in this call */
    long long instr_budget;  /* instructions a call starts with */
    long long deadline_ns;   /* deadline on sr_now_ns()'s clock (monotonic, coarse where there is one), 0 = none */
    int killed;              /* enum sr_kill */
    char kill_message[384];  /* "file:line: ... budget exceeded" */
    void *owner;             /* the Swift VM object (unretained) */
    size_t block_max;        /* the largest single block this VM has held (sets the hook interval) */
    size_t grown_since_check;/* bytes allocated since the allocator last read the clock */
    int rearm;               /* 1 when the hook interval must shrink (a larger block appeared) */
    int where_pending;       /* 1 when a kill was recorded where no location was known */
    long long spent_since_check; /* units sr_spend has counted since it last read the clock */
} sr_budget;

typedef int (*sr_dispatch_fn)(lua_State *L, void *owner, lua_Integer binding);

/* Sets the one function every binding trampoline forwards to. Call once, before any VM. */
void sr_set_dispatch(sr_dispatch_fn fn);

/* A new state whose allocator counts into `budget`, with the budget hook installed. */
lua_State *sr_newstate(sr_budget *budget);

/* Resets the budget for one call: instructions and a deadline relative to now (0 = none). */
void sr_arm(lua_State *L, long long instructions, long long timeout_ns);

/* lua_pcall with a message handler, enforcing the memory limit only while the script runs. */
int sr_pcall(lua_State *L, int nargs, int nresults);

/* Loads a text chunk (never binary) under the budget. Leaves the function or an error message. */
int sr_loadtext(lua_State *L, const char *buf, size_t size, const char *chunkname);

/* Pushes a C closure of sr_trampoline with the binding id as its upvalue. */
void sr_pushbinding(lua_State *L, lua_Integer binding);

/* Charges `units` of work that a library function does in C (a loop over a table, a pattern
   matcher's steps) against the running call's instruction budget, and checks its deadline. Past
   either, the call is killed exactly as the hook kills it and the error is raised here, so it must
   be called only from a C function that Lua called. Host code (in_host) is never charged. */
void sr_charge(lua_State *L, long long units);

/* sr_charge for frequent small amounts: counts `units` at once, but reads the clock only after
   SR_SPEND_CLOCK_UNITS units have been spent since the last reading (and kills at once when the
   instruction budget is gone). The budgeted library functions charge through it. */
void sr_spend(lua_State *L, long long units);
#define SR_SPEND_CLOCK_UNITS 1024

/* Replaces the C functions of the already opened `string`, `table` and `utf8` libraries (and
   `tonumber`, `load` and the string metatable's arithmetic metamethods, when present) by
   versions that charge their work to the running call's budget: our own step-counted pattern
   matcher for find, match, gmatch and gsub, and charged loops or wrappers for the rest (see
   budgeted_*.c). The state must come from sr_newstate. Call once, before the sandbox freezes the
   library tables. */
void sr_install_budgeted_libs(lua_State *L);

/* A lua_CFunction for the sandbox's pcall, xpcall and coroutine wrappers: returns its arguments
   unchanged, unless the running call has been killed, in which case it raises the kill again. A
   script can therefore never catch a budget kill, however many pcalls or coroutines it nests. */
int sr_passkill(lua_State *L);

/* A lua_CFunction: `where(level)` returns "path:line:" of the first script frame at or above
   `level` that is not the sandbox's own code ("" when there is none). */
int sr_where(lua_State *L);

/* The instructions between two hook calls for a VM whose largest block is `block_max` bytes: the
   configured interval while blocks stay under 64 KiB, then shorter in proportion, so that the work
   one interval can do on long strings (comparing, hashing) stays near interval x 64 KiB bytes. */
int sr_hook_interval(const sr_budget *budget);

/* Monotonic clock in nanoseconds. */
long long sr_now_ns(void);

#endif
