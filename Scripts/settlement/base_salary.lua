-- Monthly settlement policy. Amounts are integers in revenue units; every rate is in basis
-- points and rounds down (split.bp); a guild's share is split over its members by largest
-- remainder, so the parts sum exactly to the share.
--
-- Streamer: keeps the month's revenue (revenue_share); a base salary when the month had enough
-- live hours and valid days (the contract's salary, or the default one without a guild); the
-- highest bonus tier the revenue reaches; a subsidy of a rate of the guard revenue.
-- Guild: its gift shares plus an incentive on its exclusive members' revenue, split over the
-- members by their revenue. The gift shares (g.revenue) were credited in real time, each gift
-- giving the guild its member's contract share_bp of the gift's streamer-and-guild part
-- (rounded down); a member's revenue is what the streamer kept.
local split = require "lib.split"

return settlement_policy {
  id = "base-salary",
  title = "Base salary, bonus tiers and guild incentive",
  valid_day_minutes = 30,
  config = {
    hours_min = 60,
    valid_days_min = 20,
    salary = 50000,
    bonus_tiers = { { revenue = 1000000, bonus = 20000 }, { revenue = 300000, bonus = 5000 } },
    guard_subsidy_bp = 1000,
    exclusive_incentive_bp = 200,
  },
  streamer = function(ctx, month)
    local salary = 0
    if month.hours >= ctx.config("hours_min") and month.valid_days >= ctx.config("valid_days_min") then
      salary = month.base_salary > 0 and month.base_salary or ctx.config("salary")
    end
    local bonus = 0
    for _, tier in ipairs(ctx.config("bonus_tiers")) do
      if month.revenue >= tier.revenue and tier.bonus > bonus then bonus = tier.bonus end
    end
    return {
      base_salary = salary,
      bonus = bonus,
      revenue_share = month.revenue,
      subsidy = split.bp(month.revenue_by_source.guards, ctx.config("guard_subsidy_bp")),
    }
  end,
  guild = function(ctx, g)
    local exclusive_revenue, weights = 0, {}
    for _, m in ipairs(g.members) do
      if m.exclusive then exclusive_revenue = exclusive_revenue + m.revenue end
      weights[#weights + 1] = { key = m.streamer_id, weight = m.revenue }
    end
    local share = g.revenue + split.bp(exclusive_revenue, ctx.config("exclusive_incentive_bp"))
    return {
      share = share,
      parts = #weights > 0 and split.largest_remainder(share, weights) or nil,
      summary = string.format("%d members, exclusive member revenue %d", #g.members, exclusive_revenue),
    }
  end,
}
