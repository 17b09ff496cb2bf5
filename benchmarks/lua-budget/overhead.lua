-- Stock vs budgeted library functions on small inputs, in one process, alternating, best of 7.
local clock = os.clock
local N = math.tointeger(tonumber((...))) or 300000
local s = "key=value; other=thing; the quick brown fox"
local words = "alpha beta gamma delta epsilon zeta eta theta"
local S, T, U = stock.string, stock.table, stock.utf8
local function best(f)
  local b = math.huge
  for r = 1, 7 do local c = clock() f() local d = clock() - c if d < b then b = d end end
  return b * 1e9 / N
end
local function cmp(name, mk)
  local a, b = best(mk(S, T, U, stock.tonumber)), best(mk(string, table, utf8, tonumber))
  print(string.format("| %-38s | %7.1f | %7.1f | %+5.0f%% |", name, a, b, (b / a - 1) * 100))
end
print("| call | stock ns | budgeted ns | overhead |")
print("|---|---|---|---|")
cmp("find(s, 'quick', 1, true)", function(S) local find = S.find return function() for i = 1, N do local a = find(s, "quick", 1, true) end end end)
cmp("find(s, 'fox')", function(S) local find = S.find return function() for i = 1, N do local a = find(s, "fox") end end end)
cmp("match(s, '(%w+)=(%w+)')", function(S) local f = S.match return function() for i = 1, N do local a, b = f(s, "(%w+)=(%w+)") end end end)
cmp("match(s, '^%s*(.-)%s*$')", function(S) local f = S.match return function() for i = 1, N do local a = f(s, "^%s*(.-)%s*$") end end end)
cmp("match(s, '[%w_]+$')", function(S) local f = S.match return function() for i = 1, N do local a = f(s, "[%w_]+$") end end end)
cmp("gsub(s, '%s+', ' ')", function(S) local f = S.gsub return function() for i = 1, N do local a = f(s, "%s+", " ") end end end)
cmp("gmatch(words, '%a+'), per word", function(S) local f = S.gmatch return function() for i = 1, N // 8 do for w in f(words, "%a+") do end end end end)
cmp("format('%d:%s', i, 'x')", function(S) local f = S.format return function() for i = 1, N do local a = f("%d:%s", i, "x") end end end)
cmp("format('%.2f', x)", function(S) local f = S.format return function() for i = 1, N do local a = f("%.2f", 1234.5678) end end end)
cmp("sub(s, 2, 5)", function(S) local f = S.sub return function() for i = 1, N do local a = f(s, 2, 5) end end end)
cmp("upper(s)", function(S) local f = S.upper return function() for i = 1, N do local a = f(s) end end end)
cmp("byte(s, 1)", function(S) local f = S.byte return function() for i = 1, N do local a = f(s, 1) end end end)
cmp("rep('ab', 10)", function(S) local f = S.rep return function() for i = 1, N do local a = f("ab", 10) end end end)
cmp("tonumber('12345')", function(S, T, U, tn) return function() for i = 1, N do local a = tn("12345") end end end)
cmp("utf8.len(s)", function(S, T, U) local f = U.len return function() for i = 1, N do local a = f(s) end end end)
cmp("insert(t, v) + remove(t)", function(S, T) local ins, rem = T.insert, T.remove return function() local t = {} for i = 1, N do ins(t, i) rem(t) end end end)
cmp("insert(t, 1, v) + remove(t, 1), #t=10", function(S, T) local ins, rem = T.insert, T.remove return function() local t = {1,2,3,4,5,6,7,8,9,10} for i = 1, N do ins(t, 1, i) rem(t, 1) end end end)
cmp("concat(5 strings, ',')", function(S, T) local f = T.concat return function() local t = {"a","b","c","d","e"} for i = 1, N do local a = f(t, ",") end end end)
cmp("unpack({1, 2, 3})", function(S, T) local f = T.unpack return function() local t = {1,2,3} for i = 1, N do local a, b, c = f(t) end end end)
cmp("sort(10 numbers), per sort", function(S, T) local f = T.sort return function() for i = 1, N // 10 do local t = {5,3,8,1,9,2,7,4,6,0} f(t) end end end)
