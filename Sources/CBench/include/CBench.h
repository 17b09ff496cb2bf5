#ifndef CBENCH_H
#define CBENCH_H

#include <lua.h>

/* The benchmarks' raw Lua peers (`Sources/Bench/RawLuaBaseline.swift`): C functions the
   production targets never link. */

/* Raw instrumentation for the benchmark baseline: plain lua_pcall, no handler. */
int sr_raw_pcall(lua_State *L, int nargs, int nresults);

/* Benchmark peer: a plain C `grant(user, asset, amount, memo)` that decodes its arguments the
   way a hand-written binding would and counts calls. */
int sr_bench_grant(lua_State *L);
long long sr_bench_grant_count(void);

/* Benchmark peer: a plain C `fan_medal(viewer, streamer)` answering a constant medal
   `{ level = 5, points = 300, today = 10 }`. */
int sr_bench_fan_medal(lua_State *L);

#endif
