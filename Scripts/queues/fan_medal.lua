-- Entry gate: viewers need a fan medal of at least the streamer's chosen level.
return queue_gate {
  id = "fan-medal",
  title = "Fan medal level",
  params = { level = { type = "integer", min = 1, max = 40 } },
  check = function(ctx, viewer, params)
    local medal = ctx.fan_medal(viewer.id, ctx.streamer_id)
    if medal == nil or medal.level < params.level then
      return false, "fan medal level " .. params.level .. " required"
    end
    return true
  end,
}
