-- Tests of fan_medal.lua: points per coin given to one streamer, the daily cap, the level table.

local function give(viewer, streamer, coins)
  events.gift{ sender_id = viewer, streamer_id = streamer, price_coins = coins }
end

test("the first coin makes a level 1 medal; points follow the coins given", function()
  expect_eq(fan_medal("v1", "s1"), nil)
  give("v1", "s1", 1)
  expect_eq(fan_medal("v1", "s1"), { level = 1, points = 1, today = 1 })
  give("v1", "s1", 99)
  expect_eq(fan_medal("v1", "s1"), { level = 2, points = 100, today = 100 })
  expect_eq(fan_medal("v1", "s2"), nil, "one medal per streamer")
  expect_eq(fan_medal("v2", "s1"), nil, "and per viewer")
end)

test("at most 2000 points a day per streamer; the next day counts again", function()
  give("v1", "s1", 1500)
  give("v1", "s1", 1500)
  expect_eq(fan_medal("v1", "s1"), { level = 6, points = 2000, today = 2000 })
  give("v1", "s2", 700)
  expect_eq(fan_medal("v1", "s2").points, 700, "the cap is per streamer")
  clock.advance("1d")
  expect_eq(fan_medal("v1", "s1").today, 0)
  give("v1", "s1", 1000)
  expect_eq(fan_medal("v1", "s1"), { level = 7, points = 3000, today = 1000 })
end)

test("a streamer gets no medal of themselves", function()
  give("s1", "s1", 500)
  expect_eq(fan_medal("s1", "s1"), nil)
end)
