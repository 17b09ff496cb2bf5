-- Shared helpers for scripts: `local util = require "lib.util"`.
local util = {}

--- Clamps n into [lo, hi].
function util.clamp(n, lo, hi)
  if n < lo then return lo end
  if n > hi then return hi end
  return n
end

--- The prize for a rank from a table of { rank = amount }, or 0.
function util.prize_for(rank, prizes)
  return prizes[rank] or 0
end

return util
