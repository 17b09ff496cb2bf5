-- Entry gate: viewers need a fan medal of at least the streamer's chosen level.
local gates = require "lib.gates"

return queue_gate {
  id = "fan-medal",
  title = "Fan medal level",
  params = { level = { type = "integer", min = 1, max = 40 } },
  check = function(ctx, viewer, params)
    return gates.fan_medal(ctx, viewer, params.level)
  end,
}
