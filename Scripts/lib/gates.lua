-- Conditions the shipped queue gates share (Scripts/queues/*.lua): each returns true, or false
-- and the reason shown to the viewer. `all_of` and `any_of` combine them.
local M = {}

function M.fan_medal(ctx, viewer, level)
  local medal = ctx.fan_medal(viewer.id, ctx.streamer_id)
  if medal == nil or medal.level < level then
    return false, "fan medal level " .. level .. " required"
  end
  return true
end

function M.guard(ctx, viewer, rank)
  local g = ctx.guard(viewer.id, ctx.streamer_id)
  if g == nil or g.rank < rank then
    return false, "a guard of tier " .. rank .. " or higher is required"
  end
  return true
end

function M.follower(ctx, viewer)
  if not ctx.follows(viewer.id, ctx.streamer_id) then
    return false, "follow the streamer to join"
  end
  return true
end

-- The conditions a combined gate's params choose: a medal level above 0, a guard rank above 0,
-- following when true. Each entry is { name, check } with check(ctx, viewer).
function M.chosen(params)
  local list = {}
  if params.medal_level > 0 then
    list[#list + 1] = function(ctx, viewer) return M.fan_medal(ctx, viewer, params.medal_level) end
  end
  if params.guard_rank > 0 then
    list[#list + 1] = function(ctx, viewer) return M.guard(ctx, viewer, params.guard_rank) end
  end
  if params.follower then
    list[#list + 1] = function(ctx, viewer) return M.follower(ctx, viewer) end
  end
  return list
end

-- The params of a combined gate.
M.combined_params = {
  medal_level = { type = "integer", min = 0, max = 40, default = 0, title = "Fan medal level (0: not a condition)" },
  guard_rank = { type = "integer", min = 0, max = 20, default = 0, title = "Guard tier rank (0: not a condition)" },
  follower = { type = "boolean", default = false, title = "Follows the streamer" },
}

return M
