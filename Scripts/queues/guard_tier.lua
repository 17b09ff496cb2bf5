-- Entry gate: viewers need a guard of this streamer at or above the chosen tier
-- (1 = the lowest tier of the guard product, e.g. captain; higher tiers include lower ones).
return queue_gate {
  id = "guard-tier",
  title = "Guard tier",
  params = { rank = { type = "integer", min = 1, max = 20, default = 1 } },
  check = function(ctx, viewer, params)
    local g = ctx.guard(viewer.id, ctx.streamer_id)
    if g == nil or g.rank < params.rank then
      return false, "a guard of tier " .. params.rank .. " or higher is required"
    end
    return true
  end,
}
