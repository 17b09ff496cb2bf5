/// The trusted Lua that builds the sandbox once per VM, before any script runs. It receives the
/// real global table (already holding only the safe libraries and the host's globals) and the
/// internal host functions, and returns the helpers the VM uses to load files.
///
/// Environments: every script gets an empty table `env` as its `_ENV`. While the file loads,
/// global writes land in the script's own `globals`; afterwards the environment is sealed and
/// writes go to a per-script `scratch` table that the host empties after every call, so a global
/// written during a call does not survive it. Reads fall through scratch → globals → the base.
/// The base and the library tables are read-only; `rawset` refuses them; metatables are locked.
///
/// Budgets: `setmetatable` refuses a metatable with a `__gc` field, because Lua runs finalizers
/// with hooks off (outside every budget, and again when a VM closes). `pcall`, `xpcall`,
/// `coroutine.resume`, `coroutine.close` and `coroutine.wrap` pass their results through
/// `internal.pass`, which raises a budget kill again in the caller, so no nesting of protected
/// calls or coroutines can catch one. `load` names its chunk after the script line that called it,
/// so an error inside a loaded chunk still names the operator's file.
enum Sandbox {
    static let bootstrap = #"""
local G, internal = ...
local error, type, tostring, next, select, pcall = error, type, tostring, next, select, pcall
local setmetatable, getmetatable, rawset, load = setmetatable, getmetatable, rawset, load
local collectgarbage, string_match, pack, ipairs = collectgarbage, string.match, table.pack, ipairs
local LOCK = "locked"
local frozen = setmetatable({}, { __mode = "k" })
local metas = setmetatable({}, { __mode = "k" })

local function readonly(t, name)
  local proxy = setmetatable({}, {
    __index = t,
    __newindex = function() error("attempt to modify read-only table '" .. name .. "'", 2) end,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = LOCK,
  })
  frozen[proxy] = true
  return proxy
end

local pass, where = internal.pass, internal.where
local raw_pcall, raw_xpcall, rawget = pcall, xpcall, rawget
G.pcall = function(...) return pass(raw_pcall(...)) end
G.xpcall = function(...) return pass(raw_xpcall(...)) end
do
  local co = G.coroutine
  local resume, close, wrap = co.resume, co.close, co.wrap
  co.resume = function(...) return pass(resume(...)) end
  co.close = function(...) return pass(close(...)) end
  co.wrap = function(f)
    local step = wrap(f)
    return function(...) return pass(step(...)) end
  end
end
G.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc finalizers are not allowed in scripts (they run outside every budget)", 2)
  end
  -- Called through pcall so that Lua's own refusals (a protected metatable, a bad argument)
  -- name the script's line, not this wrapper's.
  local ok, result = raw_pcall(setmetatable, t, mt)
  if not ok then error(result, 2) end
  return result
end

G.string.dump = nil
for _, name in ipairs({ "string", "table", "math", "utf8", "coroutine" }) do
  G[name] = readonly(G[name], name)
end
getmetatable("").__metatable = LOCK
G.dofile, G.loadfile, G._G = nil, nil, nil
G.print = internal.print
G.collectgarbage = function(opt)
  if opt == nil or opt == "count" then return collectgarbage("count") end
  error("collectgarbage: only 'count' is allowed in scripts", 2)
end
G.rawset = function(t, k, v)
  if frozen[t] then error("attempt to modify a read-only table", 2) end
  return rawset(t, k, v)
end

local function new_env()
  local globals = setmetatable({}, { __index = G, __metatable = LOCK })
  local env = {}
  local meta = { __index = globals, __newindex = globals, __metatable = LOCK }
  setmetatable(env, meta)
  rawset(globals, "_G", env)
  frozen[env] = true
  metas[env] = { meta = meta, globals = globals }
  return env
end

local function seal(env)
  local m = metas[env]
  local scratch = setmetatable({}, { __index = m.globals })
  m.meta.__index, m.meta.__newindex = scratch, scratch
  return scratch
end

G.load = function(chunk, name, mode, env)
  if type(chunk) ~= "string" then error("load: only source text is accepted", 2) end
  if mode ~= nil and mode ~= "t" then error("load: binary chunks are not allowed", 2) end
  if env == nil then env = new_env() end
  local at = where(2)
  if at == "" then at = "?:" end
  local label = "load"
  if type(name) == "string" and string_match(name, "^[%w_%.%-]+$") and #name <= 64 then label = "load " .. name end
  return load(chunk, "=" .. at .. " " .. label, "t", env)
end

local loaded, loading = {}, {}
G.require = function(name)
  if type(name) ~= "string" or not string_match(name, "^lib%.[%w_]+$") then
    error("require: only modules 'lib.<name>' from Scripts/lib can be required, got " .. tostring(name), 2)
  end
  local value = loaded[name]
  if value ~= nil then return value end
  if loading[name] then error("require: circular require of '" .. name .. "'", 2) end
  local found, source, chunkname = pcall(internal.lib_source, name)
  if not found then error(source, 2) end
  local env = new_env()
  local fn, err = load(source, chunkname, "t", env)
  if not fn then error(err, 0) end
  loading[name] = true
  value = fn(name)
  loading[name] = nil
  seal(env)
  if value == nil then value = true end
  loaded[name] = value
  return value
end

local helpers = {}
function helpers.load_script(source, chunkname)
  local env = new_env()
  local fn, err = load(source, chunkname, "t", env)
  if not fn then error(err, 0) end
  local results = pack(fn())
  local scratch = seal(env)
  return results.n, results[1], env, scratch
end
helpers.reset = seal
return helpers
"""#
}
