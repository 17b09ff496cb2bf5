-- Entry gate: viewers need a guard of this streamer at or above the chosen tier
-- (1 = the lowest tier of the guard product, e.g. captain; higher tiers include lower ones).
local gates = require "lib.gates"

return queue_gate {
  id = "guard-tier",
  title = "Guard tier",
  params = { rank = { type = "integer", min = 1, max = 20, default = 1 } },
  check = function(ctx, viewer, params)
    return gates.guard(ctx, viewer, params.rank)
  end,
}
