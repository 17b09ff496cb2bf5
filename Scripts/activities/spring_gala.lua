-- A gift leaderboard for streamers and their fans: prizes for the top three streamers when the
-- gala ends, and tickets every day for the day's three most generous fans.
local util = require "lib.util"

local STREAMER_PRIZES = { [1] = 3000, [2] = 2000, [3] = 1000 }
local FAN_PRIZES = { [1] = 300, [2] = 200, [3] = 100 }

return activity {
  id = "spring-gala",
  title = "Spring Gala",
  starts_at = "2027-01-20T00:00:00+08:00",
  ends_at = "2027-02-05T00:00:00+08:00",
  leaderboards = {
    streamers = { order = "desc", reset = "never" },
    fans = { order = "desc", reset = "daily" },
  },
  on = {
    gift = function(ctx, gift)
      ctx.leaderboard("streamers"):add(gift.streamer_id, gift.value_coins)
      ctx.leaderboard("fans"):add(gift.sender_id, gift.value_coins)
    end,
  },
  on_period_end = function(ctx, period)
    if period.board ~= "fans" then return end
    for _, row in ipairs(ctx.leaderboard("fans"):top(3)) do
      ctx.grant(row.member, "tickets", util.prize_for(row.rank, FAN_PRIZES), "spring-gala fan of the day " .. period.period)
    end
  end,
  on_end = function(ctx)
    for _, row in ipairs(ctx.leaderboard("streamers"):top(3)) do
      ctx.grant(row.member, "coins", util.prize_for(row.rank, STREAMER_PRIZES), "spring-gala prize")
    end
  end,
}
