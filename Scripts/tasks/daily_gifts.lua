-- Send gifts today: two stages, reset every day.
return task {
  id = "daily-gifts",
  title = "Send gifts today",
  repeats = "daily",
  stages = {
    { goal = 1, rewards = { { "coins", 10 } } },
    { goal = 10, rewards = { { "coins", 100 }, { "badge", "generous" } } },
  },
  on = {
    gift = function(ctx, gift) ctx.progress(gift.sender_id, gift.count) end,
  },
}
