-- Entry gate: every chosen condition (fan medal level, guard tier, following) must hold;
-- with none chosen, everyone may join. The first unmet condition is the reason.
local gates = require "lib.gates"

return queue_gate {
  id = "all-of",
  title = "All of",
  params = gates.combined_params,
  check = function(ctx, viewer, params)
    for _, condition in ipairs(gates.chosen(params)) do
      local ok, why = condition(ctx, viewer)
      if not ok then return false, why end
    end
    return true
  end,
}
