-- Watch 10 minutes today (the realtime rooms journal one `watch` fact per viewer per minute).
return task {
  id = "daily-watch",
  title = "Watch 10 minutes today",
  repeats = "daily",
  stages = {
    { goal = 10, rewards = { { "tickets", 3 } } },
  },
  on = {
    watch = function(ctx, w) ctx.progress(w.user_id, w.minutes) end,
  },
}
