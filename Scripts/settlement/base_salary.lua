-- Monthly streamer policy: a base salary for streamers who streamed enough hours and earned enough.
return settlement_policy {
  id = "base-salary",
  title = "Base salary",
  config = { hours_min = 60, revenue_min = 100000, salary = 50000 },
  streamer = function(ctx, month)
    if month.hours >= ctx.config("hours_min") and month.revenue >= ctx.config("revenue_min") then
      return { salary = ctx.config("salary") }
    end
    return { salary = 0 }
  end,
}
