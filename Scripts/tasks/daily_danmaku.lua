-- Say hello: send 5 danmaku today.
return task {
  id = "daily-danmaku",
  title = "Send 5 danmaku today",
  repeats = "daily",
  stages = {
    { goal = 5, rewards = { { "tickets", 2 } } },
  },
  on = {
    danmaku = function(ctx, d) ctx.progress(d.user_id, 1) end,
  },
}
