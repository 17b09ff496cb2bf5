-- Tests of daily_gifts.lua: one gift today pays 10 coins, ten gifts 100 coins and the generous
-- badge; progress starts over every day (UTC days by default).

local function gifts(user, count)
  events.gift{ sender_id = user, streamer_id = "s1", price_coins = 1, count = count }
end

test("one gift, then ten, in one day", function()
  clock.set("2027-01-20T09:00:00Z")
  gifts("v1", 1)
  expect_true(claim("v1", "daily-gifts", 1))
  expect_eq(balance("v1", "coins"), 10)
  gifts("v1", 4)
  gifts("v1", 5)
  expect_eq(task("v1", "daily-gifts").progress, 10)
  expect_true(claim("v1", "daily-gifts", 2))
  expect_eq(balance("v1", "coins"), 110)
  expect_eq(inventory("v1").badges, { "generous" })
end)

test("progress and claims start over the next day", function()
  clock.set("2027-01-20T23:30:00Z")
  gifts("v1", 10)
  expect_true(claim("v1", "daily-gifts", 1))
  clock.advance("30m")
  local t = task("v1", "daily-gifts")
  expect_eq(t.period, "2027-01-21")
  expect_eq(t.progress, 0)
  expect_eq(t.stages[1].state, "in_progress")
  expect_eq({ claim("v1", "daily-gifts", 2) }, { false, "stage_not_reached" }, "yesterday's stage 2 lapsed")
  gifts("v1", 1)
  expect_true(claim("v1", "daily-gifts", 1))
  expect_eq(balance("v1", "coins"), 20)
end)

test("each viewer has their own progress", function()
  gifts("v1", 10)
  gifts("v2", 1)
  expect_eq(task("v1", "daily-gifts").progress, 10)
  expect_eq(task("v2", "daily-gifts").progress, 1)
  expect_eq(task("v3", "daily-gifts").progress, 0)
end)
