-- A gift leaderboard for streamers and their fans, with prizes for the top three streamers.
local util = require "lib.util"

local PRIZES = { [1] = 3000, [2] = 2000, [3] = 1000 }

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
  on_end = function(ctx)
    for _, row in ipairs(ctx.leaderboard("streamers"):top(3)) do
      ctx.grant(row.member, "coins", util.prize_for(row.rank, PRIZES), "spring-gala prize")
    end
  end,
}
