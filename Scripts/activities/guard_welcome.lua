-- Guard welcome: whoever buys or renews a guard gets tickets for every day bought, more for
-- higher tiers (by tier rank: 1 = the lowest). Upgrades count like purchases.
return activity {
  id = "guard-welcome",
  title = "Guard welcome tickets",
  config = { tickets_per_day = { 1, 3, 10 } },
  on = {
    privilege_bought = function(ctx, p)
      if p.kind ~= "guard" then return end
      local per_day = ctx.config("tickets_per_day")[p.tier_rank] or 0
      if per_day > 0 then
        ctx.grant(p.buyer_id, "tickets", per_day * p.days, "guard welcome: " .. p.tier .. " of " .. p.streamer_id)
      end
    end,
  },
}
