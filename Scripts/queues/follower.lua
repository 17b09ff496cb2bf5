-- Entry gate: viewers must follow the streamer.
local gates = require "lib.gates"

return queue_gate {
  id = "follower",
  title = "Follower",
  check = function(ctx, viewer)
    return gates.follower(ctx, viewer)
  end,
}
