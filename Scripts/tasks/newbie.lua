-- Newbie tasks: done once per viewer. Send a first gift, then ten.
return task {
  id = "newbie-gifts",
  title = "Welcome: send your first gifts",
  repeats = "once",
  stages = {
    { goal = 1, title = "First gift", rewards = { { "coins", 20 }, { "badge", "newcomer" } } },
    { goal = 10, title = "Ten gifts", rewards = { { "tickets", 10 } } },
  },
  on = {
    gift = function(ctx, gift) ctx.progress(gift.sender_id, gift.count) end,
  },
}
