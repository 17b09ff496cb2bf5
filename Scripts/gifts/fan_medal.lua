-- Fan medals: a viewer earns intimacy with a streamer by giving to them, one point per coin,
-- at most `daily_cap` points per streamer per operations day. `levels[i]` is the total a
-- viewer needs for level i. The host keeps the points and applies the cap and the table.
return gift_step {
  id = "fan-medal",
  title = "Fan medal intimacy",
  order = 50,
  config = {
    daily_cap = 2000,
    levels = {
      1, 100, 300, 600, 1000, 1800, 3000, 5000, 8000, 12000,
      20000, 30000, 45000, 65000, 90000, 120000, 160000, 210000, 270000, 350000,
    },
  },
  after_commit = function(ctx, gift)
    if gift.sender_id == gift.streamer_id or gift.value_coins < 1 then return end
    -- The rule is this step's config (daily_cap, levels): no table to build for every gift.
    ctx.fan_points(gift.sender_id, gift.streamer_id, math.min(gift.value_coins, 1000000000000))
  end,
}
