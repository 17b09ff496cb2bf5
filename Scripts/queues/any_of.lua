-- Entry gate: at least one chosen condition (fan medal level, guard tier, following) must hold;
-- with none chosen, everyone may join. A refusal lists what would let the viewer in.
local gates = require "lib.gates"

return queue_gate {
  id = "any-of",
  title = "Any of",
  params = gates.combined_params,
  check = function(ctx, viewer, params)
    local chosen, reasons = gates.chosen(params), {}
    if #chosen == 0 then return true end
    for _, condition in ipairs(chosen) do
      local ok, why = condition(ctx, viewer)
      if ok then return true end
      reasons[#reasons + 1] = why
    end
    return false, "one of: " .. table.concat(reasons, "; ")
  end,
}
