/// The trusted Lua that turns a sandboxed VM into a script test VM, run once after the sandbox
/// bootstrap. It receives the real global table (holding the test API's host functions) and
/// defines what only tests have: `test` to register cases and the `expect_*` assertions, written
/// in Lua so they compare any value (functions, cycles, floats against integers) as Lua does.
/// Every assertion raises its failure at the caller's line (`error(text, 2)`), with a message
/// that starts with its own name, which is how the runner tells a failed expectation from an
/// error. It returns the runner the host drives: `names()` and `run(i)`.
enum ScriptTestPrelude {
    /// What the prelude defines, for the generated stubs (the host functions document themselves).
    static let functions: [StubGenerator.Signature] = [
        .init("test", parameters: [.init("name", "string"), .init("body", "fun()")],
              summary: "Registers a test case (at the top level of a test file only); each case runs on a fresh engine."),
        .init("expect_eq", parameters: [.init("actual", "any"), .init("expected", "any"), .init("message", "string?")],
              summary: "Fails unless actual equals expected; tables compare deeply, 1 equals 1.0 as in Lua."),
        .init("expect_ne", parameters: [.init("actual", "any"), .init("unexpected", "any"), .init("message", "string?")],
              summary: "Fails if actual equals unexpected (deeply)."),
        .init("expect_true", parameters: [.init("value", "any"), .init("message", "string?")],
              summary: "Fails unless value is truthy (neither nil nor false)."),
        .init("expect_false", parameters: [.init("value", "any"), .init("message", "string?")],
              summary: "Fails unless value is nil or false."),
        .init("expect_error", parameters: [.init("body", "fun()"), .init("pattern", "string?"), .init("message", "string?")],
              returns: ["string"],
              summary: "Calls body and fails unless it raises an error (matching the Lua pattern, if given); returns the error text."),
        .init("fail", parameters: [.init("message", "string")], summary: "Fails the case here with message."),
    ]

    static let source = #"""
local G = ...
local error, type, tostring, pairs, ipairs, pcall = error, type, tostring, pairs, ipairs, pcall
local setmetatable, getmetatable, next = setmetatable, getmetatable, next
local find, format, match = string.find, string.format, string.match
local sort, concat, mathtype = table.sort, table.concat, math.type

local cases, byname, loading = {}, {}, true

local function readonly(t, name)
  return setmetatable({}, {
    __index = t,
    __newindex = function() error("attempt to modify read-only table '" .. name .. "'", 2) end,
    __pairs = function() return next, t, nil end,
    __metatable = "locked",
  })
end

-- Host function groups (clock, events) become read-only like the libraries.
for name, value in pairs(G) do
  if type(value) == "table" and getmetatable(value) == nil then G[name] = readonly(value, name) end
end

local show
local function key(k)
  if type(k) == "string" and match(k, "^[%a_][%w_]*$") then return "." .. k end
  return "[" .. show(k, 0, {}) .. "]"
end

local function order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

show = function(v, depth, seen)
  local t = type(v)
  if t == "string" then return format("%q", v) end
  if t ~= "table" then return tostring(v) end
  if seen[v] then return "<cycle>" end
  if depth >= 4 then return "{...}" end
  seen[v] = true
  local parts, n = {}, 0
  while v[n + 1] ~= nil do
    n = n + 1
    parts[n] = show(v[n], depth + 1, seen)
  end
  local keys = {}
  for k in pairs(v) do
    if not (mathtype(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  sort(keys, order)
  for _, k in ipairs(keys) do
    local name = (type(k) == "string" and match(k, "^[%a_][%w_]*$")) and k or ("[" .. show(k, depth + 1, seen) .. "]")
    parts[#parts + 1] = name .. " = " .. show(v[k], depth + 1, seen)
  end
  seen[v] = nil
  if #parts == 0 then return "{}" end
  return "{ " .. concat(parts, ", ") .. " }"
end

local function brief(v)
  local text = show(v, 0, {})
  if #text > 300 then text = text:sub(1, 297) .. "..." end
  return text
end

-- The first place where a and b differ: its path ("" for the values themselves) and the two
-- values there; nil when they are deeply equal.
local function diff(a, b, path, seen)
  if a == b then return nil end
  if type(a) ~= "table" or type(b) ~= "table" then return path, a, b end
  seen[a] = seen[a] or {}
  if seen[a][b] then return nil end
  seen[a][b] = true
  for k, va in pairs(a) do
    local p, x, y = diff(va, b[k], path .. key(k), seen)
    if p then return p, x, y end
  end
  for k, vb in pairs(b) do
    if a[k] == nil then return path .. key(k), nil, vb end
  end
  return nil
end

local function fail(name, message, text)
  if message ~= nil then text = tostring(message) .. ": " .. text end
  error(name .. ": " .. text, 3)
end

G.test = function(name, body)
  if not loading then error("test: cases are registered at the top level of a test file", 2) end
  if type(name) ~= "string" or name == "" then error("bad argument #1 to 'test' (non-empty string expected)", 2) end
  if type(body) ~= "function" then error("bad argument #2 to 'test' (function expected, got " .. type(body) .. ")", 2) end
  if byname[name] then error("test: duplicate case name '" .. name .. "'", 2) end
  byname[name] = true
  cases[#cases + 1] = { name = name, body = body }
end

G.expect_eq = function(actual, expected, message)
  local path, x, y = diff(actual, expected, "", {})
  if path == nil then return end
  if path == "" then fail("expect_eq", message, "expected " .. brief(expected) .. ", got " .. brief(actual)) end
  fail("expect_eq", message, "at " .. path .. ": expected " .. brief(y) .. ", got " .. brief(x) .. " (actual " .. brief(actual) .. ")")
end

G.expect_ne = function(actual, unexpected, message)
  if diff(actual, unexpected, "", {}) == nil then fail("expect_ne", message, "expected anything but " .. brief(unexpected)) end
end

G.expect_true = function(value, message)
  if not value then fail("expect_true", message, "got " .. brief(value)) end
end

G.expect_false = function(value, message)
  if value then fail("expect_false", message, "got " .. brief(value)) end
end

G.expect_error = function(body, pattern, message)
  if type(body) ~= "function" then
    error("bad argument #1 to 'expect_error' (function expected, got " .. type(body) .. ")", 2)
  end
  local ok, err = pcall(body)
  if ok then fail("expect_error", message, "expected an error, but the function returned") end
  local text = type(err) == "string" and err or brief(err)
  if pattern ~= nil and not find(text, pattern) then
    fail("expect_error", message, "error " .. brief(text) .. " does not match " .. brief(pattern))
  end
  return text
end

G.fail = function(message)
  error("fail: " .. tostring(message), 2)
end

local runner = {}
function runner.names()
  loading = false
  local out = {}
  for i, c in ipairs(cases) do out[i] = c.name end
  return out
end
function runner.run(i)
  return cases[i].body()
end
return runner
"""#
}
