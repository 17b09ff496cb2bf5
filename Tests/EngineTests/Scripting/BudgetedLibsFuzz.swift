/// The Lua side of the differential test of the budgeted libraries (`BudgetedLibsTests`): it
/// generates cases from a seeded splitmix64 (so a seed gives the same cases on every machine), runs
/// each through the stock function and the budgeted one, and compares results, error messages,
/// the calls a replacement function or metamethod saw and the tables a function modified.
///
/// Patterns come from a grammar that covers every feature: classes %a %c %d %g %l %p %s %u %w %x
/// (and %z) with their complements, escaped specials, sets with ranges, classes, `^` and a leading
/// `]`, `.`, the quantifiers * + - ?, captures (nested, empty, position), %b, %f, back-references
/// %0-%4, anchors `^` and `$` (also in the middle), plus malformed variants (truncated, a stray
/// `%`, `[`, `(`, `)`, `%b`, `%f`). Subjects mix letters, digits, specials, NUL, control and high
/// bytes. `init` covers nil, in range, negative, 0, past the end, math.min/maxinteger, floats and
/// numeric strings; gsub replacements are templates (%0-%9, %%, a bad `%`), numbers, tables,
/// functions (returning a capture, nil, false, a number or a table) and invalid types.
enum BudgetedLibsFuzz {
    static let script = #"""
-- Differential fuzz: the stock functions (kept in the global `stock` before the budgeted ones
-- were installed) against the installed ones, on `count` random pattern cases, half as many
-- random calls of the other replaced functions, and fixed cases for the limits. Returns the
-- number of cases, the number of disagreements and the first 20 of them.
local seed, count = ...
seed = math.tointeger(tonumber(seed)) or 1
count = math.tointeger(tonumber(count)) or 5000
local S, T, U = stock.string, stock.table, stock.utf8

-- splitmix64 on Lua's wrapping integers: the same cases for a seed on every machine.
local state = seed
local function next64()
  state = state + 0x9E3779B97F4A7C15
  local z = state
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end
local function rand(n) return (next64() >> 1) % n + 1 end -- 1..n
local function pick(list) return list[rand(#list)] end
local function choose(...) return (select(rand(select("#", ...)), ...)) end -- may choose nil
local function chance(k) return rand(k) == 1 end

local alphabets = {
  "ab", "abc", "aab ", "a1 _.", "()[]%-", "ab()", "xyz\0\n", "AbC9 ,;",
  "\128\255a\t", "a-b.c%d", "^$*+?.", "{}<>''\"", "\0\1\2 \127", "aA0_ \r\f\v",
}
local alpha = "ab" -- the current case's alphabet: pattern literals come from it half the time
local function subject()
  alpha = pick(alphabets)
  local n = chance(8) and rand(120) - 1 or rand(16) - 1
  local out = {}
  for i = 1, n do local k = rand(#alpha) out[i] = S.sub(alpha, k, k) end
  return T.concat(out)
end

local classes = { "a", "A", "c", "C", "d", "D", "g", "G", "l", "L", "p", "P", "s", "S", "u", "U",
  "w", "W", "x", "X", ".", "%", "[", "]", "(", ")", "-", "^", "$", "z", "Z", "*", "1", " " }
local literals = { "a", "b", "c", "A", "1", " ", "_", ".", "\0", "\128", "\255", "x", "\n", ",", "'" }

local function literal()
  if chance(2) then local k = rand(#alpha) return S.sub(alpha, k, k) end
  return pick(literals)
end

local function set()
  local parts = { "[" }
  if chance(3) then parts[#parts + 1] = "^" end
  if chance(8) then parts[#parts + 1] = "]" end
  for _ = 1, rand(4) do
    local k = rand(6)
    if k == 1 then parts[#parts + 1] = literal() .. "-" .. literal()
    elseif k == 2 then parts[#parts + 1] = "%" .. pick(classes)
    elseif k == 3 then parts[#parts + 1] = pick({ "-", "^", "[", "(", ".", "$" })
    else parts[#parts + 1] = literal() end
  end
  parts[#parts + 1] = "]"
  return T.concat(parts)
end

local function single()
  local k = rand(8)
  if k <= 3 then return literal()
  elseif k == 4 then return "."
  elseif k <= 6 then return "%" .. pick(classes)
  else return set() end
end

local items
local function item(depth)
  local k = rand(20)
  if k <= 10 then
    local q = rand(9)
    return single() .. (q <= 4 and pick({ "*", "+", "-", "?" }) or "")
  elseif k <= 12 and depth < 4 then return "(" .. items(depth + 1) .. ")"
  elseif k == 13 then return "()"
  elseif k == 14 then return "%b" .. literal() .. literal()
  elseif k == 15 then return "%f" .. set()
  elseif k == 16 then return "%" .. rand(4) - (chance(6) and 1 or 0)
  elseif k == 17 then return pick({ "$", "^", "%b()", "%f[%w]", "%f[%W]", "%f[%z]", "%f[^\0]" })
  else return literal() end
end
function items(depth)
  local out = {}
  for i = 1, (chance(2) and rand(3) or rand(6)) - 1 do out[i] = item(depth) end
  return T.concat(out)
end

local function malform(p)
  local k = rand(5)
  local at = rand(#p + 1)
  if k == 1 then return S.sub(p, 1, at - 1)
  elseif k == 2 then return S.sub(p, 1, at - 1) .. pick({ "%", "[", "]", "(", ")", "%b", "%f", "[^", "%1", "%0", "[%" }) .. S.sub(p, at)
  elseif k == 3 then return S.sub(p, 1, at - 1) .. S.sub(p, at + 1)
  elseif k == 4 then return p .. pick({ "%", "[", "(", "%b(", "%f", "%fa", "[a%" })
  else return pick({ "(", ")", "%", "[", "[]", "[^]", "[]]", "[^]]", "%b", "%bx", "%f", "%z", "((()))", "%1", "(%1)", "()%1" }) end
end

local function pattern()
  local p = (chance(4) and "^" or "") .. items(0) .. (chance(5) and "$" or "")
  if chance(6) then p = malform(p) end
  return p
end

local function init_arg(s)
  local k = rand(12)
  if k <= 4 then return nil
  elseif k <= 9 then return rand(#s + 7) - 4
  elseif k == 10 then return -rand(#s + 5)
  else return pick({ 0, math.maxinteger, math.mininteger, 2.0, "2", 1.5, -0.0 }) end
end

local function template()
  local parts = {}
  for i = 1, rand(4) - 1 do
    parts[i] = pick({ "x", "%0", "%1", "%2", "%3", "%%", "-", "%", "%a", "%9", "" })
  end
  return T.concat(parts)
end

-- Serializes values so that type differences (1 vs "1", 1 vs 1.0) show.
local function ser(t, n)
  local out = {}
  for i = 1, n do
    local v = t[i]
    local ty = type(v)
    if ty == "string" then out[i] = S.format("%q", v)
    elseif ty == "number" then out[i] = (math.type(v) or "") .. ":" .. tostring(v)
    else out[i] = ty .. (ty == "boolean" and tostring(v) or "") end
  end
  return T.concat(out, ", ")
end

local function replacement(log)
  local k = rand(8)
  if k <= 3 then return template()
  elseif k == 4 then return pick({ 7, 2.5 })
  elseif k == 5 then
    return { a = "A", b = false, ab = 1, [""] = "E", ["1"] = "one", [1] = "p1", [2] = 2.5, [3] = {}, x = "%0" }
  elseif k == 6 then
    local mode = rand(6)
    return function(...)
      local n = select("#", ...)
      log[#log + 1] = ser({ ... }, n)
      if mode == 1 then return (...)
      elseif mode == 2 then return nil
      elseif mode == 3 then return false
      elseif mode == 4 then return n
      elseif mode == 5 and n > 2 then return {}
      else return "<" .. n .. ">" end
    end
  elseif k == 7 then return choose(true, nil)
  else return "%1-%0" end
end

local function run(fn, ...)
  local r = table.pack(pcall(function(...)
    local out = table.pack(fn(...))
    return out
  end, ...))
  if not r[1] then return "error: " .. tostring(r[2]) end
  return ser(r[2], r[2].n)
end

local function run_gmatch(fn, s, p, init)
  return run(function()
    local out, n = {}, 0
    for a, b, c in fn(s, p, init) do
      n = n + 1
      out[n] = ser({ a, b, c }, 3)
      if n >= 60 then break end
    end
    return T.concat(out, " | ")
  end)
end

local failures, nfail = {}, 0
local function check(name, a, b, ...)
  if a ~= b then
    nfail = nfail + 1
    if nfail <= 20 then
      failures[#failures + 1] = S.format("%s(%s):\n  stock:    %s\n  budgeted: %s", name, ser(table.pack(...), select("#", ...)), a, b)
    end
  end
end

local cases = 0
for _ = 1, count do
  local s, p = subject(), pattern()
  local init = init_arg(s)
  local op = rand(5)
  cases = cases + 1
  if op == 1 then
    local plain = choose(nil, true, false, 1)
    check("find", run(S.find, s, p, init, plain), run(string.find, s, p, init, plain), s, p, init, plain)
  elseif op == 2 then
    check("match", run(S.match, s, p, init), run(string.match, s, p, init), s, p, init)
  elseif op == 3 then
    check("gmatch", run_gmatch(S.gmatch, s, p, init), run_gmatch(string.gmatch, s, p, init), s, p, init)
  else
    local logA, logB = {}, {}
    -- the same generator state for both replacements
    local saved = state
    local ra = replacement(logA)
    state = saved
    local rb = replacement(logB)
    local n = chance(3) and (rand(5) - 2) or nil
    local a = run(S.gsub, s, p, ra, n) .. " log: " .. T.concat(logA, " / ")
    local b = run(string.gsub, s, p, rb, n) .. " log: " .. T.concat(logB, " / ")
    check("gsub", a, b, s, p, ra, n)
  end
end

-- Fixed cases for the limits random patterns rarely reach: recursion depth, capture count,
-- long backtracking, long balanced runs.
local R = S.rep
local fixed = {
  { R("a", 198) .. "b", R("a?", 198) .. "b" }, { R("a", 199) .. "b", R("a?", 199) .. "b" },
  { R("a", 200) .. "b", R("a?", 200) .. "b" }, { R("a", 300), R("a?", 201) },
  { R("a", 300), R("a*", 199) }, { R("a", 300), R("a*", 200) }, { R("a", 100), R("a-", 199) .. "$" },
  { R("a", 100), R("a-", 200) .. "$" }, { R("a", 300), R("(a)", 32) }, { R("a", 300), R("(a)", 33) },
  { R("a", 40), R("(", 32) .. "a" .. R(")", 32) }, { R("a", 40), R("(", 33) .. R(")", 33) },
  { "x", R("()", 32) }, { "x", R("()", 33) }, { R("a", 40), R("(a)", 31) .. "%31" }, { R("ab", 20), "(a)(b)%2%1" },
  { R("(", 100) .. R(")", 100), "%b()" }, { R("(", 100) .. R(")", 99), "%b()" }, { R("a", 200) .. "b", "(.-)*b" },
  { R("a", 60), "(.-)*b" }, { R("ab", 50), "(.-)%1" }, { R("a", 100), ".-$" }, { "THE (quick) fox", "%f[%a]%a+" },
  { "hello world from Lua", "(%w+)%s*(%w+)" }, { R("\0", 10), "%z+" }, { "a.b", "%." }, { "a+b", "a+b", 1, true },
  { R("a", 1000), R("a", 100) .. "b", 1, true }, { R("ab", 500), "ba", -7, true }, { "abc", "", 4, true },
  { "hello world", "%w*" }, { "abc", "" }, { "abc", "", 5 }, { "a,b,,c", "([^,]*)" }, { "abc", "^" },
}
for _, c in ipairs(fixed) do
  local s, p, init, plain = c[1], c[2], c[3], c[4]
  cases = cases + 4
  check("find", run(S.find, s, p, init, plain), run(string.find, s, p, init, plain), s, p, init, plain)
  check("match", run(S.match, s, p, init), run(string.match, s, p, init), s, p, init)
  check("gmatch", run_gmatch(S.gmatch, s, p, init), run_gmatch(string.gmatch, s, p, init), s, p, init)
  check("gsub", run(S.gsub, s, p, "<%0>"), run(string.gsub, s, p, "<%0>"), s, p)
end

-- stock vs budgeted on small random inputs.
local function gen_table(log)
  local t = {}
  local n = rand(9) - 1
  for i = 1, n do
    if not chance(8) then t[i] = pick({ "a", "b", 1, 2, 3.5, "10", true }) end
  end
  local k = rand(6)
  if k == 1 then
    local len = pick({ 0, 3, n + 2, -1, 2.0, 1.5, "4", 40 })
    setmetatable(t, { __len = function() log[#log + 1] = "len" return len end })
  elseif k == 2 then
    setmetatable(t, {
      __index = function(_, i) log[#log + 1] = "get" .. tostring(i) return i end,
      __newindex = function(tt, i, v) log[#log + 1] = "set" .. tostring(i) rawset(tt, i, v) end,
    })
  end
  return t
end

local function dump(t, log)
  local out = {}
  for i = -1, 12 do out[#out + 1] = ser({ rawget(t, i) }, 1) end
  return T.concat(out, ",") .. " log: " .. T.concat(log, ",")
end

local function position(n)
  local k = rand(10)
  if k <= 7 then return rand(n + 5) - 3 end
  return choose(math.maxinteger, math.mininteger, 1.5, "2", nil, 0)
end

local function table_case(fname)
  local saved = state
  local logA, logB = {}, {}
  local ta = gen_table(logA)
  local after = state
  state = saved
  local tb = gen_table(logB)
  assert(state == after)
  local n = rawlen(ta)
  local args = {}
  local nargs
  if fname == "insert" then
    nargs = pick({ 2, 3, 3, 4 })
    args = { position(n), "v", "w" }
    if nargs == 2 then args[1] = "v" end
  elseif fname == "remove" then
    nargs = pick({ 1, 2 })
    -- (no math.mininteger: with a __len of -1 the stock remove would shift 2^63 elements)
    args = { choose(rand(n + 5) - 3, math.maxinteger, 1.5, "2", nil) }
  elseif fname == "move" then
    nargs = pick({ 4, 4, 5 })
    args = { rand(n + 5) - 3, rand(n + 5) - 3, rand(n + 5) - 3, {} }
    if chance(4) then args[1], args[2] = pick({ 0, -1, math.mininteger }), math.maxinteger end
    if chance(4) then args[3] = pick({ math.maxinteger, math.maxinteger - 1, 1.5, "2" }) end
  elseif fname == "concat" then
    nargs = rand(4)
    -- (small ranges: the stock concat of math.mininteger..n through __index never ends)
    args = { choose(nil, ",", "--"), rand(n + 5) - 3, choose(rand(n + 5) - 3, nil, 1.5) }
  elseif fname == "unpack" then
    nargs = rand(3)
    args = { position(n), pick({ position(n), 5000, 2^31 }) }
  elseif fname == "sort" then
    nargs = pick({ 1, 2 })
    args = { choose(function(a, b) return tostring(a) < tostring(b) end, function() return true end, nil) }
  end
  if chance(20) then -- not a table
    local v = choose("abc", 5, nil, true)
    check("table." .. fname, run(T[fname], v, T.unpack(args, 1, nargs - 1)), run(table[fname], v, T.unpack(args, 1, nargs - 1)), fname, v)
    return
  end
  local destA = args[4]
  local ra = run(T[fname], ta, T.unpack(args, 1, nargs - 1))
  local argsB = { T.unpack(args, 1, 3) }
  argsB[4] = {}
  local rb = run(table[fname], tb, T.unpack(argsB, 1, nargs - 1))
  local da = dump(ta, logA) .. (destA and (" dest: " .. dump(destA, {})) or "")
  local db = dump(tb, logB) .. (destA and (" dest: " .. dump(argsB[4], {})) or "")
  -- sort's order of equal elements and its comparison sequence are the stock algorithm's: both
  -- run it, so they agree exactly.
  check("table." .. fname, ra .. " | " .. da, rb .. " | " .. db, fname, nargs)
end

local utf8_subjects = { "", "abc", "\xe4\xb8\xad\xe6\x96\x87", "a\x80\x80b", "\xf0\x9f\x98\x80x", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80" }
local function utf8_case()
  local s = pick(utf8_subjects) .. (chance(2) and pick(utf8_subjects) or "")
  local k = rand(6)
  if k == 1 then
    local n, i = rand(11) - 6, position(#s)
    check("utf8.offset", run(U.offset, s, n, i), run(utf8.offset, s, n, i), s, n, i)
  elseif k == 2 then
    local i, j, lax = position(#s), position(#s), choose(nil, true)
    check("utf8.len", run(U.len, s, i, j, lax), run(utf8.len, s, i, j, lax), s, i, j, lax)
  elseif k == 3 then
    local i, j, lax = position(#s), position(#s), choose(nil, true)
    check("utf8.codepoint", run(U.codepoint, s, i, j, lax), run(utf8.codepoint, s, i, j, lax), s, i, j, lax)
  elseif k == 4 then
    local a, b = rand(0x11000) - 1, pick({ 0x7fffffff, 0x80000000, -1, 65 })
    check("utf8.char", run(U.char, a, b), run(utf8.char, a, b), a, b)
  else
    local lax = choose(nil, true)
    local function codes(f)
      return run(function()
        local out = {}
        for p, c in f(s, lax) do out[#out + 1] = p .. ":" .. c end
        return T.concat(out, " ")
      end)
    end
    check("utf8.codes", codes(U.codes), codes(utf8.codes), s, lax)
  end
end

local formats = { "%d", "%5.2f", "%q", "%s|%s", "%x", "%g", "%-10s", "%c", "%i", "%%", "%a", "%10.3s", "%.99f", "%z", "%" }
local function string_case()
  local s = subject()
  local k = rand(10)
  if k == 1 then
    local n, sep = pick({ -1, 0, 1, 2, 3, 7, 2^31, 2^40, 1.5, "3" }), choose(nil, "", ",", "ab")
    local s2 = chance(3) and "" or s
    -- the stock rep loops n times even for an empty result (2^40 times never ends): expect ""
    local expected = (#s2 + #(sep or "") == 0 and math.type(n) == "float" and n >= 2^31) and ser({ "" }, 1)
    check("string.rep", expected or run(S.rep, s2, n, sep), run(string.rep, s2, n, sep), s2, n, sep)
  elseif k == 2 then
    local i, j = position(#s), position(#s)
    check("string.sub", run(S.sub, s, i, j), run(string.sub, s, i, j), s, i, j)
  elseif k == 3 then
    local i, j = position(#s), position(#s)
    check("string.byte", run(S.byte, s, i, j), run(string.byte, s, i, j), s, i, j)
  elseif k == 4 then
    local f = pick(formats)
    local a, b = pick({ 1, 2.5, -7, 1e300, "x", s, 65, math.mininteger }), pick({ "y", 3, s })
    check("string.format", run(S.format, f, a, b), run(string.format, f, a, b), f, a, b)
  elseif k == 5 then
    local name = pick({ "upper", "lower", "reverse", "len" })
    check("string." .. name, run(S[name], s), run(string[name], s), s)
  elseif k == 6 then
    local f = pick({ "i4", "s1", "z", "<i2 >i2", "!4 i3 x", "c3", "j", "i17", "Xi4" })
    local v = pick({ 1, "ab", s, 70000 })
    check("string.pack", run(S.pack, f, v), run(string.pack, f, v), f, v)
    check("string.packsize", run(S.packsize, f), run(string.packsize, f), f)
    local data, pos = s .. "\0\0\0\0", position(#s)
    check("string.unpack", run(S.unpack, f, data, pos), run(string.unpack, f, data, pos), f, data, pos)
  elseif k == 7 then
    local n, base = pick({ s, "10", " 0x1F ", "z", "1e5", "7fffffffffffffff", "-ff" }), choose(nil, 2, 10, 16, 36, 37, 1.5)
    check("tonumber", run(stock.tonumber, n, base), run(tonumber, n, base), n, base)
  elseif k == 8 then
    local ev = pick({ "__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv", "__unm" })
    local a, b = pick({ "10", "0x10", "1.5", "abc", 3, s }), pick({ "2", 2, "x", {} })
    check("string " .. ev, run(stock.meta[ev], a, b), run(getmetatable("")[ev], a, b), a, b)
  elseif k == 9 then
    local src = pick({ "return 1 + 1", "return ...", "syntax error here", s })
    check("load", run(function(...) local f, e = stock.load(...) return f and f(7) or e end, src),
      run(function(...) local f, e = load(...) return f and f(7) or e end, src), src)
  else
    local args = {}
    for i = 1, rand(4) - 1 do args[i] = pick({ 65, 0, 255, 256, -1, "66", 1.5 }) end
    check("string.char", run(S.char, T.unpack(args)), run(string.char, T.unpack(args)), T.unpack(args))
  end
end

local lib_cases = math.max(1, count // 2)
local table_fns = { "insert", "remove", "move", "concat", "unpack", "sort" }
for _ = 1, lib_cases do
  cases = cases + 1
  local k = rand(3)
  if k == 1 then table_case(pick(table_fns))
  elseif k == 2 then utf8_case()
  else string_case() end
end

return cases, nfail, T.concat(failures, "\n")
"""#
}
