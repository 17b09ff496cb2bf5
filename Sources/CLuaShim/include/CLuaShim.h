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
    long long deadline_ns;   /* CLOCK_MONOTONIC deadline, 0 = none */
    int killed;              /* enum sr_kill */
    char kill_message[384];  /* "file:line: ... budget exceeded" */
    void *owner;             /* the Swift VM object (unretained) */
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

/* Monotonic clock in nanoseconds. */
long long sr_now_ns(void);

/* Raw instrumentation for the benchmark baseline: plain lua_pcall, no handler. */
int sr_raw_pcall(lua_State *L, int nargs, int nresults);


/* Benchmark peer: a plain C `grant(user, asset, amount, memo)` that decodes its arguments the
   way a hand-written binding would and counts calls. */
int sr_bench_grant(lua_State *L);
long long sr_bench_grant_count(void);

#endif
