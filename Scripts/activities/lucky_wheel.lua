-- Lucky wheel: a spin costs 100 coins and pays one weighted reward; the odds are published at
-- GET /v1/activities/lucky-wheel. Viewers also earn a free ticket toward spins by chatting.
return activity {
  id = "lucky-wheel",
  title = "Lucky wheel",
  wheels = {
    classic = {
      title = "Classic wheel",
      cost = 100,
      asset = "coins",
      rewards = {
        { weight = 50, reward = { "tickets", 10 } },
        { weight = 30, reward = { "coins", 50 } },
        { weight = 15, reward = { "coins", 150 } },
        { weight = 4, reward = { "coins", 500 } },
        { weight = 1, reward = { "badge", "wheel-master" } },
      },
    },
  },
  leaderboards = {
    chatters = { order = "desc", reset = "weekly" },
  },
  on = {
    danmaku = function(ctx, d)
      ctx.leaderboard("chatters"):add(d.user_id, 1)
    end,
  },
}
